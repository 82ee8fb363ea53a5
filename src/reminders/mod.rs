//! Reminders of tasks. A task's reminder is due at its time less its lead (the task's own
//! `remind_before_minutes`, else `reminders.lead_minutes`), or at the end of a snooze. Taking the
//! due reminders marks them fired in the same transaction, with a write that only succeeds on the
//! row as it was read: two processes, or a restart, never show one twice. Reminders that came due
//! while the app was closed are returned once, together, as `missed`.

mod due;
mod error;
mod snooze;

pub use due::{take_due, GRACE_MINUTES};
pub use error::ReminderError;
pub use snooze::{snooze, MAX_SNOOZE_MINUTES};

use crate::time::OffsetTime;
use serde::Serialize;

/// One task to be reminded of.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reminder {
    pub task_id: String,
    pub title: String,
    /// The task's time, RFC 3339 with the offset the user meant.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub scheduled_at: OffsetTime,
    /// When the reminder came due (UTC, RFC 3339): the task's time less the lead, or the end of a
    /// snooze.
    pub due_at: String,
}

/// What a check found: reminders to show now, and those that came due while the app was closed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ReminderBatch {
    pub due: Vec<Reminder>,
    pub missed: Vec<Reminder>,
}

impl ReminderBatch {
    pub fn is_empty(&self) -> bool {
        self.due.is_empty() && self.missed.is_empty()
    }
}
