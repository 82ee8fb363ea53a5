//! A playback that plays in virtual real time into a buffer, for tests and the benchmark.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::session::traits::{Playback, PlaybackStats};

/// What a [`VirtualPlayback`] has played so far, shared with its creator.
#[derive(Debug, Default)]
pub struct Played {
    /// Every byte that reached the (virtual) speaker, in order.
    pub pcm: Vec<u8>,
    pub flushed_bytes: u64,
    pub flushes: u64,
}

/// Plays linear16 mono at `rate` in virtual real time: queued audio "plays" as the clock
/// advances, `flush` drops what has not played yet. Nothing touches a device.
pub struct VirtualPlayback {
    rate: u32,
    queue: VecDeque<u8>,
    /// When the head of `queue` starts playing.
    head_at: Instant,
    reply_started: bool,
    first_played: Option<Instant>,
    odd: Option<u8>,
    played: Arc<Mutex<Played>>,
}

impl VirtualPlayback {
    pub fn new(rate: u32) -> (Self, Arc<Mutex<Played>>) {
        let played = Arc::new(Mutex::new(Played::default()));
        let p = VirtualPlayback {
            rate,
            queue: VecDeque::new(),
            head_at: Instant::now(),
            reply_started: false,
            first_played: None,
            odd: None,
            played: played.clone(),
        };
        (p, played)
    }

    fn advance(&mut self) {
        let now = Instant::now();
        if self.queue.is_empty() {
            self.head_at = now;
            return;
        }
        let elapsed = now.saturating_duration_since(self.head_at);
        let samples = (elapsed.as_secs_f64() * f64::from(self.rate)) as usize;
        let bytes = (samples * 2).min(self.queue.len() & !1);
        if bytes == 0 {
            return;
        }
        let mut played = self.played.lock().unwrap_or_else(|p| p.into_inner());
        played.pcm.extend(self.queue.drain(..bytes));
        self.head_at += Duration::from_secs_f64((bytes / 2) as f64 / f64::from(self.rate));
    }
}

impl Playback for VirtualPlayback {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn push_linear16(&mut self, bytes: &[u8]) {
        self.advance();
        let was_empty = self.queue.is_empty();
        let before = Duration::from_secs_f64((self.queue.len() / 2) as f64 / f64::from(self.rate));
        if let Some(b) = self.odd.take() {
            self.queue.push_back(b);
        }
        self.queue.extend(bytes);
        if self.queue.len() % 2 == 1 {
            self.odd = self.queue.pop_back();
        }
        if was_empty {
            self.head_at = Instant::now();
        }
        if self.reply_started && self.first_played.is_none() && !self.queue.is_empty() {
            // The reply's first sample plays once what was queued ahead of it has played.
            self.first_played = Some(self.head_at + before);
        }
    }
    fn begin_reply(&mut self) {
        self.reply_started = true;
        self.first_played = None;
    }
    fn flush(&mut self) {
        self.advance();
        let mut played = self.played.lock().unwrap_or_else(|p| p.into_inner());
        played.flushed_bytes += self.queue.len() as u64;
        played.flushes += 1;
        self.queue.clear();
        self.odd = None;
    }
    fn first_sample_played_at(&self) -> Option<Instant> {
        self.first_played.filter(|t| *t <= Instant::now())
    }
    fn is_drained(&self) -> bool {
        let queued = Duration::from_secs_f64((self.queue.len() / 2) as f64 / f64::from(self.rate));
        Instant::now() >= self.head_at + queued
    }
    fn stats(&self) -> PlaybackStats {
        PlaybackStats::default()
    }
}

impl Drop for VirtualPlayback {
    /// Whatever has played by now reaches the shared buffer; the rest was never heard.
    fn drop(&mut self) {
        self.advance();
    }
}
