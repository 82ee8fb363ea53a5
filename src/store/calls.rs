use super::{db, read_error, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CallStatus {
    Executed,
    Failed,
    Cancelled,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Executed => "executed",
            CallStatus::Failed => "failed",
            CallStatus::Cancelled => "cancelled",
        }
    }
}

impl FromSql for CallStatus {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "executed" => Ok(CallStatus::Executed),
            "failed" => Ok(CallStatus::Failed),
            "cancelled" => Ok(CallStatus::Cancelled),
            other => Err(FromSqlError::Other(format!("unknown call status {other:?}").into())),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionCallRow {
    pub id: String,
    pub conversation_id: Option<String>,
    pub name: String,
    pub arguments: String,
    pub status: CallStatus,
    pub result: String,
    /// What the call changed, as JSON, so a cancellation or an undo can revert exactly that.
    pub effect: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str = "id, conversation_id, name, arguments, status, result, effect, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FunctionCallRow> {
    Ok(FunctionCallRow {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        name: r.get(2)?,
        arguments: r.get(3)?,
        status: r.get(4)?,
        result: r.get(5)?,
        effect: r.get(6)?,
        created_at: r.get(7)?,
    })
}

pub fn get_call(conn: &Connection, id: &str) -> Result<Option<FunctionCallRow>> {
    let sql = format!("SELECT {COLUMNS} FROM function_calls WHERE id = ?1");
    conn.query_row(&sql, [id], from_row).optional().map_err(read_error("function_calls"))
}

pub fn calls_of_conversation(conn: &Connection, conversation_id: &str) -> Result<Vec<FunctionCallRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM function_calls WHERE conversation_id = ?1 ORDER BY created_at, rowid");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([conversation_id], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(read_error("function_calls"))
}

pub fn insert_call(conn: &Connection, row: &FunctionCallRow, now: DateTime<Utc>) -> Result<()> {
    let ts = format_utc(now);
    conn.execute(
        "INSERT INTO function_calls
           (id, conversation_id, name, arguments, status, result, effect, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            row.id,
            row.conversation_id,
            row.name,
            row.arguments,
            row.status.as_str(),
            row.result,
            row.effect,
            ts
        ],
    )
    .map_err(db)?;
    Ok(())
}

pub fn mark_cancelled(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE function_calls SET status = 'cancelled', updated_at = ?2 WHERE id = ?1",
        params![id, format_utc(now)],
    )
    .map_err(db)?;
    Ok(())
}
