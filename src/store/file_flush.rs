//! Flushing the database and its log through SQLite's own file handles.
//!
//! Before the checkpoint thread asks the writer to finish a round, it flushes both files, so the
//! finish (whose checkpoint fsyncs the log, then the database) finds little left to write. The
//! flush must go through the descriptors SQLite already holds: opening the file anew and closing
//! it drops every POSIX lock this process holds on it, SQLite's included, and another process
//! closing its last connection then takes the database for unused and deletes the live log.

use rusqlite::{ffi, Connection};
use std::os::raw::{c_int, c_void};

/// Flushes the database file and, in WAL mode, its log, as `conn` has them open. The error
/// names the file that could not be flushed; nothing is lost by one (SQLite syncs again where
/// durability needs it).
pub(super) fn flush(conn: &Connection) -> rusqlite::Result<()> {
    for (what, op) in
        [("log", ffi::SQLITE_FCNTL_JOURNAL_POINTER), ("database", ffi::SQLITE_FCNTL_FILE_POINTER)]
    {
        let rc = sync_file(conn, op);
        if rc != ffi::SQLITE_OK {
            return Err(rusqlite::Error::SqliteFailure(
                ffi::Error::new(rc),
                Some(format!("flushing the {what}")),
            ));
        }
    }
    Ok(())
}

/// Syncs the file `op` points to on `conn`. A file SQLite has not opened (no log yet) is
/// left alone.
fn sync_file(conn: &Connection, op: c_int) -> c_int {
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `conn` is open and used by this thread only, between statements. The file control
    // writes one pointer to a file object the connection owns and keeps while it is open; its
    // methods are SQLite's VFS, and xSync is what SQLite itself calls on it.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            op,
            (&mut file as *mut *mut ffi::sqlite3_file).cast::<c_void>(),
        );
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        if file.is_null() || (*file).pMethods.is_null() {
            return ffi::SQLITE_OK;
        }
        match (*(*file).pMethods).xSync {
            Some(sync) => sync(file, ffi::SQLITE_SYNC_NORMAL),
            None => ffi::SQLITE_OK,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_flush_through_sqlite_handles() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("f.db")).unwrap();
        // Before anything is read, no log is open: nothing to flush, no error.
        assert_eq!(flush(&conn), Ok(()));
        conn.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
        assert_eq!(sync_file(&conn, ffi::SQLITE_FCNTL_JOURNAL_POINTER), ffi::SQLITE_OK);
        assert_eq!(sync_file(&conn, ffi::SQLITE_FCNTL_FILE_POINTER), ffi::SQLITE_OK);
        // A file control SQLite does not know is reported, not ignored.
        assert_eq!(sync_file(&conn, 9_999), ffi::SQLITE_NOTFOUND);
    }
}
