//! A process-wide monotonic clock stored as nanoseconds in atomics, so the real-time callbacks
//! can publish instants (first sample played, last callback) without locks.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static BASE: OnceLock<Instant> = OnceLock::new();

/// Fixes the base instant. Called by every constructor that hands state to a callback, so the
/// callback's `now_ns` never takes the initialising path of the `OnceLock`.
pub fn init() {
    BASE.get_or_init(Instant::now);
}

fn base() -> Instant {
    *BASE.get_or_init(Instant::now)
}

/// Nanoseconds since the base, plus one: zero is reserved for "not yet" in the atomics.
pub fn now_ns() -> u64 {
    to_ns(Instant::now())
}

pub fn to_ns(at: Instant) -> u64 {
    at.saturating_duration_since(base()).as_nanos() as u64 + 1
}

/// Inverse of `to_ns`; `None` for the reserved zero.
pub fn from_ns(ns: u64) -> Option<Instant> {
    (ns != 0).then(|| base() + Duration::from_nanos(ns - 1))
}
