//! Echo handling on the capture worker, between the capture ring and the framer.
//!
//! `Cancel` runs WebRTC's AEC3 (the `sonora` port) on 10 ms chunks of the microphone at its
//! native rate, with the reference the output callback played (`echo_ref`) fed in date order:
//! every reference chunk dated before the end of a microphone chunk goes in first. AEC3 finds the
//! remaining delay (device buffers plus the room) itself and follows it as it drifts.
//! `HalfDuplex` silences the microphone while the reference is playing (and for the longest
//! echo delay after). `Off` passes the microphone through, but still runs the canceller on the
//! side: when it takes a clear share of the microphone away while Flux speaks, the microphone
//! hears the speakers, and the user is told once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sonora::config::{EchoCanceller, TransparentModeType};
use sonora::{AudioProcessing, Config, StreamConfig};

use super::device::{emit, AudioEvent, EventTx};
use super::echo_ref::ReferenceReader;
pub use super::echo_stats::EchoStats;

#[path = "echo_watch.rs"]
mod watch;

/// What the capture path does about Flux hearing itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EchoMode {
    #[default]
    Cancel,
    HalfDuplex,
    Off,
}

/// Longest speaker-to-microphone delay the half-duplex gate waits out after playback.
const GATE_HANGOVER_NS: u64 = 500_000_000;
/// How much of Flux's playback a new canceller mutes while it finds the echo path. Until AEC3
/// has found the delay its output still carries the echo (on a loaded machine for the first
/// few hundred ms of speech), enough for a voice detector to take Flux for the user.
pub const WARMUP: std::time::Duration = std::time::Duration::from_millis(1_500);
/// A reference chunk louder than this (RMS, dBFS) counts as Flux speaking.
const PLAYING_DB: f32 = -50.0;
/// What the user is told, once, when Flux hears itself with cancellation off.
pub const ECHO_HEARD_NOTICE: &str = "Flux can hear itself: use headphones or turn echo cancellation on.";

/// The echo stage of one capture stream.
pub struct EchoStage {
    mode: EchoMode,
    reader: Option<ReferenceReader>,
    apm: Option<AudioProcessing>,
    mic_rate: u32,
    ref_rate: u32,
    mic: Vec<f32>,
    mic_len: usize,
    reference: Vec<f32>,
    scratch: Vec<f32>,
    out: Vec<f32>,
    stats: Arc<EchoStats>,
    events: EventTx,
    held: Option<Arc<AtomicBool>>,
    /// Chunks of playback a new canceller mutes (`WARMUP`), and how many are left.
    warmup_chunks: u32,
    warmup_left: u32,
    last_playing_ns: u64,
    burst: u32,
    evidence: u32,
    echo_energy: f64,
    out_energy: f64,
    chunks: u64,
}

fn chunks_in(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_millis() / 10).unwrap_or(u32::MAX)
}

fn rms_db(x: &[f32]) -> f32 {
    let p = x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32;
    10.0 * p.max(1e-12).log10()
}

impl EchoStage {
    /// `reader` is the playback reference (none: nothing is played, the stage passes through).
    pub fn new(
        mode: EchoMode,
        reader: Option<ReferenceReader>,
        mic_rate: u32,
        stats: Arc<EchoStats>,
    ) -> Self {
        stats.delay_ms.store(-1, Ordering::Relaxed);
        let n = (mic_rate / 100).max(1) as usize;
        let mut st = EchoStage {
            mode,
            reader,
            apm: None,
            mic_rate,
            ref_rate: 0,
            mic: vec![0.0; n],
            mic_len: 0,
            reference: Vec::new(),
            scratch: Vec::new(),
            out: vec![0.0; n],
            stats,
            events: None,
            held: None,
            warmup_chunks: chunks_in(WARMUP),
            warmup_left: 0,
            last_playing_ns: 0,
            burst: 0,
            evidence: 0,
            echo_energy: 0.0,
            out_energy: 0.0,
            chunks: 0,
        };
        st.rebuild();
        st
    }

    /// Where `AudioEvent::EchoHeard` goes.
    pub fn with_events(mut self, events: EventTx) -> Self {
        self.events = events;
        self
    }

    /// While `held` is set (push-to-talk held), half-duplex muting is lifted.
    pub fn with_hold(mut self, held: Option<Arc<AtomicBool>>) -> Self {
        self.held = held;
        self
    }

    /// How much playback a new canceller mutes (default `WARMUP`).
    pub fn with_warmup(mut self, warmup: std::time::Duration) -> Self {
        self.warmup_chunks = chunks_in(warmup);
        self.warmup_left = if self.apm.is_some() { self.warmup_chunks } else { 0 };
        self
    }

    fn held(&self) -> bool {
        self.held.as_ref().is_some_and(|h| h.load(Ordering::Relaxed))
    }

    pub fn mode(&self) -> EchoMode {
        self.mode
    }

    pub fn stats(&self) -> &Arc<EchoStats> {
        &self.stats
    }

    /// (Re)makes the processor for the current microphone and reference rates.
    fn rebuild(&mut self) {
        self.ref_rate = self.reader.as_ref().map_or(0, ReferenceReader::rate);
        let rr = (self.ref_rate / 100) as usize;
        self.reference = vec![0.0; rr];
        self.scratch = vec![0.0; rr];
        self.apm = None;
        if self.ref_rate == 0 || self.mode == EchoMode::HalfDuplex {
            return;
        }
        // The high-pass filter AEC3 enforces by default shifts the phase of low voices; the
        // agent's own front end filters as it needs.
        let config = Config {
            echo_canceller: Some(EchoCanceller {
                enforce_high_pass_filtering: false,
                transparent_mode: TransparentModeType::Hmm,
            }),
            ..Default::default()
        };
        self.warmup_left = self.warmup_chunks;
        let apm = AudioProcessing::builder()
            .config(config)
            .capture_config(StreamConfig::new(self.mic_rate, 1))
            .render_config(StreamConfig::new(self.ref_rate, 1))
            .build();
        self.apm = Some(apm);
    }

    /// A new native microphone rate (a fallback device): what was buffered is emitted as is.
    pub fn set_mic_rate(&mut self, rate: u32, emit: &mut dyn FnMut(&[f32])) {
        emit(&self.mic[..self.mic_len]);
        self.mic_len = 0;
        self.mic_rate = rate;
        let n = (rate / 100).max(1) as usize;
        self.mic = vec![0.0; n];
        self.out = vec![0.0; n];
        self.rebuild();
    }

    /// Microphone samples in, the first dated `first_ns` (`clock` ns); processed 10 ms chunks
    /// out through `emit`.
    pub fn process(&mut self, mut input: &[f32], first_ns: u64, emit: &mut dyn FnMut(&[f32])) {
        let per_sample = 1_000_000_000 / u64::from(self.mic_rate.max(1));
        let mut date = first_ns;
        while !input.is_empty() {
            let take = (self.mic.len() - self.mic_len).min(input.len());
            self.mic[self.mic_len..self.mic_len + take].copy_from_slice(&input[..take]);
            self.mic_len += take;
            input = &input[take..];
            date += take as u64 * per_sample;
            if self.mic_len == self.mic.len() {
                self.mic_len = 0;
                self.chunk(date.saturating_sub(per_sample));
                emit(&self.out);
            }
        }
    }

    /// Emits what is buffered (end of stream).
    pub fn finish(&mut self, emit: &mut dyn FnMut(&[f32])) {
        emit(&self.mic[..self.mic_len]);
        self.mic_len = 0;
    }

    /// Feeds the reference up to `end_ns`, then processes the microphone chunk into `out`.
    fn chunk(&mut self, end_ns: u64) {
        let playing = self.feed_reference(end_ns);
        let recent = self.last_playing_ns > 0 && end_ns < self.last_playing_ns + GATE_HANGOVER_NS;
        let audible = recent || playing;
        self.out.copy_from_slice(&self.mic);
        match self.mode {
            EchoMode::HalfDuplex => {
                if audible && !self.held() {
                    self.out.fill(0.0);
                    self.stats.gated_chunks.fetch_add(1, Ordering::Relaxed);
                }
            }
            EchoMode::Cancel | EchoMode::Off => {
                if let Some(apm) = self.apm.as_mut() {
                    if apm.process_capture_f32(&[&self.mic], &mut [&mut self.out]).is_err() {
                        self.out.copy_from_slice(&self.mic);
                    }
                    if self.mode == EchoMode::Cancel && audible && self.warmup_left > 0 {
                        self.warmup_left -= 1;
                        if !self.held() {
                            self.out.fill(0.0);
                            self.stats.gated_chunks.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
        }
        let (mic_db, out_db) = (rms_db(&self.mic), rms_db(&self.out));
        if self.mode == EchoMode::Off {
            self.detect(audible, mic_db, out_db);
            // The side canceller only listens: the microphone goes on unchanged.
            self.out.copy_from_slice(&self.mic);
        }
        self.account(audible, mic_db, out_db);
    }

    /// Runs every reference chunk dated at or before `end_ns` through the processor; true if
    /// any of them was audible.
    fn feed_reference(&mut self, end_ns: u64) -> bool {
        let Some(reader) = self.reader.as_mut() else { return false };
        if reader.rate() != self.ref_rate {
            self.rebuild();
        }
        let Some(reader) = self.reader.as_mut() else { return false };
        let n = self.reference.len();
        if n == 0 {
            return false;
        }
        let span = (n as u64 - 1) * 1_000_000_000 / u64::from(self.ref_rate);
        let mut playing = false;
        while reader.available() >= n {
            match reader.next_sample_ns() {
                Some(t) if t + span <= end_ns => {}
                _ => break,
            }
            reader.pop(&mut self.reference);
            if rms_db(&self.reference) > PLAYING_DB {
                playing = true;
                self.last_playing_ns = end_ns;
            }
            if let Some(apm) = self.apm.as_mut() {
                let _ = apm.process_render_f32(&[&self.reference], &mut [&mut self.scratch]);
            }
        }
        playing
    }
}
