//! `companion goals`: the goals with their progress, and one goal with its plan (its milestones).
//! Read-only and offline; `--json` for scripts.

use super::review::print_json;
use super::table::Table;
use crate::backend::GoalPlan;
use crate::store::GoalRow;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum GoalsCmd {
    /// Every goal with its progress (milestones done of planned).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One goal and its milestones; ID is the goal's id or its words ("spanish").
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(dir: Option<&Path>, cmd: GoalsCmd) -> anyhow::Result<ExitCode> {
    let svc = super::context::open(dir)?.service;
    match cmd {
        GoalsCmd::List { json } => {
            let plans = svc.goal_plans()?;
            if json {
                let rows: Vec<ListEntry> = plans.iter().map(ListEntry::of).collect();
                return print_json(&rows);
            }
            let mut t = Table::new(&["GOAL", "TIMELINE", "STATUS", "PROGRESS", "CREATED", "ID"]);
            for p in plans {
                let progress = progress(&p);
                let g = p.goal;
                t.row(vec![
                    g.statement,
                    g.timeline,
                    g.status.as_str().to_string(),
                    progress,
                    g.created_at,
                    g.id,
                ]);
            }
            print!("{}", t.render());
        }
        GoalsCmd::Show { id, json } => {
            let plan = svc.goal_plan(&id)?;
            if json {
                return print_json(&plan);
            }
            let g = &plan.goal;
            println!("{}", g.statement);
            let timeline = if g.timeline.is_empty() { String::new() } else { format!(" · {}", g.timeline) };
            println!("{}{timeline} · {} · {}", g.status.as_str(), progress(&plan), g.id);
            if plan.milestones.is_empty() {
                println!("No milestones yet: ask Flux to plan it, or add tasks to it in the app.");
                return Ok(ExitCode::SUCCESS);
            }
            println!();
            let mut t = Table::new(&["DUE", "MILESTONE", "STATUS", "ID"]);
            for m in &plan.milestones {
                t.row(vec![
                    m.scheduled_at.to_string(),
                    m.title.clone(),
                    m.status.as_str().to_string(),
                    m.id.clone(),
                ]);
            }
            print!("{}", t.render());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A goal as `goals list --json` prints it: its fields, and how many milestones it has and how
/// many are done.
#[derive(Serialize)]
struct ListEntry<'a> {
    #[serde(flatten)]
    goal: &'a GoalRow,
    milestones: usize,
    milestones_done: usize,
}

impl<'a> ListEntry<'a> {
    fn of(p: &'a GoalPlan) -> Self {
        ListEntry { goal: &p.goal, milestones: p.milestones.len(), milestones_done: p.done }
    }
}

fn progress(p: &GoalPlan) -> String {
    match p.milestones.len() {
        0 => "no plan".into(),
        n => format!("{} of {n} done", p.done),
    }
}
