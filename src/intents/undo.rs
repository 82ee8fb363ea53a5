//! Undoing a call: the agent's `FunctionCallCancelled`, or the user's undo. What a call changed is
//! stored with it as an `Effect`; undoing puts exactly that back, or fails saying why. It never
//! reports success for a revert it could not make.

use crate::store::calls::{self, FunctionCallRow};
use crate::store::{goals, tasks, CallStatus, Store, StoreError, TaskStatus};
use crate::time::{Clock, OffsetTime};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// What a call changed, stored with it so a cancellation can revert exactly that.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    GoalCreated {
        goal_id: String,
    },
    TaskCreated {
        task_id: String,
    },
    TaskRescheduled {
        task_id: String,
        previous: OffsetTime,
    },
    TaskCompleted {
        task_id: String,
    },
    /// A goal's milestones, created together as tasks of the goal.
    PlanCreated {
        goal_id: String,
        task_ids: Vec<String>,
    },
    None,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The call had run; its effect was reverted.
    Reverted,
    /// The call had not run (or had failed); it never will now.
    Prevented,
    AlreadyCancelled,
}

/// Why an undo changed nothing. The call stays as it was, so the undo can be tried again.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the record of what call {call_id} changed cannot be read ({reason}), so it was not undone")]
    UnreadableRecord { call_id: String, reason: String },
    #[error("task {task_id}, which call {call_id} changed, no longer exists, so it was not undone")]
    TaskGone { call_id: String, task_id: String },
}

/// Cancels a call: reverts what it did, or makes sure it never runs if it has not yet.
pub fn cancel(
    store: &Store,
    call_id: &str,
    conversation_id: Option<&str>,
    name: &str,
    clock: &Clock,
) -> Result<CancelOutcome, UndoError> {
    let now = clock.now();
    store.write(|tx| match calls::get_call(tx, call_id)? {
        Some(row) if row.status == CallStatus::Cancelled => Ok(CancelOutcome::AlreadyCancelled),
        // A refused call changed nothing and keeps no effect.
        Some(row) if row.status == CallStatus::Failed => {
            calls::mark_cancelled(tx, call_id, now)?;
            Ok(CancelOutcome::Prevented)
        }
        Some(row) => {
            let unreadable = |reason: String| UndoError::UnreadableRecord { call_id: call_id.into(), reason };
            let text = row.effect.as_deref().ok_or_else(|| unreadable("it is missing".into()))?;
            let effect: Effect = serde_json::from_str(text).map_err(|e| unreadable(e.to_string()))?;
            revert(tx, call_id, &effect, now)?;
            calls::mark_cancelled(tx, call_id, now)?;
            Ok(CancelOutcome::Reverted)
        }
        None => {
            let row = FunctionCallRow {
                id: call_id.to_string(),
                conversation_id: conversation_id.map(str::to_string),
                name: name.to_string(),
                arguments: String::new(),
                status: CallStatus::Cancelled,
                result: "cancelled before it ran".into(),
                effect: None,
                created_at: String::new(),
            };
            calls::insert_call(tx, &row, now)?;
            Ok(CancelOutcome::Prevented)
        }
    })
}

/// Puts back what `effect` changed. Something the call created and that is gone already is the
/// end wanted; a task whose time or status must be restored has to still be there.
fn revert(tx: &Connection, call_id: &str, effect: &Effect, now: DateTime<Utc>) -> Result<(), UndoError> {
    let restored = |found: bool, task_id: &str| {
        found
            .then_some(())
            .ok_or_else(|| UndoError::TaskGone { call_id: call_id.into(), task_id: task_id.into() })
    };
    match effect {
        Effect::GoalCreated { goal_id } => {
            goals::delete_goal(tx, goal_id)?;
        }
        Effect::TaskCreated { task_id } => {
            tasks::delete_task(tx, task_id)?;
        }
        Effect::TaskRescheduled { task_id, previous } => {
            restored(tasks::set_time(tx, task_id, previous.at(), now)?, task_id)?;
        }
        Effect::TaskCompleted { task_id } => {
            restored(tasks::set_status(tx, task_id, TaskStatus::Pending, now)?, task_id)?;
        }
        Effect::PlanCreated { task_ids, .. } => {
            for id in task_ids {
                tasks::delete_task(tx, id)?;
            }
        }
        Effect::None => {}
    }
    Ok(())
}
