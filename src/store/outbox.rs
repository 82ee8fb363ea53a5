//! The sync outbox: what the hosted plane has not received yet, in local order. Triggers append
//! a conversation's creation, function calls and close in the same transaction as the write they
//! carry. Messages join in batches (migration 0012): a conversation's messages past its
//! `sync_queued` count are owed but not queued yet, and are queued by `catch_up` (before each
//! sync step) or by the call and close triggers (before their own entry, to keep the order).
//! The sync worker reads the outbox and removes what the plane acknowledged.

use super::outbox_behind as behind;
pub use super::outbox_behind::{behind_any, catch_up, BEHIND};
use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Open,
    Message,
    Intent,
    Close,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Open => "open",
            ItemKind::Message => "message",
            ItemKind::Intent => "intent",
            ItemKind::Close => "close",
        }
    }
}

impl FromSql for ItemKind {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "open" => Ok(ItemKind::Open),
            "message" => Ok(ItemKind::Message),
            "intent" => Ok(ItemKind::Intent),
            "close" => Ok(ItemKind::Close),
            other => Err(FromSqlError::Other(format!("unknown outbox kind {other:?}").into())),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: i64,
    pub conversation_id: String,
    pub kind: ItemKind,
    /// The conversation, message or function call the item delivers.
    pub reference: String,
    /// Sent as `Idempotency-Key` on every attempt, so a retry is the same request.
    pub key: String,
    pub quarantined: Option<String>,
    pub quarantined_at: Option<String>,
}

const COLUMNS: &str = "id, conversation_id, kind, ref, idem_key, quarantined, quarantined_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    Ok(OutboxItem {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        kind: r.get(2)?,
        reference: r.get(3)?,
        key: r.get(4)?,
        quarantined: r.get(5)?,
        quarantined_at: r.get(6)?,
    })
}

/// The first item of a conversation still owed to the plane (quarantined or not: a quarantined
/// item holds back the rest of its conversation).
pub fn next_of(conn: &Connection, conversation_id: &str) -> Result<Option<OutboxItem>> {
    let sql = format!("SELECT {COLUMNS} FROM sync_outbox WHERE conversation_id = ?1 ORDER BY id LIMIT 1");
    conn.prepare_cached(&sql).map_err(db)?.query_row([conversation_id], from_row).optional().map_err(db)
}

/// As `next_of`, passing over item `skip` (delivered, its removal still being written).
pub fn next_after(conn: &Connection, conversation_id: &str, skip: Option<i64>) -> Result<Option<OutboxItem>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_outbox WHERE conversation_id = ?1 AND id IS NOT ?2 ORDER BY id LIMIT 1"
    );
    conn.prepare_cached(&sql)
        .map_err(db)?
        .query_row(params![conversation_id, skip], from_row)
        .optional()
        .map_err(db)
}

/// The next conversation to create on the plane: a live one (still open here) first, then the
/// oldest. Conversations whose session the plane lost, or whose creation it refused, wait.
pub fn next_to_open(conn: &Connection) -> Result<Option<OutboxItem>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_outbox o
          WHERE kind = 'open' AND quarantined IS NULL
            AND NOT EXISTS (SELECT 1 FROM sync_sessions s WHERE s.conversation_id = o.conversation_id
                            AND s.state = 'lost')
          ORDER BY (SELECT status = 'open' FROM conversations c WHERE c.id = o.conversation_id) DESC, id
          LIMIT 1"
    );
    conn.prepare_cached(&sql).map_err(db)?.query_row([], from_row).optional().map_err(db)
}

/// Items whose conversation has no open session on the plane and no creation ahead of them:
/// they can never be sent as they are (their session was closed or lost on the plane).
/// The conversations are checked one by one (`owed` walks the outbox's conversation index from
/// one id to the next), so a large backlog is not read item by item.
pub fn stranded(conn: &Connection) -> Result<Vec<OutboxItem>> {
    let sql = format!(
        "WITH RECURSIVE owed(conversation_id) AS (
             SELECT min(conversation_id) FROM sync_outbox
             UNION ALL
             SELECT (SELECT min(conversation_id) FROM sync_outbox
                      WHERE conversation_id > owed.conversation_id)
               FROM owed WHERE owed.conversation_id IS NOT NULL
         )
         SELECT {COLUMNS} FROM sync_outbox o
          WHERE o.conversation_id IN (
                  SELECT w.conversation_id FROM owed w
                   WHERE w.conversation_id IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM sync_outbox p
                                      WHERE p.conversation_id = w.conversation_id AND p.kind = 'open')
                     AND NOT EXISTS (SELECT 1 FROM sync_sessions s
                                      WHERE s.conversation_id = w.conversation_id
                                        AND s.state IN ('open', 'creating', 'lost')))
            AND kind != 'open' AND quarantined IS NULL
          ORDER BY id LIMIT 100"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxItem>> {
    let sql = format!("SELECT {COLUMNS} FROM sync_outbox WHERE id = ?1");
    conn.query_row(&sql, [id], from_row).optional().map_err(db)
}

/// The next `n` message items of a conversation, in order (reconciliation compares them with
/// what the plane already holds).
pub fn next_messages(conn: &Connection, conversation_id: &str, n: i64) -> Result<Vec<OutboxItem>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_outbox WHERE conversation_id = ?1 AND kind = 'message'
          ORDER BY id LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map(params![conversation_id, n], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn remove(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_outbox WHERE id = ?1").map_err(db)?.execute([id]).map_err(db)?;
    Ok(())
}

/// As `remove`; whether the item was still there.
pub fn take(conn: &Connection, id: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM sync_outbox WHERE id = ?1")
        .map_err(db)?
        .execute([id])
        .map_err(db)?;
    Ok(n > 0)
}

/// Everything still owed for one conversation (the user discarded it, or it was deleted here),
/// messages not queued yet included. Returns how many items and messages were given up.
pub fn remove_conversation(conn: &Connection, conversation_id: &str) -> Result<usize> {
    let skipped = behind::skip(conn, Some(conversation_id))?;
    let removed =
        conn.execute("DELETE FROM sync_outbox WHERE conversation_id = ?1", [conversation_id]).map_err(db)?;
    Ok(removed + skipped)
}

/// Everything owed so far (history the user chose not to send).
pub fn remove_all(conn: &Connection) -> Result<usize> {
    let skipped = behind::skip(conn, None)?;
    Ok(conn.execute("DELETE FROM sync_outbox", []).map_err(db)? + skipped)
}

pub fn quarantine(conn: &Connection, id: i64, reason: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sync_outbox SET quarantined = ?2, quarantined_at = ?3 WHERE id = ?1",
        params![id, reason, format_utc(now)],
    )
    .map_err(db)?;
    Ok(())
}

/// Puts quarantined items back in line; `None` releases all of them. Returns how many.
pub fn release(conn: &Connection, id: Option<i64>) -> Result<usize> {
    match id {
        Some(id) => conn
            .execute("UPDATE sync_outbox SET quarantined = NULL, quarantined_at = NULL WHERE id = ?1 AND quarantined IS NOT NULL", [id])
            .map_err(db),
        None => conn
            .execute("UPDATE sync_outbox SET quarantined = NULL, quarantined_at = NULL WHERE quarantined IS NOT NULL", [])
            .map_err(db),
    }
}

pub fn quarantined(conn: &Connection) -> Result<Vec<OutboxItem>> {
    let sql =
        format!("SELECT {COLUMNS} FROM sync_outbox WHERE quarantined IS NOT NULL ORDER BY id LIMIT 500");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

/// How much is owed, by kind: (conversations, messages, intents, all items).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub sessions: i64,
    pub messages: i64,
    pub intents: i64,
    pub items: i64,
}

/// Messages not queued yet count as items too.
pub fn pending(conn: &Connection) -> Result<Pending> {
    let sql = format!(
        "WITH behind AS ({BEHIND})
         SELECT (SELECT count(*) FROM (SELECT conversation_id FROM sync_outbox
                                       UNION SELECT conversation_id FROM behind)),
                (SELECT count(*) FROM sync_outbox WHERE kind = 'message') + (SELECT count(*) FROM behind),
                (SELECT count(*) FROM sync_outbox WHERE kind = 'intent'),
                (SELECT count(*) FROM sync_outbox) + (SELECT count(*) FROM behind)"
    );
    conn.query_row(&sql, [], |r| {
        Ok(Pending { sessions: r.get(0)?, messages: r.get(1)?, intents: r.get(2)?, items: r.get(3)? })
    })
    .map_err(db)
}

/// A message item's role and text; `None` when the message was deleted here.
pub fn message_body(conn: &Connection, message_id: &str) -> Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT role, content FROM messages WHERE id = ?1")
        .map_err(db)?
        .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(db)
}

/// An intent item's function name and arguments (JSON text); `None` when deleted here.
pub fn call_body(conn: &Connection, call_id: &str) -> Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT name, arguments FROM function_calls WHERE id = ?1")
        .map_err(db)?
        .query_row([call_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(db)
}
