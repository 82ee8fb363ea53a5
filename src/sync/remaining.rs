//! How much a drain has left, for its progress bar, without counting the outbox every step.

use crate::store::{outbox, Store};
use std::time::{Duration, Instant};

/// The outbox's length for a progress display. Counting reads the whole outbox, so it is
/// counted again at most every `RECOUNT`; in between, each step is taken as one item delivered.
#[derive(Default)]
pub(super) struct Remaining {
    counted: i64,
    at_delivered: u64,
    when: Option<Instant>,
}

const RECOUNT: Duration = Duration::from_secs(1);

impl Remaining {
    pub(super) fn estimate(&mut self, store: &Store, delivered: u64) -> i64 {
        if self.when.is_none_or(|w| w.elapsed() >= RECOUNT) {
            if let Ok(p) = store.read(outbox::pending) {
                *self = Remaining { counted: p.items, at_delivered: delivered, when: Some(Instant::now()) };
            }
        }
        let since = i64::try_from(delivered - self.at_delivered).unwrap_or(i64::MAX);
        self.counted.saturating_sub(since).max(0)
    }
}
