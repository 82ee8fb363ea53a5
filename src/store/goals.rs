use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GoalRow {
    pub id: String,
    pub user_id: String,
    pub statement: String,
    pub timeline: String,
    #[cfg_attr(feature = "ts", ts(type = "GoalStatus"))]
    pub status: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, user_id, statement, timeline, status, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GoalRow> {
    Ok(GoalRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        statement: r.get(2)?,
        timeline: r.get(3)?,
        status: r.get(4)?,
        created_at: r.get(5)?,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn insert_goal(
    conn: &Connection,
    id: &str,
    user_id: &str,
    statement: &str,
    timeline: &str,
    source_call_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO goals (id, user_id, statement, timeline, source_call_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, user_id, statement, timeline, source_call_id, format_utc(now)],
    )
    .map_err(db)?;
    Ok(())
}

pub fn get_goal(conn: &Connection, id: &str) -> Result<Option<GoalRow>> {
    let sql = format!("SELECT {COLUMNS} FROM goals WHERE id = ?1");
    conn.query_row(&sql, [id], from_row).optional().map_err(db)
}

pub fn list_goals(conn: &Connection) -> Result<Vec<GoalRow>> {
    let sql = format!("SELECT {COLUMNS} FROM goals ORDER BY created_at, id");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn set_goal_status(conn: &Connection, id: &str, status: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE goals SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, status, format_utc(now)],
        )
        .map_err(db)?;
    Ok(n > 0)
}

pub fn delete_goal(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM goals WHERE id = ?1", [id]).map_err(db)? > 0)
}
