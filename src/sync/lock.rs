//! One process delivers a data dir's outbox at a time: two workers would send the same item
//! twice. The lock is the OS's (released when the process dies, even by `kill -9`).

use std::fs::File;
use std::path::Path;

pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// `Ok(None)` when another process is syncing this data dir.
    pub fn try_acquire(data_dir: &Path) -> std::io::Result<Option<SyncLock>> {
        std::fs::create_dir_all(data_dir)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(data_dir.join("sync.lock"))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SyncLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}
