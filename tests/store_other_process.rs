//! The store stays shared with other processes. If this process loses its POSIX locks on the
//! database file (any open and close of that file outside SQLite drops them all), another
//! process closing its last connection takes the database for unused: it checkpoints and
//! deletes the live write-ahead log, and this process's later commits go to a deleted file, lost
//! at the next start and never seen by any other process. The checkpoint thread once flushed the
//! files that way after each round; it flushes them through SQLite's own file handles now.

use companion::store::{conversations, users, Store, StoreError};
use companion::time::Clock;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const OTHER_DIR: &str = "COMPANION_TEST_OTHER_PROCESS_DIR";

/// The other process: this test binary, running `other_process_opens_and_closes`.
fn other_process(dir: &Path) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "other_process_opens_and_closes", "--nocapture"])
        .env(OTHER_DIR, dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
#[ignore = "the other process of a_commit_after_another_process_closed_is_kept"]
fn other_process_opens_and_closes() {
    let Some(dir) = std::env::var_os(OTHER_DIR) else { return };
    // As any SQLite client does (the `sqlite3` shell, a backup tool): a read, a write, a close.
    let conn = rusqlite::Connection::open(Path::new(&dir).join("companion.db")).unwrap();
    conn.query_row("SELECT count(*) FROM conversations", [], |r| r.get::<_, i64>(0)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; COMMIT;").unwrap();
    drop(conn);
}

fn start(store: &Store, id: &str) {
    let now = Clock::System.now();
    let written: Result<(), StoreError> = store.write(|tx| {
        users::ensure_user(tx, "u", "", "UTC", now)?;
        conversations::insert_conversation(tx, id, "u", now)
    });
    written.unwrap();
}

/// Whether this process's log is still there after another process opened the database and
/// closed it. `outside_open` opens and closes the database file with `std::fs` first.
fn log_survives_another_process(outside_open: bool) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    // Every round then flushes the files, as a round before the writer's finish does.
    store.finish_every_round();
    start(&store, "first");
    // Past the checkpoint thread's pause: a round has run.
    std::thread::sleep(Duration::from_millis(1_500));
    if outside_open {
        drop(std::fs::File::open(dir.path().join("companion.db")).unwrap());
    }
    other_process(dir.path());
    let kept = dir.path().join("companion.db-wal").exists();
    drop(store);
    kept
}

#[test]
fn a_commit_after_another_process_closed_is_kept() {
    assert!(log_survives_another_process(false), "another process deleted this one's live log");
    // Negative control: the same after an open and close of the file outside SQLite.
    assert!(!log_survives_another_process(true), "the control kept its locks");
}
