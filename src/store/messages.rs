use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MessageRow {
    pub id: String,
    pub seq: i64,
    pub role: String,
    pub content: String,
    pub created_at: String,
}

/// Appends a message at the end of the conversation and bumps its message count. Call inside the
/// writer's transaction so the sequence number and the count cannot disagree.
pub fn append_message(
    conn: &Connection,
    id: &str,
    conversation_id: &str,
    role: &str,
    content: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let seq: i64 = conn
        .prepare_cached(
            "UPDATE conversations SET message_count = message_count + 1 WHERE id = ?1
             RETURNING message_count",
        )
        .map_err(db)?
        .query_row([conversation_id], |r| r.get(0))
        .map_err(db)?;
    conn.prepare_cached(
        "INSERT INTO messages (id, conversation_id, seq, role, content, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .map_err(db)?
    .execute(params![id, conversation_id, seq, role, content, format_utc(now)])
    .map_err(db)?;
    Ok(seq)
}

/// In the order they were said (creation order).
pub fn list_messages(conn: &Connection, conversation_id: &str) -> Result<Vec<MessageRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, seq, role, content, created_at FROM messages
             WHERE conversation_id = ?1 ORDER BY seq",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map([conversation_id], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                seq: r.get(1)?,
                role: r.get(2)?,
                content: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}
