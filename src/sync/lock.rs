//! One process delivers a data dir's outbox at a time: two workers would send the same item
//! twice. The lock is the OS's (released when the process dies, even by `kill -9`).

use crate::backend::host_lock::try_lock_file;
use std::fs::File;
use std::path::Path;

pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// `Ok(None)` when another process is syncing this data dir.
    pub fn try_acquire(data_dir: &Path) -> std::io::Result<Option<SyncLock>> {
        Ok(try_lock_file(data_dir, "sync.lock")?.map(|file| SyncLock { _file: file }))
    }
}
