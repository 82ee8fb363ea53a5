//! One function per intent. Each either changes the store and returns a confirmation plus the
//! effect (for undo), or refuses with a sentence; the caller's transaction makes it all-or-nothing.

use super::matching::{self, Match};
use super::when::{parse_day, parse_time, speak_day, speak_time, start_of_day};
use super::{Actor, Effect, IntentCall, Refusal};
use crate::config::intent_kind::IntentKind;
use crate::store::tasks::{self, NewTask};
use crate::store::{goals, TaskRow, TaskStatus};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use rusqlite::Connection;
use serde_json::{Map, Value};

type Outcome = Result<(String, Effect), Refusal>;

const MAX_LIST_DAYS: i64 = 31;

pub(super) fn dispatch(
    tx: &Connection,
    kind: IntentKind,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
    args: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Outcome {
    let text = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    match kind {
        IntentKind::SubmitGoal => {
            let (statement, timeline) = (text("goal_statement"), text("timeline"));
            let id = uuid::Uuid::new_v4().to_string();
            goals::insert_goal(tx, &id, &actor.user.id, &statement, &timeline, Some(call.call_id), now)?;
            let msg = format!(
                "Goal created: {statement}, with a timeline of {timeline}. I'll help you break this down into weekly milestones."
            );
            Ok((msg, Effect::GoalCreated { goal_id: id }))
        }
        IntentKind::CreateTask => {
            let at = future_time(&text("scheduled_at"), actor, now)?;
            let title = text("title");
            let duration = args.get("duration_minutes").and_then(Value::as_i64);
            let id = uuid::Uuid::new_v4().to_string();
            let notes = text("notes");
            let task = NewTask {
                id: &id,
                user_id: &actor.user.id,
                goal_id: None,
                title: &title,
                notes: &notes,
                scheduled_at: at,
                duration_minutes: duration,
                source_call_id: Some(call.call_id),
                remind_before_minutes: None,
            };
            tasks::insert_task(tx, &task, now)?;
            let dur = duration.map(|m| format!(" for {m} minutes")).unwrap_or_default();
            Ok((
                format!("Task created: {title} on {}{dur}.", speak_time(&at, actor.tz)),
                Effect::TaskCreated { task_id: id },
            ))
        }
        IntentKind::RescheduleTask => {
            let task = find_task(tx, actor, &text("task"))?;
            let at = future_time(&text("new_time"), actor, now)?;
            tasks::set_time(tx, &task.id, at, now)?;
            let msg = format!("Rescheduled {} to {}.", task.title, speak_time(&at, actor.tz));
            Ok((msg, Effect::TaskRescheduled { task_id: task.id, previous: task.scheduled_at }))
        }
        IntentKind::CompleteTask => {
            let task = find_task(tx, actor, &text("task"))?;
            if task.status == TaskStatus::Done {
                return Ok((format!("{} was already marked as done.", task.title), Effect::None));
            }
            tasks::set_status(tx, &task.id, TaskStatus::Done, now)?;
            Ok((
                format!("Marked {} as done. Nice work!", task.title),
                Effect::TaskCompleted { task_id: task.id },
            ))
        }
        IntentKind::ListTasks => list(tx, actor, args, now).map(|s| (s, Effect::None)),
        IntentKind::PlanGoal => super::plans::plan_goal(tx, actor, call, args, now),
    }
}

fn future_time(s: &str, actor: &Actor<'_>, now: DateTime<Utc>) -> Result<DateTime<FixedOffset>, Refusal> {
    let at = parse_time(s, actor.tz).map_err(Refusal::Said)?;
    // A time well in the past is nearly always a wrong year or day from the LLM, not a wish.
    if at.with_timezone(&Utc) < now - Duration::hours(12) {
        return Err(Refusal::Said(format!(
            "{} is in the past; please give a time from now on.",
            speak_time(&at, actor.tz)
        )));
    }
    Ok(at)
}

fn find_task(tx: &Connection, actor: &Actor<'_>, query: &str) -> Result<TaskRow, Refusal> {
    let all = tasks::tasks_of_user(tx, &actor.user.id)?;
    match matching::find(&all, query) {
        Match::One(t) => Ok(t.clone()),
        Match::None => Err(Refusal::Said(format!("I couldn't find a task called '{query}'."))),
        Match::Ambiguous(many) => {
            let list: Vec<String> = many
                .iter()
                .map(|t| format!("{} on {}", t.title, speak_time(&t.scheduled_at.at(), actor.tz)))
                .collect();
            Err(Refusal::Said(format!(
                "'{query}' matches {} tasks: {}. Which one?",
                many.len(),
                list.join("; ")
            )))
        }
    }
}

fn list(
    tx: &Connection,
    actor: &Actor<'_>,
    args: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let day = |k: &str| args.get(k).and_then(Value::as_str).map(|s| parse_day(s, actor.tz, now)).transpose();
    let (from, to) = match (
        day("day").map_err(Refusal::Said)?,
        day("from").map_err(Refusal::Said)?,
        day("to").map_err(Refusal::Said)?,
    ) {
        (Some(d), None, None) => (d, d),
        (None, Some(f), Some(t)) => (f, t),
        (None, Some(f), None) => (f, f),
        (None, None, Some(t)) => (t, t),
        (None, None, None) => {
            let d = parse_day("today", actor.tz, now).map_err(Refusal::Said)?;
            (d, d)
        }
        _ => return Err(Refusal::Said("Give either a day, or a range with from and to, not both.".into())),
    };
    if to < from {
        return Err(Refusal::Said(format!("The range ends ({to}) before it starts ({from}).")));
    }
    if (to - from).num_days() >= MAX_LIST_DAYS {
        return Err(Refusal::Said(format!(
            "That range is too long; ask for at most {MAX_LIST_DAYS} days at a time."
        )));
    }
    let found = tasks::tasks_between(
        tx,
        &actor.user.id,
        start_of_day(from, actor.tz),
        start_of_day(to + Duration::days(1), actor.tz),
    )?;
    let span = if from == to {
        format!("on {}", speak_day(from))
    } else {
        format!("from {} to {}", speak_day(from), speak_day(to))
    };
    if found.is_empty() {
        return Ok(format!("You have no tasks {span}."));
    }
    let items: Vec<String> = found
        .iter()
        .map(|t| {
            let at = t.scheduled_at.at().with_timezone(&actor.tz);
            let when = if from == to { at.format("%H:%M") } else { at.format("%a %-d %b %H:%M") };
            let done = if t.status == TaskStatus::Done { " (done)" } else { "" };
            format!("{when} {}{done}", t.title)
        })
        .collect();
    let n = found.len();
    Ok(format!("You have {n} task{} {span}: {}.", if n == 1 { "" } else { "s" }, items.join(", ")))
}
