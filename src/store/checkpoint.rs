//! WAL checkpoints on a thread of their own. SQLite appends commits to the write-ahead log and
//! copies them back into the database file now and then (a checkpoint). By default the commit
//! that takes the log past 1,000 pages does that copy, and its fsyncs, before it returns: about a
//! third of the writer's time under a steady stream of small commits. Here a thread with its own
//! connection checkpoints after every [`EVERY`] commits, and once writes pause, so commits only
//! append; the writer keeps SQLite's own checkpoint as a backstop at [`BACKSTOP_PAGES`].
//!
//! Under a steady stream the thread's checkpoint never reaches the end of the log (commits land
//! while it copies), and only a complete one lets the next commit start the log over: the log
//! grew to the backstop, and the writer then stopped for the whole copy and two fsyncs (5 to 10
//! ms every tenth of a second at 15,000 messages a second). So the thread copies in passes, each
//! taking what was committed during the one before, flushes both files, and leaves the writer a
//! small remainder to finish on its own connection when it is idle ([`Checkpointer::finish`]).

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Commits between two checkpoints under load (a small commit is 10 to 50 pages).
const EVERY: u64 = 64;
/// Passes a round makes at most; it stops early once a pass copies fewer than [`SMALL`] pages.
const PASSES: usize = 3;
const SMALL: i64 = 256;
/// A quieter stream is checkpointed this long after its first commit since the last one.
const PAUSE: Duration = Duration::from_secs(1);
/// The writer checkpoints by itself past this many log pages (the thread fell behind).
pub(super) const BACKSTOP_PAGES: i64 = 10_000;

#[derive(Default)]
struct State {
    commits: u64,
    done: u64,
    stop: bool,
    /// A round ended: the writer may finish it.
    finish: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(super) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// `None` if its connection or thread cannot be had; the writer then checkpoints as SQLite
    /// does by default.
    pub fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).ok()?;
        conn.busy_timeout(Duration::from_secs(5)).ok()?;
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let files = [path.to_path_buf(), super::opening::with_suffix(path, "-wal")];
        let thread =
            std::thread::Builder::new().name("db-checkpoint".into()).spawn(move || run(&conn, &files, &s));
        match thread {
            Ok(thread) => Some(Checkpointer { shared, thread: Some(thread) }),
            Err(e) => {
                tracing::debug!("no checkpoint thread ({e}); the writer checkpoints");
                None
            }
        }
    }

    /// Called after each commit; wakes the thread only at the first commit since a checkpoint and
    /// when [`EVERY`] have piled up.
    pub fn committed(&self) {
        let mut s = self.shared.lock();
        s.commits += 1;
        let since = s.commits - s.done;
        drop(s);
        if since == 1 || since == EVERY {
            self.shared.wake.notify_one();
        }
    }

    /// Once after each round of the thread: copies what the round left on `writer` (the
    /// writer's own connection, between its transactions), so the log is complete and the next
    /// commit starts it over. Whether it ran.
    pub fn finish(&self, writer: &Connection) -> bool {
        if !std::mem::take(&mut self.shared.lock().finish) {
            return false;
        }
        if let Err(e) = writer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!("checkpoint: {e}");
        }
        true
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(conn: &Connection, files: &[PathBuf], shared: &Shared) {
    loop {
        let s = shared.lock();
        let s =
            shared.wake.wait_while(s, |s| !s.stop && s.commits == s.done).unwrap_or_else(|p| p.into_inner());
        let (s, _) = shared
            .wake
            .wait_timeout_while(s, PAUSE, |s| !s.stop && s.commits - s.done < EVERY)
            .unwrap_or_else(|p| p.into_inner());
        if s.stop {
            // Closing the last connection checkpoints what is left.
            return;
        }
        let target = s.commits;
        drop(s);
        let finish = round(conn, files);
        let mut s = shared.lock();
        s.done = target;
        s.finish = finish;
    }
}

/// Copies the log in passes, then flushes both files; whether there is anything for the writer
/// to finish. PASSIVE never waits for readers or the writer: what it cannot copy now waits.
fn round(conn: &Connection, files: &[PathBuf]) -> bool {
    let mut copied = 0;
    for _ in 0..PASSES {
        let pass = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(2));
        match pass {
            Ok(now) => {
                let this = now - copied;
                copied = now;
                if this < SMALL {
                    break;
                }
            }
            Err(e) => {
                tracing::debug!("checkpoint: {e}");
                return false;
            }
        }
    }
    // SQLite flushes the database only when a checkpoint reaches the end of the log, which is
    // the writer's part now: flushed here, both files leave it little to wait for.
    for f in files {
        if let Err(e) = std::fs::File::open(f).and_then(|f| f.sync_data()) {
            tracing::debug!("checkpoint: flushing {}: {e}", f.display());
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A writer that never checkpoints itself, writing `commits` one-page commits; whether the
    /// database file grew within two seconds (it grows only when the log is copied into it).
    fn file_grows(tell_the_thread: bool) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let checkpointer = Checkpointer::start(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        for _ in 0..EVERY * 2 {
            conn.execute("INSERT INTO t VALUES (zeroblob(3000))", []).unwrap();
            if tell_the_thread {
                checkpointer.committed();
            }
        }
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if std::fs::metadata(&path).unwrap().len() > before + 64 * 4096 {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn the_thread_copies_the_log_into_the_database() {
        assert!(file_grows(true));
        // Negative control: nothing else in this setup checkpoints.
        assert!(!file_grows(false));
    }

    #[test]
    fn a_quiet_writer_is_checkpointed_after_the_pause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
        let checkpointer = Checkpointer::start(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        conn.execute("INSERT INTO t VALUES (zeroblob(100000))", []).unwrap();
        checkpointer.committed();
        std::thread::sleep(PAUSE + Duration::from_millis(700));
        assert!(std::fs::metadata(&path).unwrap().len() > before + 20 * 4096);
        drop(checkpointer); // joins the thread
    }
}

#[cfg(test)]
mod rounds {
    use crate::store::test_kit::store_with;
    use crate::store::{messages, StoreError};
    use crate::time::Clock;

    /// The most the log held while 4,000 messages were written one per commit, without a pause,
    /// through `Store::write` (which finishes the thread's rounds) or `Store::write_lean` (which
    /// does not): the log file never shrinks, so its size at the end is its peak.
    fn log_peak(finishing: bool) -> u64 {
        let (dir, store) = store_with(&["c"]);
        let now = Clock::System.now();
        let text = "a steady stream of words ".repeat(8);
        for i in 0..4000 {
            let one = |tx: &rusqlite::Transaction<'_>| {
                messages::append_message(tx, &format!("m{i}"), "c", "user", &text, now).map(drop)
            };
            let written: Result<(), StoreError> =
                if finishing { store.write(one) } else { store.write_lean(one) };
            written.unwrap();
            // A busy stream, not a bulk load: a little time between commits for the thread.
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
        std::fs::metadata(dir.path().join("companion.db-wal")).unwrap().len()
    }

    #[test]
    fn the_log_starts_over_under_a_steady_stream() {
        let finished = log_peak(true);
        let unfinished = log_peak(false);
        eprintln!("log peak: {} KiB finishing the rounds, {} KiB not", finished / 1024, unfinished / 1024);
        // Negative control: left to the thread alone, the log grows until the writer's backstop.
        assert!(unfinished >= 20 << 20, "the log peaked at {} KiB without finishing", unfinished / 1024);
        assert!(finished * 4 <= unfinished, "the log peaked at {} KiB", finished / 1024);
    }
}
