//! The checkpoint thread copies the log on its own; the writer finishes its rounds.

use super::*;
use crate::store::test_kit::store_with;
use crate::store::{messages, Store, StoreError};
use crate::time::Clock;
use std::sync::mpsc;
use std::time::Instant;

/// A database in WAL mode whose writer (returned) never checkpoints itself, with its checkpoint
/// thread started; the file's size before any write.
fn bare(dir: &tempfile::TempDir) -> (std::path::PathBuf, Connection, Checkpointer, u64) {
    let path = dir.path().join("t.db");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute_batch("CREATE TABLE t (x BLOB)").unwrap();
    let checkpointer = Checkpointer::start(&path).unwrap();
    let before = std::fs::metadata(&path).unwrap().len();
    (path, conn, checkpointer, before)
}

/// Writes `EVERY * 2` one-page commits; whether the database file grew within two seconds (it
/// grows only when the log is copied into it).
fn file_grows(tell_the_thread: bool) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let (path, conn, checkpointer, before) = bare(&dir);
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
    let (path, conn, checkpointer, before) = bare(&dir);
    conn.execute("INSERT INTO t VALUES (zeroblob(100000))", []).unwrap();
    checkpointer.committed();
    std::thread::sleep(PAUSE + Duration::from_millis(700));
    assert!(std::fs::metadata(&path).unwrap().len() > before + 20 * 4096);
    drop(checkpointer); // joins the thread
}

/// Holds the store's checkpoint thread at every point of its rounds: each point is reported
/// on the returned receiver, and the thread goes on when the sender is given `()` (or dropped,
/// or after a while, so a test that fails midway still ends).
fn hold(store: &Store) -> (mpsc::Receiver<Step>, mpsc::Sender<()>) {
    let (report, reports) = mpsc::channel();
    let (go, gone) = mpsc::channel::<()>();
    let gone = Mutex::new(gone);
    let hook: Hook = Arc::new(move |at| {
        let _ = report.send(at);
        let _ = gone.lock().unwrap_or_else(|p| p.into_inner()).recv_timeout(Duration::from_secs(30));
    });
    let checkpointer = store.checkpointer.as_ref().expect("the store has a checkpoint thread");
    *checkpointer.shared.hook.lock().unwrap() = Some(hook);
    (reports, go)
}

/// How many times the log has started over: the checkpoint sequence number in its header.
fn log_restarts(dir: &std::path::Path) -> u32 {
    let log = std::fs::read(dir.join("companion.db-wal")).unwrap();
    u32::from_be_bytes(log[12..16].try_into().unwrap())
}

/// Frames in the log not copied into the database yet, from the shared-memory index: the
/// header's last frame (bytes 16..20) less the checkpoint's count (bytes 96..100), both in the
/// machine's byte order.
fn uncopied(dir: &std::path::Path) -> u32 {
    let shm = std::fs::read(dir.join("companion.db-shm")).unwrap();
    let at = |i: usize| u32::from_ne_bytes(shm[i..i + 4].try_into().unwrap());
    at(16) - at(96)
}

/// A round of the checkpoint thread that cannot copy the whole log, because commits landed past
/// what it could copy: here a reader's snapshot holds it back, as commits landing during its
/// passes do under a steady stream. Then the writer writes twice: through `Store::write` (which
/// finishes the round) or `Store::write_lean` (which does not). The writer finishes only a log of
/// `finish_pages` or more. Whether the log started over. Each step happens in a set order,
/// whatever the timing.
fn starts_over(finishing: bool, finish_pages: i64) -> bool {
    let (dir, store) = store_with(&["c"]);
    let checkpointer = store.checkpointer.as_ref().expect("the store has a checkpoint thread");
    checkpointer.shared.lock().finish_pages = finish_pages;
    let (reports, go) = hold(&store);
    let now = Clock::System.now();
    let mut n = 0;
    let mut write = |lean: bool| {
        n += 1;
        let one = |tx: &rusqlite::Transaction<'_>| {
            messages::append_message(tx, &format!("m{n}"), "c", "user", "a steady stream", now).map(drop)
        };
        let written: Result<(), StoreError> = if lean { store.write_lean(one) } else { store.write(one) };
        written.unwrap();
    };
    // Enough commits to start a round at once; it waits at its start.
    for _ in 0..EVERY {
        write(true);
    }
    // A snapshot of the log as it is now: no checkpoint copies past it while it is read.
    let reader = Connection::open(dir.path().join("companion.db")).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    reader.query_row("SELECT count(*) FROM messages", [], |r| r.get::<_, i64>(0)).unwrap();
    for _ in 0..3 {
        write(true);
    }
    let restarts = log_restarts(dir.path());
    assert_eq!(reports.recv().unwrap(), Step::Start);
    go.send(()).unwrap();
    assert_eq!(reports.recv().unwrap(), Step::Copied);
    reader.execute_batch("COMMIT").unwrap();
    go.send(()).unwrap();
    assert_eq!(reports.recv().unwrap(), Step::Recorded);
    go.send(()).unwrap();
    assert!(uncopied(dir.path()) > 0, "the round copied the whole log");
    write(!finishing);
    // The commit that starts the log over if it was complete. The thread cannot copy meanwhile:
    // a round of its own would wait at its start.
    write(true);
    let started_over = log_restarts(dir.path()) > restarts;
    drop(go);
    started_over
}

#[test]
fn the_writer_finishing_a_round_starts_the_log_over() {
    assert!(starts_over(true, 0), "the log went on growing after the writer finished the round");
    // Negative control: a round that cannot copy everything leaves the log to grow (until the
    // writer's own backstop) unless the writer finishes it.
    assert!(!starts_over(false, 0), "the log started over without the writer finishing the round");
}

/// A finish costs the writer two fsyncs: it is spent only on a log that has grown. The test
/// above, where the same short log is finished, is this one's control.
#[test]
fn a_short_log_is_left_to_grow() {
    assert!(!starts_over(true, FINISH_PAGES), "the writer finished a round over a short log");
}
