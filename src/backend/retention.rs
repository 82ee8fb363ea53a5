//! Retention: finished conversations older than `retention.days` are deleted (see
//! `store::retention` for what goes with them), one short transaction per batch.

use super::{ApiError, Service};
use crate::store::retention;

impl Service {
    /// Deletes the finished conversations that started longer ago than the retention period
    /// allows; returns how many. Nothing happens when conversations are kept forever. Open
    /// conversations are never deleted, however old.
    pub fn apply_retention(&self) -> Result<usize, ApiError> {
        let Some(keep) = self.settings().retention.keep_for() else { return Ok(0) };
        let before = self.clock().now() - keep;
        let mut total = 0;
        loop {
            let n = self.store().write(|tx| retention::delete_expired_batch(tx, before))?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
            // Between batches the writer is free: a live session's next message goes first.
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
