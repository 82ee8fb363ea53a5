//! What a session holds in memory stays bounded however long the conversation runs: the whole
//! conversation is in the store (every line, call and turn's metrics is saved as it happens), so
//! the report and the history replayed to the agent keep only the recent part. A day-long
//! conversation then costs no more memory than its last hour.

use serde::Serialize;

/// The report keeps the most recent `REPORT_KEEP` to twice as many transcript lines, calls and
/// turns; those dropped before are counted in [`Earlier`].
pub const REPORT_KEEP: usize = 500;
/// The history a resumed link replays to the agent as context: the most recent `HISTORY_KEEP` to
/// twice as many entries (an agent's context window holds no more anyway).
pub const HISTORY_KEEP: usize = 100;

/// How many of each the report no longer holds (the oldest ones; they are in the store).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Earlier {
    pub transcript: u64,
    pub function_calls: u64,
    pub turns: u64,
}

/// Appends `item`; once `list` holds twice `keep`, drops the oldest down to `keep` (one move per
/// `keep` appends). Returns how many were dropped.
pub(super) fn push_recent<T>(list: &mut Vec<T>, item: T, keep: usize) -> u64 {
    list.push(item);
    if list.len() < 2 * keep.max(1) {
        return 0;
    }
    let n = list.len() - keep.max(1);
    list.drain(..n);
    n as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_keeps_its_newest_and_counts_the_rest() {
        let mut list = Vec::new();
        let mut dropped = 0;
        for i in 0..10_000u32 {
            dropped += push_recent(&mut list, i, 100);
            assert!(list.len() < 200, "{} held after {i}", list.len());
        }
        assert!(list.len() >= 100);
        assert_eq!(*list.last().unwrap(), 9_999);
        assert_eq!(list.first().copied(), Some(10_000 - list.len() as u32), "the newest, in order");
        assert_eq!(dropped + list.len() as u64, 10_000);
        // A short list is untouched.
        let mut short = Vec::new();
        for i in 0..150u32 {
            assert_eq!(push_recent(&mut short, i, 100), 0);
        }
        assert_eq!(short, (0..150).collect::<Vec<_>>());
    }
}
