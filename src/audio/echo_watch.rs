//! What the echo stage watches after each chunk: whether the microphone hears Flux (with
//! cancellation off), and the statistics the session reports (echo reduction, false barge-ins
//! avoided, the delay AEC3 found).

use std::sync::atomic::Ordering;

use super::{emit, AudioEvent, EchoMode, EchoStage};

/// Microphone chunks louder than this (RMS, dBFS) sound like speech to a voice detector.
const SPEECH_DB: f32 = -40.0;
/// An echo burst this long (10 ms chunks) that cancellation or gating removed counts as a
/// false barge-in avoided.
const BURST_CHUNKS: u32 = 20;
/// With cancellation off: a microphone chunk louder than this (dBFS) while Flux speaks, that the
/// side canceller makes this much quieter (dB), is evidence of echo; with this much of it
/// (300 ms, fewer chunks the canceller left alone) Flux is taken to hear itself.
const HEARD_FLOOR_DB: f32 = -50.0;
const HEARD_REDUCTION_DB: f32 = 10.0;
const HEARD_CHUNKS: u32 = 30;

impl EchoStage {
    /// With cancellation off: collects evidence that the microphone hears the playback. Speech
    /// onsets get suppressed now and then even with no echo at all (headphones), so a loud chunk
    /// the side canceller leaves alone takes back more evidence than one it quiets adds.
    pub(super) fn detect(&mut self, audible: bool, mic_db: f32, out_db: f32) {
        if !audible || mic_db < HEARD_FLOOR_DB {
            return;
        }
        if mic_db - out_db < HEARD_REDUCTION_DB {
            self.evidence = self.evidence.saturating_sub(3);
            return;
        }
        self.evidence += 1;
        if self.evidence >= HEARD_CHUNKS && !self.stats.echo_heard.swap(true, Ordering::Relaxed) {
            emit(&self.events, AudioEvent::EchoHeard);
        }
    }

    /// Updates the statistics after one chunk; `playing` while the reference was audible.
    pub(super) fn account(&mut self, playing: bool, mic_db: f32, out_db: f32) {
        self.chunks += 1;
        if playing && self.mode != EchoMode::Off {
            let p = |db: f32| 10f64.powf(f64::from(db) / 10.0);
            // About two seconds of memory at one chunk per 10 ms.
            self.echo_energy = self.echo_energy * 0.995 + p(mic_db);
            self.out_energy = self.out_energy * 0.995 + p(out_db);
            let erle = 10.0 * (self.echo_energy / self.out_energy.max(1e-12)).log10();
            self.stats.erle_db_bits.store((erle as f32).to_bits(), Ordering::Relaxed);
            self.stats.measured.store(true, Ordering::Relaxed);
            if mic_db > SPEECH_DB && out_db < SPEECH_DB - 10.0 {
                self.burst += 1;
                if self.burst == BURST_CHUNKS {
                    self.stats.false_barge_ins_avoided.fetch_add(1, Ordering::Relaxed);
                }
            } else {
                self.burst = 0;
            }
        } else {
            self.burst = 0;
        }
        if self.chunks.is_multiple_of(50) {
            if let Some(d) = self.apm.as_ref().and_then(|apm| apm.statistics().delay_ms) {
                self.stats.delay_ms.store(d, Ordering::Relaxed);
            }
        }
    }
}
