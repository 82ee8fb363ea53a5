//! SQLite storage: one file in the data dir, WAL, foreign keys, migrations embedded in the binary.
//! All writes go through a single connection (one writer); reads use a small pool of their own
//! connections so a long search never waits behind a write.

pub mod calls;
mod checkpoint;
pub mod conversations;
mod file_flush;
pub mod first_words;
pub mod goals;
#[cfg(any(test, feature = "test-support"))]
mod growth_cap;
pub mod idempotency;
mod index_upkeep;
pub mod messages;
pub mod metrics;
mod migrations;
mod opening;
pub mod outbox;
mod outbox_behind;
pub mod reminders;
pub mod remote;
pub mod retention;
pub mod safety;
pub mod search;
mod search_backlog;
pub mod tasks;
#[cfg(test)]
pub(crate) mod test_kit;
pub mod users;

pub use calls::{CallStatus, FunctionCallRow};
pub use conversations::{ConversationRow, ConversationStatus};
pub use goals::{GoalRow, GoalStatus};
pub use messages::MessageRow;
pub use search::SearchHit;
pub use tasks::{TaskRow, TaskStatus};
pub use users::UserRow;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("the disk is full; nothing was written")]
    DiskFull,
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
    #[error(
        "the database {path} is damaged (it is not an SQLite database any more); it was kept as \
         {kept} and nothing was written over it. Start again to begin a new, empty database, or \
         copy a backup to {path}"
    )]
    Damaged { path: PathBuf, kept: PathBuf },
    #[error(
        "the database {path} was written by a newer version of Flux Companion (schema {found}; \
         this version knows {known}); it was left untouched. Install the newer version, or move \
         the file away to start a new database"
    )]
    TooNew { path: PathBuf, found: i64, known: usize },
    #[error(
        "cannot open the database {path} for writing ({detail}): check that the data directory \
         is writable, or choose another with --data-dir or COMPANION_DATA_DIR"
    )]
    Unwritable { path: PathBuf, detail: String },
}

impl StoreError {
    /// SQLite reports a full disk as an error code; callers show it as its own case.
    fn classify(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

const READERS: usize = 4;

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Counts committed writes, so a waiting reader (the sync worker) wakes at once.
    commits: tokio::sync::watch::Sender<u64>,
    /// Dropped after the connections above (fields drop in order).
    checkpointer: Option<checkpoint::Checkpointer>,
}

impl Store {
    /// Opens (creating if needed) `companion.db` in `data_dir`, migrating it to the newest schema.
    pub fn open_in(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_path_buf(), source })?;
        Self::open(&data_dir.join("companion.db"))
    }

    pub fn open(path: &Path) -> Result<Self> {
        let mut writer = Connection::open(path).map_err(|e| opening::opening_error(path, e))?;
        // Before anything writes (WAL mode rewrites the header): a newer file stays as it is.
        opening::check_version(&writer, path, migrations::count())?;
        if let Err(e) = configure(&writer) {
            drop(writer);
            return Err(match e {
                StoreError::Sqlite(e) => opening::opening_error(path, e),
                other => other,
            });
        }
        migrations::apply(&mut writer)?;
        search_backlog::index_all(&mut writer);
        // Savepoints (one per message in a group commit) journal into a temporary file by
        // default: a write system call per page.
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        let checkpointer = checkpoint::Checkpointer::start(path);
        if checkpointer.is_some() {
            writer.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(Duration::from_secs(5))?;
            readers.push(Mutex::new(conn));
        }
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            commits: tokio::sync::watch::channel(0).0,
            checkpointer,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one IMMEDIATE transaction on the single writer; commits only if `f` succeeds.
    /// Its messages are indexed for search in the same transaction; after the commit it finishes
    /// the checkpoint thread's last round, if one is waiting (`checkpoint.rs`).
    pub fn write<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(true, f)
    }

    /// As [`Store::write`], leaving the search index to [`Store::tidy_index`]: the messages it
    /// inserts are queued for indexing, and it merges nothing. For a writer that calls that
    /// whenever it is idle, so no request waits for the index.
    pub fn write_lean<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(false, f)
    }

    fn write_with<T, E>(
        &self,
        upkeep: bool,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = lock(&self.writer);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| E::from(StoreError::classify(e)))?;
        if !upkeep {
            search_backlog::defer(&tx)?;
        }
        let out = f(&tx)?;
        if upkeep {
            index_upkeep::merge_step(&tx);
        } else {
            search_backlog::stop_deferring(&tx)?;
        }
        tx.commit().map_err(|e| E::from(StoreError::classify(e)))?;
        if let (true, Some(c)) = (upkeep, &self.checkpointer) {
            c.finish(&conn);
        }
        drop(conn);
        if let Some(c) = &self.checkpointer {
            c.committed();
        }
        self.commits.send_modify(|n| *n = n.wrapping_add(1));
        Ok(out)
    }

    /// Changes after every committed write of this process (other processes' writes are not
    /// seen here: poll for those).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.commits.subscribe()
    }

    /// Runs `f` on a read-only connection, picking one that is free if any.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        for slot in &self.readers {
            if let Ok(conn) = slot.try_lock() {
                return f(&conn);
            }
        }
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        f(&lock(&self.readers[i]))
    }
}

/// A poisoned lock only means another thread panicked mid-call; SQLite itself rolled back, so the
/// connection is still usable.
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Maps a failed statement into the store's error, keeping "disk full" distinct.
pub(crate) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::classify(e)
}

/// As `db`, for statements that read rows of `table`: a value the row types refuse (a status or
/// a time they do not know) is a corrupt row, not a failure of the database.
pub(crate) fn read_error(table: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| match e {
        rusqlite::Error::FromSqlConversionFailure(column, _, cause) => {
            StoreError::Corrupt { table, detail: format!("column {column}: {cause}") }
        }
        other => StoreError::classify(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Clock;

    #[test]
    fn a_full_disk_is_its_own_error_and_loses_nothing() {
        let (_dir, store) = test_kit::store_with(&["c"]);
        let now = Clock::System.now();
        store.write(|tx| messages::append_message(tx, "m1", "c", "user", "kept", now)).unwrap();
        // A database that may not grow fails exactly as a full disk does (SQLITE_FULL).
        let pages: i64 = store.read(|c| Ok(c.query_row("PRAGMA page_count", [], |r| r.get(0))?)).unwrap();
        assert_eq!(store.cap_growth(0).unwrap(), pages);
        let big = "x".repeat(200_000);
        let err = store.write(|tx| messages::append_message(tx, "m2", "c", "user", &big, now)).unwrap_err();
        assert!(matches!(err, StoreError::DiskFull), "{err:?}");
        let kept = store.read(|c| messages::list_messages(c, "c")).unwrap();
        assert_eq!(kept.len(), 1);
        let conv = store.read(|c| conversations::get_conversation(c, "c")).unwrap().unwrap();
        assert_eq!(conv.message_count, 1, "the failed write was rolled back whole");

        // Space freed: the same write goes through.
        store.lift_growth_cap().unwrap();
        store.write(|tx| messages::append_message(tx, "m2", "c", "user", &big, now)).unwrap();
        assert_eq!(store.read(|c| messages::list_messages(c, "c")).unwrap().len(), 2);
    }
}
