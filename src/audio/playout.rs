//! Playback core: what the output callback owns and does, and the positions it publishes.
//!
//! Agent audio is queued at its declared rate in a lock-free ring. The output callback pops it,
//! resamples it to the device rate (rubato, buffers sized up front) and writes it to every
//! channel. Positions count source samples since the player was made ("ring positions"):
//! flush, reply start and "played through" are all expressed in them, so the callback only
//! compares integers. The resampler runs continuously (fed silence when starved) so the last
//! samples of a reply are pushed out of its filter and the end of playback is exact.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use cpal::{FromSample, Sample};
use ringbuf::traits::{Consumer, Observer};
use ringbuf::{HeapCons, HeapRb};

use super::clock;
use super::echo_ref::{EchoReference, ReferenceWriter};
use super::error::AudioError;
use super::fault::FaultCell;
use super::resample::MonoResampler;

/// Counters and positions shared by the callback and the `Player`.
#[derive(Debug, Default)]
pub struct PlaybackShared {
    /// Bumped by `flush`; the callback compares it with the last value it saw.
    pub flush_gen: AtomicU64,
    /// The last `flush_gen` the callback has applied (for measuring flush-to-silence).
    pub flush_applied: AtomicU64,
    /// Ring position before which everything is discarded (set before `flush_gen` is bumped).
    pub flush_at: AtomicU64,
    /// Ring position the callback has consumed up to (played or discarded).
    pub consumed: AtomicU64,
    /// Ring position whose audio has completely left the callback (filter tail included).
    pub played_through: AtomicU64,
    /// Ring position of the first sample of the current reply; `reply_armed` while unplayed.
    pub reply_start: AtomicU64,
    pub reply_armed: AtomicBool,
    /// Bumped by `begin_reply`, so a gap between two replies is not counted as an underrun.
    pub reply_gen: AtomicU64,
    pub first_played_ns: AtomicU64,
    /// Times the ring ran dry in the middle of a reply and audio resumed later (audible gaps).
    pub underruns: AtomicU64,
    pub callbacks: AtomicU64,
    pub last_callback_ns: AtomicU64,
    /// Set by the stream's error callback when the stream is dead.
    pub fault: FaultCell,
}

/// Everything the output callback touches; built before the stream starts.
pub struct PlaybackCallbackState {
    cons: HeapCons<f32>,
    shared: Arc<PlaybackShared>,
    resampler: MonoResampler,
    chunk: Vec<f32>,
    fifo: Vec<f32>,
    fifo_pos: usize,
    ratio: f64,
    seen_gen: u64,
    seen_reply_gen: u64,
    /// Ring position consumed so far (private copy of `shared.consumed`).
    consumed: u64,
    /// Samples fed to the resampler since its last reset, real or silence.
    rs_in: u64,
    /// Output samples written since the resampler's last reset.
    out_written: u64,
    /// Output index at which the last real sample is out, and its ring position.
    played_mark: Option<(u64, u64)>,
    /// Output index of the current reply's first sample, once it was popped.
    first_mark: Option<u64>,
    starved_in_reply: bool,
    had_audio_in_reply: bool,
    /// Where every played sample is copied for the echo canceller, if anyone listens.
    reference: Option<ReferenceWriter>,
    out_rate: u32,
}

impl PlaybackCallbackState {
    /// `rb` is the ring the `Player` pushes into (its consumer must not be held elsewhere);
    /// `in_rate` the declared rate, `out_rate` the device's.
    pub fn new(
        rb: Arc<HeapRb<f32>>,
        shared: Arc<PlaybackShared>,
        in_rate: u32,
        out_rate: u32,
    ) -> Result<Self, AudioError> {
        clock::init();
        let resampler = MonoResampler::new(in_rate, out_rate)?;
        let chunk_len = resampler.chunk_in();
        let fifo_cap = resampler.max_output_for(chunk_len) + 16;
        let consumed = shared.consumed.load(Ordering::Acquire);
        Ok(PlaybackCallbackState {
            cons: HeapCons::new(rb),
            resampler,
            chunk: vec![0.0; chunk_len],
            fifo: Vec::with_capacity(fifo_cap),
            fifo_pos: 0,
            ratio: f64::from(out_rate) / f64::from(in_rate),
            // Forces a flush check on the first callback, so a flush issued while the stream
            // was being (re)built still takes effect.
            seen_gen: u64::MAX,
            seen_reply_gen: shared.reply_gen.load(Ordering::Acquire),
            consumed,
            rs_in: 0,
            out_written: 0,
            played_mark: None,
            first_mark: None,
            starved_in_reply: false,
            had_audio_in_reply: false,
            shared,
            reference: None,
            out_rate,
        })
    }

    pub fn shared(&self) -> &Arc<PlaybackShared> {
        &self.shared
    }

    /// Copies what this callback plays into `reference` (the echo canceller's input). Ignored
    /// while a previous stream's callback still writes into it.
    pub fn set_reference(&mut self, reference: &Arc<EchoReference>) {
        self.reference = reference.writer(self.out_rate);
    }

    fn apply_flush(&mut self) {
        let target = self.shared.flush_at.load(Ordering::Acquire);
        let stale = target.saturating_sub(self.consumed);
        let avail = self.cons.occupied_len() as u64;
        let n = self.cons.skip(stale.min(avail) as usize);
        self.consumed += n as u64;
        self.resampler.reset();
        self.fifo.clear();
        self.fifo_pos = 0;
        self.rs_in = 0;
        self.out_written = 0;
        self.first_mark = None;
        self.starved_in_reply = false;
        self.had_audio_in_reply = false;
        if self.played_mark.take().is_some() || stale > 0 {
            self.shared.played_through.fetch_max(self.consumed, Ordering::AcqRel);
        }
    }

    /// Pops one resampler chunk (silence-padded if the ring is short) and resamples it.
    fn refill(&mut self) {
        self.fifo.clear();
        self.fifo_pos = 0;
        let len = self.chunk.len();
        let got = self.cons.pop_slice(&mut self.chunk);
        self.chunk[got..].fill(0.0);
        if got > 0 {
            let a = self.consumed;
            let b = a + got as u64;
            let r = self.rs_in;
            if self.starved_in_reply {
                self.shared.underruns.fetch_add(1, Ordering::Relaxed);
                self.starved_in_reply = false;
            }
            self.had_audio_in_reply = true;
            if self.shared.reply_armed.load(Ordering::Acquire) && self.first_mark.is_none() {
                let start = self.shared.reply_start.load(Ordering::Acquire).max(a);
                if start < b {
                    self.first_mark = Some(self.out_index(r + (start - a)));
                }
            }
            self.played_mark = Some((self.out_index(r + got as u64) + 1, b));
            self.consumed = b;
            self.shared.consumed.store(b, Ordering::Release);
        }
        if got < len && self.had_audio_in_reply {
            self.starved_in_reply = true;
        }
        self.rs_in += len as u64;
        // Fixed-size input into a buffer sized for it: cannot fail or grow. On the impossible
        // error, the chunk is dropped and silence plays, which is what an underrun sounds like.
        if self.resampler.process(&self.chunk, &mut self.fifo).is_err() {
            self.fifo.clear();
        }
    }

    fn out_index(&self, rs_index: u64) -> u64 {
        (rs_index as f64 * self.ratio) as u64
    }

    fn next_sample(&mut self) -> f32 {
        while self.fifo_pos >= self.fifo.len() {
            self.refill();
        }
        let s = self.fifo[self.fifo_pos];
        self.fifo_pos += 1;
        self.out_written += 1;
        s
    }
}

/// The body of the cpal output callback: fills interleaved `out` (`channels` per frame).
pub fn on_output<T>(state: &mut PlaybackCallbackState, out: &mut [T], channels: usize)
where
    T: Sample + FromSample<f32>,
{
    on_output_at(state, out, channels, clock::now_ns());
}

/// `on_output` at a given `clock` instant (tests drive it on a simulated clock).
pub fn on_output_at<T>(state: &mut PlaybackCallbackState, out: &mut [T], channels: usize, now: u64)
where
    T: Sample + FromSample<f32>,
{
    // An Arc clone is one atomic increment: no allocation, and it frees `state` for `&mut`.
    let shared = Arc::clone(&state.shared);
    shared.callbacks.fetch_add(1, Ordering::Relaxed);
    shared.last_callback_ns.store(now, Ordering::Relaxed);

    let gen = shared.flush_gen.load(Ordering::Acquire);
    if gen != state.seen_gen {
        state.seen_gen = gen;
        state.apply_flush();
        shared.flush_applied.store(gen, Ordering::Release);
    }
    let reply_gen = shared.reply_gen.load(Ordering::Acquire);
    if reply_gen != state.seen_reply_gen {
        state.seen_reply_gen = reply_gen;
        state.starved_in_reply = false;
        state.had_audio_in_reply = false;
        state.first_mark = None;
    }

    let ch = channels.max(1);
    for frame in out.chunks_mut(ch) {
        let s = state.next_sample();
        if let Some(r) = state.reference.as_mut() {
            r.put(s, now);
        }
        frame.fill(T::from_sample(s));
    }
    if let Some(r) = state.reference.as_mut() {
        r.flush(now);
    }

    if let Some(mark) = state.first_mark {
        if state.out_written > mark && shared.reply_armed.swap(false, Ordering::AcqRel) {
            // Read the clock again: the samples left when the callback returns, not when it began.
            shared.first_played_ns.store(clock::now_ns(), Ordering::Release);
        }
    }
    if let Some((mark, pos)) = state.played_mark {
        if state.out_written >= mark {
            state.played_mark = None;
            shared.played_through.fetch_max(pos, Ordering::AcqRel);
        }
    }
}
