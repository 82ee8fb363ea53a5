//! Messages saved without being indexed for search (migration 0011), and their indexing later.
//! The REST API's message writer defers the indexing of what it commits ([`Store::write_lean`])
//! and indexes the queue when no request is waiting, a chunk at a time: per message that is the
//! cheapest way to index (one index segment per chunk, not one per commit), and no request waits
//! for it. A queue left by a stop is indexed when the store is next opened.

use super::{db, Result, Store};
use rusqlite::{Connection, TransactionBehavior};

/// Messages one idle step indexes: well under a millisecond of work, so a request arriving
/// meanwhile waits little.
const CHUNK: i64 = 64;

/// Marks the caller's transaction so that the messages it inserts are queued, not indexed.
/// [`stop_deferring`] must undo it before the commit.
pub(super) fn defer(tx: &Connection) -> Result<()> {
    tx.prepare_cached("INSERT INTO search_defer (marker) VALUES (1)")
        .and_then(|mut s| s.execute([]))
        .map_err(db)?;
    Ok(())
}

pub(super) fn stop_deferring(tx: &Connection) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_defer").and_then(|mut s| s.execute([])).map_err(db)?;
    Ok(())
}

/// Indexes the oldest `most` queued messages in a transaction of its own; how many it indexed.
pub(super) fn index_queued(conn: &mut Connection, most: i64) -> Result<usize> {
    index_through(conn, most, i64::MAX)
}

/// As [`index_queued`], taking only messages queued at or before rowid `upto`.
fn index_through(conn: &mut Connection, most: i64, upto: i64) -> Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    // The chunk is every queued rowid up to `last`: one statement indexes all of it, in rowid
    // order (the order FTS5 appends fastest in), and one takes it off the queue.
    let last: Option<i64> = tx
        .prepare_cached(
            "SELECT max(message_rowid) FROM
               (SELECT message_rowid FROM search_backlog WHERE message_rowid <= ?2
                 ORDER BY message_rowid LIMIT ?1)",
        )
        .and_then(|mut s| s.query_row([most, upto], |r| r.get(0)))
        .map_err(db)?;
    let Some(last) = last else { return Ok(0) };
    tx.prepare_cached(
        "INSERT INTO messages_fts (rowid, content)
         SELECT rowid, content FROM messages
          WHERE rowid IN (SELECT message_rowid FROM search_backlog WHERE message_rowid <= ?1)
          ORDER BY rowid",
    )
    .and_then(|mut s| s.execute([last]))
    .map_err(db)?;
    let indexed = tx
        .prepare_cached("DELETE FROM search_backlog WHERE message_rowid <= ?1")
        .and_then(|mut s| s.execute([last]))
        .map_err(db)?;
    tx.commit().map_err(db)?;
    Ok(indexed)
}

/// Runs `chunk` until it indexes nothing; a failure (a full disk) leaves the rest queued.
fn drain(mut chunk: impl FnMut() -> Result<usize>) {
    loop {
        match chunk() {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!("some saved messages are not searchable yet: {e}");
                return;
            }
        }
    }
}

/// Indexes the whole queue (at open).
pub(super) fn index_all(conn: &mut Connection) {
    drain(|| index_queued(conn, CHUNK * 16));
}

/// One chunk of the queue indexed; whether there was any. Part of [`Store::tidy_index`].
pub(super) fn index_chunk(conn: &mut Connection) -> bool {
    match index_queued(conn, CHUNK) {
        Ok(n) => n > 0,
        Err(e) => {
            tracing::debug!("indexing queued messages: {e}");
            false
        }
    }
}

impl Store {
    /// Indexes one chunk of the queue alone (no checkpoint, no merging); whether there was any.
    pub fn index_queued(&self) -> bool {
        index_chunk(&mut super::lock(&self.writer))
    }

    /// Indexes every message queued before this call, so a search that follows finds every
    /// message stored before it: the REST API answers for a message before its writer is idle
    /// enough to index it. A chunk at a time, letting other writes in between; what is queued
    /// after the call is left to the writer. A failure (a full disk) leaves the rest queued and
    /// the search goes on with what is indexed.
    pub fn index_backlog(&self) {
        let newest = |c: &Connection| {
            c.query_row("SELECT max(message_rowid) FROM search_backlog", [], |r| r.get::<_, Option<i64>>(0))
                .map_err(db)
        };
        let Ok(Some(last)) = self.read(newest) else { return };
        drain(|| {
            let indexed = index_through(&mut super::lock(&self.writer), CHUNK, last)?;
            if let (true, Some(c)) = (indexed > 0, &self.checkpointer) {
                c.committed();
            }
            Ok(indexed)
        });
    }
}

#[cfg(test)]
#[path = "search_backlog_tests.rs"]
mod tests;
