//! The task columns reminders are computed from, and the conditional writes that fire each
//! reminder once. What is due when is decided in `crate::reminders`; this file only reads and
//! writes rows.

use super::{db, read_error, Result};
use crate::time::OffsetTime;
use rusqlite::{params, Connection};

/// A pending task that may owe a reminder, as it was read: `fire` writes only if it is unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct OwedRow {
    pub task_id: String,
    pub title: String,
    pub scheduled_at: OffsetTime,
    /// `scheduled_at` in UTC, as the store writes it (`format_utc`).
    pub scheduled_utc: String,
    pub remind_before_minutes: Option<i64>,
    pub reminded_for: Option<String>,
    pub snoozed_until: Option<String>,
}

/// Pending tasks with a reminder possibly owed: snoozed until `now` or earlier, or not snoozed,
/// not yet reminded of for their current time and scheduled no later than `horizon` (now plus the
/// longest lead). Both instants are `format_utc` text, which sorts as time.
pub fn owed(conn: &Connection, now: &str, horizon: &str) -> Result<Vec<OwedRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, title, scheduled_at, scheduled_utc, remind_before_minutes, reminded_for, snoozed_until
               FROM tasks
              WHERE status = 'pending'
                AND ((snoozed_until IS NOT NULL AND snoozed_until <= ?1)
                  OR (snoozed_until IS NULL AND reminded_for IS NOT scheduled_utc AND scheduled_utc <= ?2))
              ORDER BY scheduled_utc, title",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![now, horizon], |r| {
            Ok(OwedRow {
                task_id: r.get(0)?,
                title: r.get(1)?,
                scheduled_at: r.get(2)?,
                scheduled_utc: r.get(3)?,
                remind_before_minutes: r.get(4)?,
                reminded_for: r.get(5)?,
                snoozed_until: r.get(6)?,
            })
        })
        .map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error("tasks"))
}

/// Records the reminder as fired for the task's current time and ends its snooze, only if the
/// row is still pending and as `row` read it. `false`: another process (or an edit) got there
/// first, and the reminder is not this caller's to show.
pub fn fire(conn: &Connection, row: &OwedRow) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE tasks SET reminded_for = scheduled_utc, snoozed_until = NULL
              WHERE id = ?1 AND status = 'pending' AND scheduled_utc = ?2
                AND reminded_for IS ?3 AND snoozed_until IS ?4",
            params![row.task_id, row.scheduled_utc, row.reminded_for, row.snoozed_until],
        )
        .map_err(db)?;
    Ok(n == 1)
}

/// Sets the instant (`format_utc` text) the task's reminder comes again; `false` when there is
/// no pending task with this id.
pub fn snooze(conn: &Connection, task_id: &str, until: &str) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE tasks SET snoozed_until = ?2 WHERE id = ?1 AND status = 'pending'",
            params![task_id, until],
        )
        .map_err(db)?;
    Ok(n == 1)
}
