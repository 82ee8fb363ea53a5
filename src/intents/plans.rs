//! Goal plans: the milestones the language model proposes for a goal, stored as the goal's tasks
//! (one per milestone, due at 09:00 local on the last day of its week), all in the call's
//! transaction, so a plan is stored whole or not at all and undone as one.

use super::matching::{self, Match};
use super::when::speak_day;
use super::{Actor, Effect, IntentCall, Refusal};
use crate::store::tasks::{self, NewTask};
use crate::store::{goals, GoalRow, GoalStatus};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value};

/// Longest milestone title kept; a longer one is a paragraph, not a milestone.
const MAX_TITLE_CHARS: usize = 120;

pub(super) fn plan_goal(
    tx: &Connection,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
    args: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<(String, Effect), Refusal> {
    let query = args.get("goal").and_then(Value::as_str).unwrap_or_default();
    let goal = find_goal(tx, actor, query)?;
    let planned = tasks::tasks_of_goal(tx, &goal.id)?;
    if !planned.is_empty() {
        return Err(Refusal::Said(format!(
            "{} already has a plan of {} milestones; they can be changed on the Goals screen, or that plan undone first.",
            goal.statement,
            planned.len()
        )));
    }
    let milestones = milestones(args)?;
    let mut task_ids = Vec::with_capacity(milestones.len());
    for (title, week) in &milestones {
        let notes = format!("Week {week} of the plan.");
        let id = uuid::Uuid::new_v4().to_string();
        let task = NewTask {
            id: &id,
            user_id: &actor.user.id,
            goal_id: Some(&goal.id),
            title,
            notes: &notes,
            scheduled_at: due(actor, now, *week).fixed_offset(),
            duration_minutes: None,
            source_call_id: Some(call.call_id),
            remind_before_minutes: None,
        };
        tasks::insert_task(tx, &task, now)?;
        task_ids.push(id);
    }
    let (first, last) = (&milestones[0], &milestones[milestones.len() - 1]);
    let by = |week: i64| speak_day(due(actor, now, week).date_naive());
    let msg = format!(
        "Planned {} in {} milestones: first, {} by {}; last, {} by {}.",
        goal.statement,
        milestones.len(),
        first.0,
        by(first.1),
        last.0,
        by(last.1)
    );
    Ok((msg, Effect::PlanCreated { goal_id: goal.id, task_ids }))
}

fn find_goal(tx: &Connection, actor: &Actor<'_>, query: &str) -> Result<GoalRow, Refusal> {
    let mine: Vec<GoalRow> = goals::list_goals(tx)?
        .into_iter()
        .filter(|g| g.user_id == actor.user.id && g.status != GoalStatus::Archived)
        .collect();
    match matching::find(&mine, query) {
        Match::One(g) => Ok(g.clone()),
        Match::None => Err(Refusal::Said(format!("I couldn't find a goal called '{query}'."))),
        Match::Ambiguous(many) => {
            let names: Vec<&str> = many.iter().map(|g| g.statement.as_str()).collect();
            Err(Refusal::Said(format!(
                "'{query}' matches {} goals: {}. Which one?",
                many.len(),
                names.join("; ")
            )))
        }
    }
}

/// The milestones in week order (the catalogue has checked their count, fields and ranges).
fn milestones(args: &Map<String, Value>) -> Result<Vec<(String, i64)>, Refusal> {
    let items = args.get("milestones").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let title = item.get("title").and_then(Value::as_str).unwrap_or_default().trim().to_string();
        let week = item.get("week").and_then(Value::as_i64).unwrap_or_default();
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(Refusal::Said(format!(
                "A milestone title must be at most {MAX_TITLE_CHARS} characters; say each one in a few words."
            )));
        }
        out.push((title, week));
    }
    if out.is_empty() {
        return Err(Refusal::Said("A plan needs its milestones.".into()));
    }
    // Stable: milestones of the same week keep the order they were given in.
    out.sort_by_key(|(_, week)| *week);
    Ok(out)
}

/// The end of week `week` counted from today in the user's timezone: 09:00 local, 7 × week days
/// from today.
fn due(actor: &Actor<'_>, now: DateTime<Utc>, week: i64) -> DateTime<chrono_tz::Tz> {
    let day = now.with_timezone(&actor.tz).date_naive() + Duration::days(7 * week);
    let nine = day.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
    // A 09:00 skipped by a clock change does not exist; the first valid instant after it does.
    actor
        .tz
        .from_local_datetime(&nine)
        .earliest()
        .or_else(|| actor.tz.from_local_datetime(&(nine + Duration::hours(1))).earliest())
        .unwrap_or_else(|| nine.and_utc().with_timezone(&actor.tz))
}
