//! WAL checkpoints on a thread of their own. SQLite appends commits to the write-ahead log and
//! copies them back into the database file now and then (a checkpoint). By default the commit
//! that takes the log past 1,000 pages does that copy, and its fsyncs, before it returns: about a
//! third of the writer's time under a steady stream of small commits. Here a thread with its own
//! connection checkpoints after every [`EVERY`] commits, and once writes pause, so commits only
//! append; the writer keeps SQLite's own checkpoint as a backstop at [`BACKSTOP_PAGES`].

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Commits between two checkpoints under load (a small commit is 10 to 20 pages).
const EVERY: u64 = 64;
/// A quieter stream is checkpointed this long after its first commit since the last one.
const PAUSE: Duration = Duration::from_secs(1);
/// The writer checkpoints by itself past this many log pages (the thread fell behind).
pub(super) const BACKSTOP_PAGES: i64 = 10_000;

#[derive(Default)]
struct State {
    commits: u64,
    done: u64,
    stop: bool,
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
        let thread = std::thread::Builder::new().name("db-checkpoint".into()).spawn(move || run(&conn, &s));
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

fn run(conn: &Connection, shared: &Shared) {
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
        // PASSIVE never waits for readers or the writer: what it cannot copy now waits for the
        // next round.
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!("checkpoint: {e}");
        }
        shared.lock().done = target;
    }
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
