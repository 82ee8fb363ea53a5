//! Opening the database file at start, with a clear answer for the files that cannot be used: a
//! damaged file is kept aside (never overwritten), one from a newer version is left untouched,
//! and a place that cannot be written says so.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use super::StoreError;

/// Whether an SQLite error means the file is not a database at all.
fn is_damaged(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt))
}

fn is_unwritable(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied)
    )
}

/// Maps an error met while opening `path` to what the user can do about it; a damaged file is
/// moved aside first (with its WAL and shared-memory files) so nothing overwrites it.
pub(super) fn opening_error(path: &Path, e: rusqlite::Error) -> StoreError {
    if is_unwritable(&e) {
        return StoreError::Unwritable { path: path.to_path_buf(), detail: e.to_string() };
    }
    if !is_damaged(&e) {
        return StoreError::Sqlite(e);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let kept = with_suffix(path, &format!(".damaged-{stamp}"));
    for extra in ["-wal", "-shm"] {
        let from = with_suffix(path, extra);
        if from.exists() {
            let _ = std::fs::rename(&from, with_suffix(&kept, extra));
        }
    }
    match std::fs::rename(path, &kept) {
        Ok(()) => StoreError::Damaged { path: path.to_path_buf(), kept },
        Err(_) => StoreError::Damaged { path: path.to_path_buf(), kept: path.to_path_buf() },
    }
}

pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Refuses a database written by a newer version: migrating it down is impossible and writing
/// to it could break that version's data.
pub(super) fn check_version(conn: &Connection, path: &Path, known: usize) -> Result<(), StoreError> {
    let found: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| opening_error(path, e))?;
    if found > known as i64 {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, known });
    }
    Ok(())
}
