//! The retention sweep of long-running processes (the desktop app, `companion serve`): once a
//! day on a thread of its own, and at once when asked (the user changed the setting). The first
//! sweep of a process runs when it becomes the host (`Opened::become_host`).

use crate::backend::Service;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

pub const DAILY: Duration = Duration::from_secs(24 * 60 * 60);

/// Stops its thread when dropped (after the sweep under way, if any, finishes its batch loop).
pub struct RetentionTimer {
    nudge: Sender<()>,
}

impl RetentionTimer {
    pub fn start(service: Service, every: Duration) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::Builder::new().name("retention".into()).spawn(move || loop {
            match rx.recv_timeout(every) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {
                    sweep(&service);
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        })?;
        Ok(RetentionTimer { nudge: tx })
    }

    /// Sweeps now (the setting changed) instead of waiting for the next day.
    pub fn nudge(&self) {
        let _ = self.nudge.send(());
    }
}

/// A failed sweep is retried at the next one; it never stops the process.
pub(super) fn sweep(service: &Service) -> usize {
    match service.apply_retention() {
        Ok(0) => 0,
        Ok(n) => {
            tracing::info!("retention: deleted {n} conversation(s) older than the retention period");
            n
        }
        Err(e) => {
            tracing::warn!("retention: the sweep failed and is retried later: {e}");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::host_lock::HostLock;
    use crate::backend::token::KeySource;
    use crate::launch::{open_dir, Role};
    use crate::store::{conversations, users, ConversationStatus, StoreError};
    use chrono::Utc;
    use std::sync::Arc;

    fn no_key() -> KeySource {
        Arc::new(|| None)
    }

    fn old_conversation(service: &Service, id: &str, days_ago: i64) {
        let at = Utc::now() - chrono::Duration::days(days_ago);
        service
            .store()
            .write(|tx| {
                users::ensure_user(tx, "local", "", "UTC", at)?;
                conversations::insert_conversation(tx, id, "local", at)?;
                conversations::end_conversation(tx, id, ConversationStatus::Closed, None, at)?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    fn exists(service: &Service, id: &str) -> bool {
        service.store().read(|c| conversations::get_conversation(c, id)).unwrap().is_some()
    }

    #[test]
    fn the_host_sweeps_when_it_opens_the_data_dir_and_a_reader_does_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.yaml"), "retention:\n  days: 7\n").unwrap();
        let first = open_dir(dir.path(), no_key(), Role::Reader).unwrap();
        old_conversation(&first.service, "old", 8);
        old_conversation(&first.service, "recent", 6);
        drop(first);
        let reader = open_dir(dir.path(), no_key(), Role::Reader).unwrap();
        assert!(exists(&reader.service, "old"), "review commands never delete");
        drop(reader);
        let host = open_dir(dir.path(), no_key(), Role::Host).unwrap();
        assert_eq!(host.expired, 1);
        assert!(!exists(&host.service, "old") && exists(&host.service, "recent"));
    }

    #[test]
    fn a_second_process_does_not_sweep() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.yaml"), "retention:\n  days: 7\n").unwrap();
        let _held = HostLock::try_acquire(dir.path()).unwrap().unwrap();
        let opened = open_dir(dir.path(), no_key(), Role::Reader).unwrap();
        old_conversation(&opened.service, "old", 8);
        let mut opened = opened;
        opened.become_host().unwrap();
        assert!(opened.host.is_none() && opened.expired == 0);
        assert!(exists(&opened.service, "old"));
    }

    #[test]
    fn the_timer_sweeps_on_its_period_and_when_nudged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.yaml"), "retention:\n  days: 7\n").unwrap();
        let opened = open_dir(dir.path(), no_key(), Role::Reader).unwrap();
        let service = opened.service.clone();
        old_conversation(&service, "a", 8);
        let timer = RetentionTimer::start(service.clone(), Duration::from_secs(3600)).unwrap();
        timer.nudge();
        wait_until(|| !exists(&service, "a"));
        drop(timer);

        old_conversation(&service, "b", 8);
        let _timer = RetentionTimer::start(service.clone(), Duration::from_millis(50)).unwrap();
        wait_until(|| !exists(&service, "b"));
    }

    fn wait_until(done: impl Fn() -> bool) {
        let start = std::time::Instant::now();
        while !done() {
            assert!(start.elapsed() < Duration::from_secs(10), "the sweep did not run");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
