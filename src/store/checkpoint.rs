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
//! taking what was committed during the one before, and leaves the writer a
//! small remainder to finish on its own connection when it is idle ([`Checkpointer::finish`]).
//!
//! The writer finishes only once the log holds [`FINISH_PAGES`]. A finish costs it two fsyncs
//! whatever the remainder (a few milliseconds on a virtual disk, during which requests queue),
//! and finishing after every round stalled it about 15 times a second under load. In
//! `companion-bench http` at 4,000 requests/s on a slowed machine (fsync p50 3.6 ms, p90 17 ms),
//! finishing every round stalled the writer 1.4 to 1.5 s per run and put the p99 at 9 to 13 ms;
//! finishing past 8,192 pages, 0.14 to 0.17 s and 4.7 to 7.4 ms, for a log that peaks at about
//! 48 MB instead of 17 to 28 (the backstop moved with it).

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
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
/// The log size (pages) from which the writer finishes a round and the log starts over.
const FINISH_PAGES: i64 = 8_192;
/// The writer checkpoints by itself past this many log pages (the thread fell behind).
pub(super) const BACKSTOP_PAGES: i64 = 20_000;
// The writer must finish rounds before its backstop copies the whole log in a commit.
const _: () = assert!(FINISH_PAGES < BACKSTOP_PAGES);

#[derive(Default)]
struct State {
    commits: u64,
    done: u64,
    stop: bool,
    /// A round ended: the writer may finish it.
    finish: bool,
    /// [`FINISH_PAGES`], or what a test set.
    finish_pages: i64,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    /// Called at the points of a round, so a test can hold the thread there.
    #[cfg(test)]
    hook: Mutex<Option<Hook>>,
}

#[cfg(test)]
type Hook = Arc<dyn Fn(Step) + Send + Sync>;

/// The points of a round where a test can hold the thread.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    /// About to copy.
    Start,
    /// Copied (and flushed, before a finish); the round is not recorded yet.
    Copied,
    /// Recorded: the writer may finish it.
    Recorded,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A point of a round: a test's hook runs here; nothing happens outside tests.
    fn step(&self, _at: Step) {
        // Called outside the lock: a hook that waits must not hold up whoever sets the next.
        #[cfg(test)]
        if let Some(hook) = self.hook.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            hook(_at);
        }
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
        shared.lock().finish_pages = FINISH_PAGES;
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

/// For tests (feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
impl super::Store {
    /// The checkpoint thread asks the writer to finish every round, however short the log, and
    /// so flushes the files after every round.
    pub fn finish_every_round(&self) {
        if let Some(c) = &self.checkpointer {
            c.shared.lock().finish_pages = 0;
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
        let (target, finish_pages) = (s.commits, s.finish_pages);
        drop(s);
        shared.step(Step::Start);
        let finish = round(conn, finish_pages);
        shared.step(Step::Copied);
        let mut s = shared.lock();
        s.done = target;
        s.finish = finish;
        drop(s);
        shared.step(Step::Recorded);
    }
}

/// Copies the log in passes; whether the writer should finish (the log
/// holds `finish_pages` or more). PASSIVE never waits for readers or the writer: what it cannot
/// copy now waits. Both files are flushed before a finish.
fn round(conn: &Connection, finish_pages: i64) -> bool {
    let (mut copied, mut log): (i64, i64) = (0, 0);
    for _ in 0..PASSES {
        let pass =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get::<_, i64>(1)?, r.get(2)?)));
        match pass {
            Ok((frames, now)) => {
                log = frames;
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
    // the writer's part: flushed here before the writer is asked to finish, both files leave its
    // finish little to wait for. At 4,000 requests/s on a slowed machine that took the p99 from
    // 10.4 to 12.3 ms down to 7.1 to 8.8 ms; flushing after every round (every 64 commits under
    // load) instead of once per finish measured the same.
    let finish = log >= finish_pages;
    if finish {
        if let Err(e) = super::file_flush::flush(conn) {
            tracing::debug!("checkpoint: {e}");
        }
    }
    finish
}

#[cfg(test)]
#[path = "checkpoint_tests.rs"]
mod tests;
