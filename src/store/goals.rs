use super::{db, read_error, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where a goal stands. The names are those of the `goals.status` column's CHECK and of the JSON.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GoalStatus {
    Active,
    Done,
    Archived,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("A goal is active, done or archived, not {0:?}.")]
pub struct UnknownGoalStatus(pub String);

impl GoalStatus {
    pub const ALL: [GoalStatus; 3] = [GoalStatus::Active, GoalStatus::Done, GoalStatus::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Done => "done",
            GoalStatus::Archived => "archived",
        }
    }
}

impl FromStr for GoalStatus {
    type Err = UnknownGoalStatus;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        GoalStatus::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| UnknownGoalStatus(s.to_string()))
    }
}

/// Compares with the name, as the status is written in JSON and the database.
impl PartialEq<&str> for GoalStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl FromSql for GoalStatus {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        v.as_str()?.parse().map_err(|e: UnknownGoalStatus| FromSqlError::Other(e.into()))
    }
}

impl ToSql for GoalStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GoalRow {
    pub id: String,
    pub user_id: String,
    pub statement: String,
    pub timeline: String,
    #[cfg_attr(feature = "ts", ts(type = "GoalStatus"))]
    pub status: GoalStatus,
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
    conn.query_row(&sql, [id], from_row).optional().map_err(read_error("goals"))
}

pub fn list_goals(conn: &Connection) -> Result<Vec<GoalRow>> {
    let sql = format!("SELECT {COLUMNS} FROM goals ORDER BY created_at, id");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error("goals"))
}

pub fn set_goal_status(conn: &Connection, id: &str, status: GoalStatus, now: DateTime<Utc>) -> Result<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_once_and_keep_their_names() {
        for g in GoalStatus::ALL {
            assert_eq!(g.as_str().parse::<GoalStatus>(), Ok(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
        let err = "maybe".parse::<GoalStatus>().unwrap_err();
        assert_eq!(err.to_string(), "A goal is active, done or archived, not \"maybe\".");
    }
}
