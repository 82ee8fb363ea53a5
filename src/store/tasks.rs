use super::{db, read_error, Result};
use crate::time::{format_utc, OffsetTime};
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Pending,
    Done,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Done => "done",
        }
    }
}

impl FromSql for TaskStatus {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "pending" => Ok(TaskStatus::Pending),
            "done" => Ok(TaskStatus::Done),
            other => Err(FromSqlError::Other(format!("unknown task status {other:?}").into())),
        }
    }
}

impl FromSql for OffsetTime {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        OffsetTime::parse(v.as_str()?).map_err(|e| FromSqlError::Other(e.into()))
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaskRow {
    pub id: String,
    pub user_id: String,
    pub goal_id: Option<String>,
    pub title: String,
    pub notes: String,
    /// RFC 3339 with the offset the user meant, for display in their time.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub scheduled_at: OffsetTime,
    pub duration_minutes: Option<i64>,
    pub status: TaskStatus,
    pub completed_at: Option<String>,
    pub created_at: String,
    /// Minutes before `scheduled_at` its reminder comes; `None` follows `reminders.lead_minutes`.
    pub remind_before_minutes: Option<i64>,
}

const COLUMNS: &str =
    "id, user_id, goal_id, title, notes, scheduled_at, duration_minutes, status, completed_at, created_at, \
     remind_before_minutes";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        goal_id: r.get(2)?,
        title: r.get(3)?,
        notes: r.get(4)?,
        scheduled_at: r.get(5)?,
        duration_minutes: r.get(6)?,
        status: r.get(7)?,
        completed_at: r.get(8)?,
        created_at: r.get(9)?,
        remind_before_minutes: r.get(10)?,
    })
}

fn query(conn: &Connection, where_sql: &str, args: impl rusqlite::Params) -> Result<Vec<TaskRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE {where_sql} ORDER BY scheduled_utc, title");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map(args, from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error("tasks"))
}

pub struct NewTask<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub goal_id: Option<&'a str>,
    pub title: &'a str,
    pub notes: &'a str,
    pub scheduled_at: DateTime<FixedOffset>,
    pub duration_minutes: Option<i64>,
    pub source_call_id: Option<&'a str>,
    /// Its own reminder lead in minutes; `None` follows the settings.
    pub remind_before_minutes: Option<i64>,
}

pub fn insert_task(conn: &Connection, t: &NewTask<'_>, now: DateTime<Utc>) -> Result<()> {
    let ts = format_utc(now);
    conn.execute(
        "INSERT INTO tasks (id, user_id, goal_id, title, notes, scheduled_at, scheduled_utc,
                            duration_minutes, source_call_id, remind_before_minutes, created_at,
                            updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            t.id,
            t.user_id,
            t.goal_id,
            t.title,
            t.notes,
            t.scheduled_at.to_rfc3339(),
            format_utc(t.scheduled_at.with_timezone(&Utc)),
            t.duration_minutes,
            t.source_call_id,
            t.remind_before_minutes,
            ts
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub fn get_task(conn: &Connection, id: &str) -> Result<Option<TaskRow>> {
    let sql = format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1");
    conn.query_row(&sql, [id], from_row).optional().map_err(read_error("tasks"))
}

pub fn tasks_of_user(conn: &Connection, user_id: &str) -> Result<Vec<TaskRow>> {
    query(conn, "user_id = ?1", [user_id])
}

/// A goal's tasks: its milestones.
pub fn tasks_of_goal(conn: &Connection, goal_id: &str) -> Result<Vec<TaskRow>> {
    query(conn, "goal_id = ?1", [goal_id])
}

pub fn all_tasks(conn: &Connection) -> Result<Vec<TaskRow>> {
    query(conn, "1 = 1", [])
}

/// Tasks starting in `[from, to)`.
pub fn tasks_between(
    conn: &Connection,
    user_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<TaskRow>> {
    query(
        conn,
        "user_id = ?1 AND scheduled_utc >= ?2 AND scheduled_utc < ?3",
        params![user_id, format_utc(from), format_utc(to)],
    )
}

/// Moves the task; a snooze of its reminder is dropped when the time changes (the new time has a
/// reminder of its own).
pub fn set_time(conn: &Connection, id: &str, at: DateTime<FixedOffset>, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE tasks SET scheduled_at = ?2, scheduled_utc = ?3, updated_at = ?4,
                    snoozed_until = CASE WHEN scheduled_utc = ?3 THEN snoozed_until END
              WHERE id = ?1",
            params![id, at.to_rfc3339(), format_utc(at.with_timezone(&Utc)), format_utc(now)],
        )
        .map_err(db)?;
    Ok(n > 0)
}

/// Sets the status; `completed_at` follows it (set when done, cleared when pending again).
pub fn set_status(conn: &Connection, id: &str, status: TaskStatus, now: DateTime<Utc>) -> Result<bool> {
    let completed = (status == TaskStatus::Done).then(|| format_utc(now));
    let n = conn
        .execute(
            "UPDATE tasks SET status = ?2, completed_at = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), completed, format_utc(now)],
        )
        .map_err(db)?;
    Ok(n > 0)
}

pub fn update_details(
    conn: &Connection,
    id: &str,
    title: &str,
    notes: &str,
    duration_minutes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE tasks SET title = ?2, notes = ?3, duration_minutes = ?4, updated_at = ?5 WHERE id = ?1",
            params![id, title, notes, duration_minutes, format_utc(now)],
        )
        .map_err(db)?;
    Ok(n > 0)
}

/// The task's own reminder lead in minutes; `None` follows the settings.
pub fn set_remind_before(
    conn: &Connection,
    id: &str,
    minutes: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE tasks SET remind_before_minutes = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, minutes, format_utc(now)],
        )
        .map_err(db)?;
    Ok(n > 0)
}

pub fn delete_task(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM tasks WHERE id = ?1", [id]).map_err(db)? > 0)
}
