//! In-memory implementations of the session seams, for tests and the benchmark only (feature
//! `test-support`): a recording control plane that also mints tokens, a scripted frame source
//! and a playback that plays in virtual real time into a buffer.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::events::{SessionStats, TurnMetrics};
use super::traits::{ControlError, ControlPlane, Frame, FrameSource, Playback, PlaybackStats, SessionStart};
use crate::voice::{Bytes, ConversationSetup, Credential, CredentialError, CredentialSource};

/// What a [`MemoryControl`] was asked to do.
#[derive(Debug, Default, Clone)]
pub struct ControlLog {
    pub messages: Vec<(String, String)>,
    pub intents: Vec<(String, String, serde_json::Value)>,
    pub cancelled: Vec<String>,
    pub turns: Vec<TurnMetrics>,
    pub stats: Option<SessionStats>,
    pub closed: bool,
    pub interrupted: Option<String>,
    pub tokens_minted: u32,
    /// Safety categories the conversation was flagged for.
    pub safety_flags: Vec<String>,
}

type IntentFn = dyn Fn(&str, &serde_json::Value) -> Result<String, ControlError> + Send + Sync;

/// A control plane that keeps everything in memory.
pub struct MemoryControl {
    pub session_id: String,
    pub token: String,
    pub config: ConversationSetup,
    pub log: Mutex<ControlLog>,
    intent: Box<IntentFn>,
    /// Artificial store latency per call (to prove the audio path does not wait on it).
    pub store_delay: Duration,
    /// What `mint_token` hands out (defaults to `token`).
    pub minted_token: Option<String>,
}

impl MemoryControl {
    pub fn new(token: &str, config: ConversationSetup) -> Self {
        MemoryControl {
            session_id: "session-1".into(),
            token: token.into(),
            config,
            log: Mutex::new(ControlLog::default()),
            intent: Box::new(|name, _| Ok(format!("{name} done"))),
            store_delay: Duration::ZERO,
            minted_token: None,
        }
    }

    pub fn with_intents(
        mut self,
        f: impl Fn(&str, &serde_json::Value) -> Result<String, ControlError> + Send + Sync + 'static,
    ) -> Self {
        self.intent = Box::new(f);
        self
    }

    pub fn snapshot(&self) -> ControlLog {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ControlLog> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn delay(&self) {
        if !self.store_delay.is_zero() {
            std::thread::sleep(self.store_delay);
        }
    }
}

impl ControlPlane for MemoryControl {
    fn start_session(&self, _user_id: &str) -> Result<SessionStart, ControlError> {
        Ok(SessionStart {
            session_id: self.session_id.clone(),
            credential: Some(Credential::new(self.token.clone())),
            setup: self.config.clone(),
        })
    }
    fn save_message(&self, _sid: &str, role: &str, content: &str) -> Result<(), ControlError> {
        self.delay();
        self.lock().messages.push((role.into(), content.into()));
        Ok(())
    }
    fn run_intent(
        &self,
        _sid: &str,
        call_id: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<String, ControlError> {
        self.delay();
        let result = (self.intent)(name, &arguments);
        self.lock().intents.push((call_id.into(), name.into(), arguments));
        result
    }
    fn cancel_intent(&self, _sid: &str, call_id: &str, _name: &str) -> Result<(), ControlError> {
        self.lock().cancelled.push(call_id.into());
        Ok(())
    }
    fn record_turn_metrics(&self, _sid: &str, metrics: &TurnMetrics) -> Result<(), ControlError> {
        self.lock().turns.push(metrics.clone());
        Ok(())
    }
    fn record_session_stats(&self, _sid: &str, stats: &SessionStats) -> Result<(), ControlError> {
        self.lock().stats = Some(*stats);
        Ok(())
    }
    fn close_session(&self, _sid: &str) -> Result<(), ControlError> {
        self.lock().closed = true;
        Ok(())
    }
    fn mark_interrupted(&self, _sid: &str, reason: &str) -> Result<(), ControlError> {
        self.lock().interrupted = Some(reason.into());
        Ok(())
    }
    fn flag_safety(&self, _sid: &str, category: &str) -> Result<(), ControlError> {
        self.lock().safety_flags.push(category.into());
        Ok(())
    }
}

impl CredentialSource for MemoryControl {
    fn mint(&self) -> Result<Credential, CredentialError> {
        self.lock().tokens_minted += 1;
        Ok(Credential::new(self.minted_token.clone().unwrap_or_else(|| self.token.clone())))
    }
}

/// A piece of scripted input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// A square-ish tone at `amplitude` (0..32767), loud enough for any energy VAD.
    Tone {
        ms: u32,
        amplitude: i16,
    },
    Silence {
        ms: u32,
    },
}

/// Frames from a script, paced in real time. After the script: ends, or (with `hold`) goes
/// quiet without ending, like a muted microphone.
pub struct ScriptedSource {
    rate: u32,
    frames: VecDeque<Bytes>,
    hold: bool,
    next_at: Option<tokio::time::Instant>,
}

impl ScriptedSource {
    pub fn new(rate: u32, script: &[Segment], hold: bool) -> Self {
        let per_frame = (rate / 50) as usize;
        let mut frames = VecDeque::new();
        let mut n = 0usize;
        for seg in script {
            let (ms, amp) = match *seg {
                Segment::Tone { ms, amplitude } => (ms, amplitude),
                Segment::Silence { ms } => (ms, 0),
            };
            for _ in 0..(ms / 20) {
                let mut pcm = Vec::with_capacity(per_frame * 2);
                for _ in 0..per_frame {
                    // 400 Hz-ish square wave at 16 kHz; the rate only changes its pitch.
                    let s = if (n / 20).is_multiple_of(2) { amp } else { -amp };
                    pcm.extend_from_slice(&s.to_le_bytes());
                    n += 1;
                }
                frames.push_back(Bytes::from(pcm));
            }
        }
        ScriptedSource { rate, frames, hold, next_at: None }
    }
}

impl FrameSource for ScriptedSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        let at = *self.next_at.get_or_insert_with(tokio::time::Instant::now);
        if self.frames.is_empty() {
            if self.hold {
                std::future::pending::<()>().await;
            }
            return None;
        }
        tokio::time::sleep_until(at + Duration::from_millis(20)).await;
        self.next_at = Some(at + Duration::from_millis(20));
        let pcm = self.frames.pop_front()?;
        Some(Frame { pcm, ready_at: Instant::now() })
    }
    fn dropped_frames(&self) -> u64 {
        0
    }
}

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
