//! A goal with its plan: the milestones (the goal's tasks, in order of their due time) and how
//! many are done.

use super::{ApiError, Service};
use crate::intents::matching::{self, Match};
use crate::store::{goals, tasks, GoalRow, TaskRow, TaskStatus};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GoalPlan {
    pub goal: GoalRow,
    /// In order of their due time.
    pub milestones: Vec<TaskRow>,
    pub done: usize,
}

impl Service {
    /// The goal named by `query` (its id, or its statement said approximately) with its plan.
    pub fn goal_plan(&self, query: &str) -> Result<GoalPlan, ApiError> {
        self.store().read(|c| {
            let all = goals::list_goals(c)?;
            let goal = match matching::find(&all, query) {
                Match::One(g) => g.clone(),
                Match::None => return Ok(Err(ApiError::NotFound(format!("No goal matches {query:?}")))),
                Match::Ambiguous(many) => {
                    let ids: Vec<String> =
                        many.iter().map(|g| format!("{} ({})", g.statement, g.id)).collect();
                    return Ok(Err(ApiError::Invalid(format!(
                        "{query:?} matches {} goals: {}; give its id",
                        many.len(),
                        ids.join(", ")
                    ))));
                }
            };
            let milestones = tasks::tasks_of_goal(c, &goal.id)?;
            Ok(Ok(plan(goal, milestones)))
        })?
    }

    /// Every goal with its plan, oldest goal first.
    pub fn goal_plans(&self) -> Result<Vec<GoalPlan>, ApiError> {
        Ok(self.store().read(|c| {
            let mut by_goal = std::collections::HashMap::<String, Vec<TaskRow>>::new();
            for t in tasks::all_tasks(c)? {
                if let Some(g) = t.goal_id.clone() {
                    by_goal.entry(g).or_default().push(t);
                }
            }
            let goals = goals::list_goals(c)?;
            Ok(goals
                .into_iter()
                .map(|g| {
                    let milestones = by_goal.remove(&g.id).unwrap_or_default();
                    plan(g, milestones)
                })
                .collect())
        })?)
    }
}

fn plan(goal: GoalRow, mut milestones: Vec<TaskRow>) -> GoalPlan {
    milestones.sort_by(|a, b| a.scheduled_at.at().cmp(&b.scheduled_at.at()).then(a.id.cmp(&b.id)));
    let done = milestones.iter().filter(|t| t.status == TaskStatus::Done).count();
    GoalPlan { goal, milestones, done }
}
