//! Retention over a large history: how long one batch of the sweep holds the single writer (a
//! live conversation's next message waits at most that long). It runs on a copy, so a history
//! kept with `--data-dir` stays whole for the next run.

use super::stats::percentiles;
use companion::store::{retention, Store};
use rusqlite::OpenFlags;
use std::path::Path;
use std::time::Instant;

/// Enough batches for a stable figure without deleting half a million messages one by one.
const BATCHES: usize = 100;

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("companion.db");
    let source = rusqlite::Connection::open_with_flags(
        dir.join("companion.db"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.execute("VACUUM INTO ?1", [copy.to_string_lossy().as_ref()])?;
    drop(source);
    let store = Store::open(&copy)?;
    // Everything older than the newest conversation is past the period: every batch is full.
    let newest: String =
        store.read(|c| Ok(c.query_row("SELECT max(started_at) FROM conversations", [], |r| r.get(0))?))?;
    let before = companion::time::parse_utc(&newest).ok_or_else(|| anyhow::anyhow!("bad time {newest}"))?;
    let (mut times, mut deleted) = (Vec::new(), 0);
    while times.len() < BATCHES {
        let t = Instant::now();
        let n = store.write(|tx| retention::delete_expired_batch(tx, before))?;
        if n == 0 {
            break;
        }
        times.push(t.elapsed());
        deleted += n;
    }
    let max = times.iter().max().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    let (p50, p99) = percentiles(times.clone());
    println!(
        "store: retention: {deleted} conversations deleted in {} batches of at most {} messages: \
         p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms per batch (target: max <= 250 ms)",
        times.len(),
        retention::BATCH_MESSAGES
    );
    Ok(())
}
