//! How late each audio frame reaches the bench agent against the moment it was due. Frame k is
//! due at time zero + (the audio before it) / pace; time zero is the first frame's arrival. A
//! frame that arrives early moves time zero back to match it: frames captured while the
//! session was still connecting arrive in a burst, and the first of them shows the stream's
//! start late, not the others early.

use super::stats::quantile_ms;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub(super) struct FrameLateness {
    pace: u32,
    state: Mutex<State>,
}

struct State {
    /// Bytes per second of the linear16 mono stream (from the client's Settings).
    bytes_per_second: u64,
    zero: Option<Instant>,
    /// Audio bytes received before the current frame.
    bytes: u64,
    /// Lateness of the frames since the last `take`.
    window: Vec<Duration>,
}

/// p50, p99 and max of a window, in milliseconds, and its number of frames.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub frames: usize,
}

impl FrameLateness {
    pub fn new(pace: u32) -> Self {
        let state = State { bytes_per_second: 32_000, zero: None, bytes: 0, window: Vec::new() };
        FrameLateness { pace: pace.max(1), state: Mutex::new(state) }
    }

    /// The rate the client announced; until then 16 kHz is assumed.
    pub fn set_rate(&self, sample_rate: u32) {
        if sample_rate > 0 {
            self.lock().bytes_per_second = u64::from(sample_rate) * 2;
        }
    }

    /// One binary frame of `len` bytes arrived at `at`.
    pub fn arrived(&self, len: usize, at: Instant) {
        let pace = self.pace;
        let mut s = self.lock();
        let audio = Duration::from_secs_f64(s.bytes as f64 / s.bytes_per_second as f64);
        let zero = *s.zero.get_or_insert(at);
        let due = zero + audio / pace;
        let late = match at.checked_duration_since(due) {
            Some(late) => late,
            None => {
                s.zero = Some(zero.checked_sub(due - at).unwrap_or(zero));
                Duration::ZERO
            }
        };
        s.window.push(late);
        s.bytes += len as u64;
    }

    /// The window since the last call; `None` if no frame arrived in it.
    pub fn take(&self) -> Option<Window> {
        let mut v = std::mem::take(&mut self.lock().window);
        if v.is_empty() {
            return None;
        }
        v.sort_unstable();
        let at = |q: f64| quantile_ms(&v, q);
        Some(Window { p50: at(0.50), p99: at(0.99), max: at(1.0), frames: v.len() })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain numbers behind: keep going.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
