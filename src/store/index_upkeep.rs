//! The search index's upkeep, a little at every write.
//!
//! FTS5 keeps its index as segments, and merges them as they pile up so a search reads few.
//! Left to itself (`automerge`), it does that merging in bursts: the commit that takes the pages
//! written past each multiple of 64 also merges 64 pages per level of the index (five or six
//! levels at a few hundred thousand messages, each page copied once per level). Under a steady
//! stream of writes about one commit in two hundred then took 8 to 18 ms, and every request
//! queued behind it waited as long. Migration 0010 turns automerge off; instead every write
//! transaction merges at most [`MERGE_PAGES`] pages, which keeps up with the pages that small
//! transactions write. Writes that outrun it (a bulk import) leave segments waiting; FTS5's own
//! crisis merge, at 16 segments on one level, still bounds how many a search reads.
//!
//! The REST API's message writer goes further: its commits carry no merging at all, nor even the
//! indexing of their messages (`Store::write_lean`, `search_backlog.rs`), and it indexes and
//! merges a step at a time (`Store::tidy_index`) whenever no request is waiting. At 15,000
//! messages a second the merge steps inside the commits made some of them several times slower
//! than the rest, and the requests queued behind them waited.

use rusqlite::Connection;

/// The most index pages one write transaction merges: about a quarter of a millisecond.
pub(super) const MERGE_PAGES: i64 = 16;

/// The pages one idle step merges, in a transaction of its own. Smaller than [`MERGE_PAGES`]:
/// the idle writer takes as many steps as there is work, and a request that arrives during one
/// waits for all of it. In `companion-bench http` at 15,000 messages a second (8 alternated runs
/// each), 64-page steps put the p99 at 9 to 15 ms, 16-page steps at 3.6 to 7.7 ms (median 4.6),
/// 4-page steps at 3.6 to 6.4 ms (median 4.2), for about 1 % more of the writer's time.
const IDLE_MERGE_PAGES: i64 = 4;

/// Merges up to [`MERGE_PAGES`] pages of the search index inside the caller's transaction.
/// Upkeep only: if it fails (a full disk), it is undone and the transaction goes on without it.
pub(super) fn merge_step(tx: &Connection) {
    let step = || -> rusqlite::Result<()> {
        tx.execute_batch("SAVEPOINT index_upkeep")?;
        let merged = tx
            .prepare_cached("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?1)")
            .and_then(|mut st| st.execute([MERGE_PAGES]));
        match merged {
            Ok(_) => tx.execute_batch("RELEASE index_upkeep"),
            Err(e) => {
                tx.execute_batch("ROLLBACK TO index_upkeep; RELEASE index_upkeep")?;
                Err(e)
            }
        }
    };
    if let Err(e) = step() {
        tracing::debug!("search index upkeep skipped: {e}");
    }
}

impl super::Store {
    /// One small step of upkeep, committed alone: finishing a checkpoint round, else indexing a
    /// chunk of queued messages, else merging the search index. Whether there is likely more to
    /// do. Errors (a full disk) end the upkeep for now; what is queued stays queued.
    pub fn tidy_index(&self) -> bool {
        let mut conn = super::lock(&self.writer);
        if self.checkpointer.as_ref().is_some_and(|c| c.finish(&conn)) {
            return true;
        }
        if super::search_backlog::index_chunk(&mut conn) {
            if let Some(c) = &self.checkpointer {
                c.committed();
            }
            return true;
        }
        let done = merge_alone(&conn, IDLE_MERGE_PAGES);
        drop(conn);
        match done {
            Ok(more) => {
                if let (true, Some(c)) = (more, &self.checkpointer) {
                    c.committed();
                }
                more
            }
            Err(e) => {
                tracing::debug!("search index upkeep skipped: {e}");
                false
            }
        }
    }
}

/// One step of upkeep in a transaction of its own; whether it found work (FTS5 changes at
/// least two rows when it merges anything).
fn merge_alone(conn: &Connection, pages: i64) -> rusqlite::Result<bool> {
    let before = conn.total_changes();
    conn.prepare_cached("INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?1)")?
        .execute([pages])?;
    Ok(conn.total_changes() - before >= 2)
}

#[cfg(test)]
#[path = "index_upkeep_tests.rs"]
mod tests;
