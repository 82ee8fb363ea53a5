//! "Snooze": the task's reminder comes again after some minutes, once.

use super::ReminderError;
use crate::store::{tasks, Store};
use crate::time::format_utc;
use chrono::{DateTime, Duration, Utc};

/// The longest snooze: a day.
pub const MAX_SNOOZE_MINUTES: i64 = 1440;

/// Snoozes the task's reminder until `now + minutes`; returns that instant.
pub fn snooze(
    store: &Store,
    task_id: &str,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ReminderError> {
    if !(1..=MAX_SNOOZE_MINUTES).contains(&minutes) {
        return Err(ReminderError::SnoozeMinutes { minutes, max: MAX_SNOOZE_MINUTES });
    }
    let until = now + Duration::minutes(minutes);
    store.write(|tx| {
        if crate::store::reminders::snooze(tx, task_id, &format_utc(until))? {
            return Ok(until);
        }
        // Only a pending task is snoozed, so a task that was not is done.
        match tasks::get_task(tx, task_id)? {
            Some(_) => Err(ReminderError::Done(task_id.into())),
            None => Err(ReminderError::NoTask(task_id.into())),
        }
    })
}
