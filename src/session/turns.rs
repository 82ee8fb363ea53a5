//! Per-turn latency bookkeeping. A turn starts with the user's final text (spoken or typed) and
//! lasts until the next one; the agent's reply within it is measured from the local end of the
//! user's speech to the first agent byte received and to the first agent sample played.

use std::time::Instant;

use super::events::TurnMetrics;
use crate::voice::{AgentStartedLatency, LatencyReport};

#[derive(Debug, Default)]
pub struct TurnTracker {
    current: TurnMetrics,
    /// Whether the current turn has anything worth recording.
    touched: bool,
    /// When the user's input for this turn ended (local VAD, or the moment a typed turn was sent).
    speech_end_at: Option<Instant>,
    first_audio_at: Option<Instant>,
    first_played_at: Option<Instant>,
    /// Latest local end of speech not yet claimed by a reply.
    pending_speech_end: Option<Instant>,
    next_turn: u32,
}

fn ms(from: Instant, to: Instant) -> Option<f64> {
    to.checked_duration_since(from).map(|d| d.as_secs_f64() * 1000.0)
}

impl TurnTracker {
    pub fn new() -> Self {
        TurnTracker { next_turn: 1, ..Default::default() }
    }

    /// The local VAD saw the user stop speaking (`at`: their last loud frame). A fast provider
    /// can answer before the VAD's hangover has run out; that reply still counts from `at`.
    pub fn speech_ended(&mut self, at: Instant) {
        match self.first_audio_at {
            Some(first) if at <= first && self.speech_end_at.is_none() && !self.current.typed => {
                self.speech_end_at = Some(at);
                self.current.speech_end_to_first_audio_ms = ms(at, first);
                if let Some(played) = self.first_played_at {
                    self.current.speech_end_to_played_ms = ms(at, played);
                }
            }
            _ => self.pending_speech_end = Some(at),
        }
    }

    /// A new user turn begins (final user text, or a typed turn sent at `typed_at`). Returns the
    /// previous turn's figures if it has any.
    pub fn user_turn(&mut self, typed_at: Option<Instant>) -> Option<TurnMetrics> {
        let finished = self.take();
        self.current = TurnMetrics { turn: self.next_turn, typed: typed_at.is_some(), ..Default::default() };
        self.next_turn += 1;
        self.touched = true;
        if let Some(at) = typed_at {
            self.speech_end_at = Some(at);
            self.pending_speech_end = None;
        }
        finished
    }

    /// The first byte of an agent reply arrived.
    pub fn reply_audio(&mut self, at: Instant) {
        self.touched = true;
        if self.first_audio_at.is_some() {
            return;
        }
        self.first_audio_at = Some(at);
        if let Some(end) = self.pending_speech_end.take() {
            if !self.current.typed {
                self.speech_end_at = Some(end);
            }
        }
        if let Some(end) = self.speech_end_at {
            self.current.speech_end_to_first_audio_ms = ms(end, at);
        }
    }

    pub fn audio_bytes(&mut self, n: usize) {
        self.current.agent_audio_bytes += n as u64;
    }

    /// Playback reports when the reply's first sample reached the device.
    pub fn played(&mut self, at: Instant) {
        if self.first_played_at.is_some() || self.first_audio_at.is_none() {
            return;
        }
        self.first_played_at = Some(at);
        if let Some(first) = self.first_audio_at {
            self.current.first_audio_to_played_ms = ms(first, at);
        }
        if let Some(end) = self.speech_end_at {
            self.current.speech_end_to_played_ms = ms(end, at);
        }
    }

    /// Whether the current reply still waits for its first played sample.
    pub fn awaiting_played(&self) -> bool {
        self.first_audio_at.is_some() && self.first_played_at.is_none()
    }

    pub fn barged_in(&mut self) {
        self.current.barged_in = true;
        self.touched = true;
    }

    pub fn service_started(&mut self, latency: AgentStartedLatency) {
        self.current.service_started = Some(latency);
        self.touched = true;
    }

    pub fn service_report(&mut self, report: LatencyReport) {
        self.current.service_report = Some(report);
        self.touched = true;
    }

    /// The current turn's figures, if any, leaving an empty turn behind.
    pub fn take(&mut self) -> Option<TurnMetrics> {
        let touched = std::mem::take(&mut self.touched);
        let metrics = std::mem::take(&mut self.current);
        self.speech_end_at = None;
        self.first_audio_at = None;
        self.first_played_at = None;
        touched.then_some(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_reply_faster_than_the_hangover_is_measured_from_the_speech_end() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut t = TurnTracker::new();
        assert!(t.user_turn(None).is_none());
        t.reply_audio(at(1300));
        t.played(at(1350));
        // The VAD's hangover ends later, naming the last loud frame at 1000 ms.
        t.speech_ended(at(1000));
        let m = t.take().unwrap();
        assert_eq!(m.speech_end_to_first_audio_ms, Some(300.0));
        assert_eq!(m.speech_end_to_played_ms, Some(350.0));
        // Speech that ends after the reply began is the next turn's.
        t.reply_audio(at(2000));
        t.speech_ended(at(2500));
        assert_eq!(t.take().unwrap().speech_end_to_first_audio_ms, None);
    }

    #[test]
    fn spoken_turn_latencies() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut t = TurnTracker::new();
        t.speech_ended(at(1000));
        assert!(t.user_turn(None).is_none());
        t.reply_audio(at(1800));
        t.audio_bytes(4800);
        t.reply_audio(at(1900));
        t.played(at(1850));
        let m = t.user_turn(None).unwrap();
        assert_eq!(m.turn, 1);
        assert_eq!(m.speech_end_to_first_audio_ms, Some(800.0));
        assert_eq!(m.first_audio_to_played_ms, Some(50.0));
        assert_eq!(m.speech_end_to_played_ms, Some(850.0));
        assert_eq!(m.agent_audio_bytes, 4800);
        let m2 = t.take().unwrap();
        assert_eq!(m2.turn, 2);
        assert!(t.take().is_none());
    }

    #[test]
    fn typed_turn_measures_from_send() {
        let t0 = Instant::now();
        let mut t = TurnTracker::new();
        t.speech_ended(t0);
        t.user_turn(Some(t0 + Duration::from_millis(100)));
        t.reply_audio(t0 + Duration::from_millis(600));
        let m = t.take().unwrap();
        assert!(m.typed);
        assert_eq!(m.speech_end_to_first_audio_ms, Some(500.0));
    }
}
