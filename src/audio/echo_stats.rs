//! What the echo stage measured, shared with whoever reports it (diagnostics, session stats).

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};

/// Counters the diagnostics and the session read; written by the capture worker only.
#[derive(Debug, Default)]
pub struct EchoStats {
    /// Echo reduction while Flux speaks (dB, f32 bits), smoothed over about two seconds;
    /// meaningful once `measured`.
    pub(super) erle_db_bits: AtomicU32,
    pub(super) measured: AtomicBool,
    /// The canceller's current speaker-to-microphone delay estimate (ms), -1 if none.
    pub(super) delay_ms: AtomicI32,
    pub false_barge_ins_avoided: AtomicU64,
    /// Set once when, with cancellation off, the microphone is found to hear the playback.
    pub echo_heard: AtomicBool,
    /// Microphone chunks silenced by the half-duplex gate.
    pub gated_chunks: AtomicU64,
}

impl EchoStats {
    /// `None` until Flux has been heard speaking with cancellation or muting on.
    pub fn erle_db(&self) -> Option<f32> {
        self.measured
            .load(Ordering::Relaxed)
            .then(|| f32::from_bits(self.erle_db_bits.load(Ordering::Relaxed)))
    }
    pub fn delay_ms(&self) -> Option<u32> {
        u32::try_from(self.delay_ms.load(Ordering::Relaxed)).ok()
    }
}
