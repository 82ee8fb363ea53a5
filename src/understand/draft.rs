//! An intent being filled in: the five intents of the catalogue with their slots, which slot is
//! still missing, and the function call once none is.

use super::days::Days;
use super::spoken_time::{iso_local, When};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draft {
    Create {
        title: Option<String>,
        when: When,
        minutes: Option<u32>,
        notes: Option<String>,
    },
    Move {
        task: Option<String>,
        when: When,
    },
    Complete {
        task: Option<String>,
    },
    Goal {
        statement: Option<String>,
        timeline: Option<String>,
    },
    /// No day said is today: the intent's default, made explicit.
    List(Days),
}

/// The slot a question asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Need {
    Title,
    Time,
    Task,
    Statement,
    Timeline,
    /// A yes or no to "Just to check: 11 PM on Wednesday, at night?" (see `night`).
    Confirm,
}

impl Need {
    /// Slots whose answer is any text ("buy milk"), which could also read as a new request.
    pub(crate) fn is_free_text(self) -> bool {
        matches!(self, Need::Title | Need::Task | Need::Statement)
    }
}

pub(crate) enum Next {
    Call { name: &'static str, arguments: Value },
    Ask(Need),
}

/// A time a task can be given: said, clear and not already past (a minute's grace for the time
/// it took to say it).
fn usable(when: &When, now: DateTime<Utc>) -> Option<String> {
    match when {
        When::At(t) if t.checked_add_signed(Duration::minutes(1)).is_some_and(|t| t >= now) => {
            Some(iso_local(t))
        }
        _ => None,
    }
}

impl Draft {
    /// The call to make, or the first slot still missing (the title before the time: "When
    /// should I schedule it?" is a worse question than "What should I call the task?").
    pub(crate) fn next(&self, now: DateTime<Utc>) -> Next {
        let mut args = Map::new();
        let name = match self {
            Draft::Create { title, when, minutes, notes } => {
                let Some(title) = title else { return Next::Ask(Need::Title) };
                let Some(at) = usable(when, now) else { return Next::Ask(Need::Time) };
                args.insert("title".into(), json!(title));
                args.insert("scheduled_at".into(), json!(at));
                if let Some(m) = minutes {
                    args.insert("duration_minutes".into(), json!(m));
                }
                if let Some(n) = notes {
                    args.insert("notes".into(), json!(n));
                }
                "create_task"
            }
            Draft::Move { task, when } => {
                let Some(task) = task else { return Next::Ask(Need::Task) };
                let Some(at) = usable(when, now) else { return Next::Ask(Need::Time) };
                args.insert("task".into(), json!(task));
                args.insert("new_time".into(), json!(at));
                "reschedule_task"
            }
            Draft::Complete { task } => {
                let Some(task) = task else { return Next::Ask(Need::Task) };
                args.insert("task".into(), json!(task));
                "complete_task"
            }
            Draft::Goal { statement, timeline } => {
                let Some(statement) = statement else { return Next::Ask(Need::Statement) };
                let Some(timeline) = timeline else { return Next::Ask(Need::Timeline) };
                args.insert("goal_statement".into(), json!(statement));
                args.insert("timeline".into(), json!(timeline));
                "submit_goal_intent"
            }
            Draft::List(days) => {
                match days {
                    Days::Range(from, to) => {
                        args.insert("from".into(), json!(from.to_string()));
                        args.insert("to".into(), json!(to.to_string()));
                    }
                    Days::One(d) => {
                        args.insert("day".into(), json!(d.to_string()));
                    }
                }
                "list_tasks"
            }
        };
        Next::Call { name, arguments: Value::Object(args) }
    }

    /// The time slot, for the drafts that have one.
    pub(crate) fn when(&self) -> Option<When> {
        match self {
            Draft::Create { when, .. } | Draft::Move { when, .. } => Some(*when),
            _ => None,
        }
    }
}
