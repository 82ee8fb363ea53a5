//! Deleting conversations older than the retention period, a bounded batch per transaction so a
//! large first sweep never holds the single writer for long (live sessions write between
//! batches).
//!
//! A conversation goes with its messages (the `messages_fts_delete` trigger removes their search
//! entries), function-call records, turn metrics and session counters (all `ON DELETE CASCADE`),
//! and with what the sync keeps for it: the outbox would drop its entries unsent anyway. A
//! conversation whose session holds the hosted plane's open slot (`creating` or `open`) keeps its
//! sync rows: the sync worker sees the conversation is gone, closes that session on the plane and
//! forgets it. Tasks and goals have no link that cascades, so they stay.

use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// At most this many conversations in one transaction.
pub const BATCH_CONVERSATIONS: i64 = 50;
/// And no more messages than this between them: each one also leaves the search index and its
/// prefix indexes, so at a million messages a batch holds the writer for about 10 ms, under
/// 100 ms at worst (`companion-bench store`; 2,000 messages took up to 460 ms). A single conversation larger than that is still deleted
/// whole, in a batch of its own.
pub const BATCH_MESSAGES: i64 = 500;

/// Oldest first, read from the index `conversations_by_start` (migration 0005) backwards, so
/// the sweep reads only the conversations it deletes.
const EXPIRED: &str = "SELECT id, message_count FROM conversations
     WHERE started_at < ?1 AND status != 'open' ORDER BY started_at, id DESC LIMIT ?2";

/// Deletes one batch of finished conversations that started before `before`; returns how many
/// (0 when none is left).
pub fn delete_expired_batch(conn: &Connection, before: DateTime<Utc>) -> Result<usize> {
    let mut stmt = conn.prepare_cached(EXPIRED).map_err(db)?;
    let rows = stmt
        .query_map(params![format_utc(before), BATCH_CONVERSATIONS], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(db)?;
    let mut ids = Vec::new();
    let mut messages = 0;
    for row in rows {
        let (id, count) = row.map_err(db)?;
        if !ids.is_empty() && messages + count > BATCH_MESSAGES {
            break;
        }
        messages += count;
        ids.push(id);
    }
    drop(stmt);
    for id in &ids {
        delete_with_sync_rows(conn, id)?;
    }
    Ok(ids.len())
}

fn delete_with_sync_rows(conn: &Connection, id: &str) -> Result<()> {
    let holds_slot: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_sessions
                             WHERE conversation_id = ?1 AND state IN ('creating', 'open'))",
        )
        .map_err(db)?
        .query_row([id], |r| r.get(0))
        .map_err(db)?;
    if !holds_slot {
        conn.prepare_cached("DELETE FROM sync_outbox WHERE conversation_id = ?1")
            .map_err(db)?
            .execute([id])
            .map_err(db)?;
        conn.prepare_cached("DELETE FROM sync_sessions WHERE conversation_id = ?1")
            .map_err(db)?
            .execute([id])
            .map_err(db)?;
    }
    conn.prepare_cached("DELETE FROM conversations WHERE id = ?1").map_err(db)?.execute([id]).map_err(db)?;
    Ok(())
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
