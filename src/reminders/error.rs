//! What can go wrong with a reminder, worded for the person who asked.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("Task {0} not found")]
    NoTask(String),
    #[error("Task {0} is done: it has no reminder to snooze")]
    Done(String),
    #[error("A reminder can be snoozed for 1 to {max} minutes (not {minutes})")]
    SnoozeMinutes { minutes: i64, max: i64 },
}
