//! Which process hosts live sessions for a data dir. Only the holder of this lock may decide
//! that an open conversation was left behind by a crash; review commands never take it, so
//! reading history while the app talks cannot interrupt a live session.

use std::fs::File;
use std::path::Path;

pub struct HostLock {
    _file: File,
}

impl HostLock {
    /// `Ok(None)` when another process already hosts sessions here.
    pub fn try_acquire(data_dir: &Path) -> std::io::Result<Option<HostLock>> {
        Ok(try_lock_file(data_dir, "sessions.lock")?.map(|file| HostLock { _file: file }))
    }
}

/// An exclusive OS lock on `data_dir/name` (released when the process dies, even by `kill -9`);
/// `Ok(None)` when another process holds it.
pub fn try_lock_file(data_dir: &Path, name: &str) -> std::io::Result<Option<File>> {
    std::fs::create_dir_all(data_dir)?;
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(data_dir.join(name))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}
