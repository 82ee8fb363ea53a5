//! Messages owed to the plane but not queued in the outbox yet (migration 0012): a
//! conversation's messages past its `sync_queued` count. Writing a message only counts it; the
//! messages behind are queued in one statement per conversation, in order, by `catch_up` or by
//! the function-call and close triggers.

use super::{db, Result};
use rusqlite::Connection;

/// The messages owed but not queued yet, as `(conversation_id, id)` rows in the order they were
/// written: read through the partial index of conversations behind and the messages' own
/// `(conversation_id, seq)` index.
pub const BEHIND: &str = "SELECT m.conversation_id, m.id FROM conversations c
     JOIN messages m ON m.conversation_id = c.id AND m.seq > c.sync_queued
    WHERE c.message_count > c.sync_queued";

/// Most conversations one `catch_up` queues: bounds its transaction when sync is first turned
/// on after many conversations were left open.
const CATCH_UP_CONVERSATIONS: i64 = 64;

/// Queues the messages owed but not queued yet, conversation by conversation (see the module
/// comment). Returns how many messages it queued; call again while it returns more than 0.
pub fn catch_up(conn: &Connection) -> Result<usize> {
    let last: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM sync_outbox")
        .map_err(db)?
        .query_row([], |r| r.get(0))
        .map_err(db)?;
    // The view's trigger (migration 0012) queues each conversation's messages in order.
    conn.prepare_cached(
        "INSERT INTO sync_catch_up (conversation_id)
         SELECT id FROM conversations WHERE message_count > sync_queued LIMIT ?1",
    )
    .map_err(db)?
    .execute([CATCH_UP_CONVERSATIONS])
    .map_err(db)?;
    conn.prepare_cached("SELECT count(*) FROM sync_outbox WHERE id > ?1")
        .map_err(db)?
        .query_row([last], |r| r.get(0))
        .map_err(db)
}

/// Marks the messages behind as given up (all conversations with `None`): they will not be
/// queued. Returns how many there were.
pub fn skip(conn: &Connection, conversation_id: Option<&str>) -> Result<usize> {
    let skipped: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM ({BEHIND}) WHERE ?1 IS NULL OR conversation_id = ?1"),
            [conversation_id],
            |r| r.get(0),
        )
        .map_err(db)?;
    conn.execute(
        "UPDATE conversations SET sync_queued = message_count
          WHERE message_count > sync_queued AND (?1 IS NULL OR id = ?1)",
        [conversation_id],
    )
    .map_err(db)?;
    Ok(skipped as usize)
}

/// Whether any message is owed but not queued yet (one look-up in the partial index).
pub fn behind_any(conn: &Connection) -> Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM conversations WHERE message_count > sync_queued)")
        .map_err(db)?
        .query_row([], |r| r.get(0))
        .map_err(db)
}

#[cfg(test)]
#[path = "outbox_behind_tests.rs"]
mod tests;
