//! Waiting after a failure.

use std::time::Duration;

const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(60);

/// Exponential backoff with jitter (each wait between half and all of the current step), so
/// many clients that failed together do not come back together.
pub(super) struct Backoff {
    step: Duration,
    seed: u64,
}

impl Backoff {
    pub(super) fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            ^ u64::from(std::process::id()).rotate_left(32);
        Backoff { step: BACKOFF_FIRST, seed: seed | 1 }
    }

    pub(super) fn reset(&mut self) {
        self.step = BACKOFF_FIRST;
    }

    pub(super) fn next(&mut self) -> Duration {
        // xorshift64: enough randomness for spreading retries.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let half = self.step / 2;
        let wait = half + half.mul_f64((self.seed % 1000) as f64 / 1000.0);
        self.step = (self.step * 2).min(BACKOFF_MAX);
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stops_growing() {
        let mut b = Backoff::new();
        let first = b.next();
        assert!(first >= BACKOFF_FIRST / 2 && first <= BACKOFF_FIRST, "{first:?}");
        for _ in 0..20 {
            let w = b.next();
            assert!(w <= BACKOFF_MAX, "{w:?}");
        }
        let late = b.next();
        assert!(late >= BACKOFF_MAX / 2, "{late:?}");
        b.reset();
        assert!(b.next() <= BACKOFF_FIRST);
    }
}
