//! The echo reference: what the output callback actually played, handed to the capture worker.
//!
//! The output callback writes every mono sample it plays (after resampling, at the device rate,
//! flushes and silence included) into a lock-free ring, and publishes how many samples it has
//! written and when (`clock::now_ns()` of the callback). The capture worker reads the ring and
//! dates each sample from those two counters, so it can give the canceller the reference in
//! step with the microphone even when it drains a backlog in one go.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use ringbuf::traits::{Consumer, Observer, Producer};
use ringbuf::{HeapCons, HeapProd, HeapRb};

/// Seconds of reference the ring holds; the capture worker normally reads it within 20 ms.
const RING_SECONDS: usize = 2;
/// Samples the writer gathers before one ring push (one push per callback for usual buffers).
const SCRATCH: usize = 2048;

/// Shared between the output callback (writer) and the capture worker (reader).
pub struct EchoReference {
    rb: Arc<HeapRb<f32>>,
    /// Samples written into the ring since it was made (lost ones not counted).
    pushed: AtomicU64,
    /// `clock::now_ns()` of the callback that wrote the last sample counted in `pushed`.
    last_ns: AtomicU64,
    /// Device rate of the samples; 0 until an output stream is attached.
    rate: AtomicU32,
    /// Samples lost because the reader fell behind (or does not read).
    pub dropped: AtomicU64,
}

impl std::fmt::Debug for EchoReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoReference").field("rate", &self.rate).field("dropped", &self.dropped).finish()
    }
}

impl EchoReference {
    /// A reference for output devices up to `max_rate` Hz.
    pub fn new(max_rate: u32) -> Arc<Self> {
        super::clock::init();
        Arc::new(EchoReference {
            rb: Arc::new(HeapRb::new((max_rate.max(8_000) as usize) * RING_SECONDS)),
            pushed: AtomicU64::new(0),
            last_ns: AtomicU64::new(0),
            rate: AtomicU32::new(0),
            dropped: AtomicU64::new(0),
        })
    }

    /// The writer for an output stream at `rate`; `None` while another stream still holds it
    /// (the previous device's callback has not been dropped yet).
    pub fn writer(self: &Arc<Self>, rate: u32) -> Option<ReferenceWriter> {
        if self.rb.write_is_held() {
            return None;
        }
        self.rate.store(rate, Ordering::Release);
        Some(ReferenceWriter {
            prod: HeapProd::new(self.rb.clone()),
            scratch: vec![0.0; SCRATCH],
            len: 0,
            shared: self.clone(),
        })
    }

    /// The reader for the capture worker; `None` if another reader holds it.
    pub fn reader(self: &Arc<Self>) -> Option<ReferenceReader> {
        if self.rb.read_is_held() {
            return None;
        }
        Some(ReferenceReader { cons: HeapCons::new(self.rb.clone()), read: 0, shared: self.clone() })
    }
}

/// The output callback's end. Every method is real-time safe: no allocation, lock or log.
pub struct ReferenceWriter {
    prod: HeapProd<f32>,
    scratch: Vec<f32>,
    len: usize,
    shared: Arc<EchoReference>,
}

impl ReferenceWriter {
    /// One played sample.
    #[inline]
    pub fn put(&mut self, s: f32, now_ns: u64) {
        if self.len == self.scratch.len() {
            self.flush(now_ns);
        }
        self.scratch[self.len] = s;
        self.len += 1;
    }

    /// Publishes what was gathered, dated `now_ns`. What does not fit is dropped and counted.
    pub fn flush(&mut self, now_ns: u64) {
        if self.len == 0 {
            return;
        }
        let n = self.prod.push_slice(&self.scratch[..self.len]);
        let lost = self.len - n;
        self.len = 0;
        let s = &*self.shared;
        if lost > 0 {
            s.dropped.fetch_add(lost as u64, Ordering::Relaxed);
        }
        // The reader dates the newest sample in the ring `last_ns`; lost samples were never in
        // it, so they shift nothing.
        s.last_ns.store(now_ns, Ordering::Relaxed);
        s.pushed.fetch_add(n as u64, Ordering::Release);
    }
}

/// The capture worker's end.
pub struct ReferenceReader {
    cons: HeapCons<f32>,
    /// Samples taken out of the ring.
    read: u64,
    shared: Arc<EchoReference>,
}

impl ReferenceReader {
    /// Device rate of the reference (0 before any output stream started).
    pub fn rate(&self) -> u32 {
        self.shared.rate.load(Ordering::Acquire)
    }

    /// The date (`clock` ns) of the next sample `pop` would return, if any is waiting.
    pub fn next_sample_ns(&self) -> Option<u64> {
        let pushed = self.shared.pushed.load(Ordering::Acquire);
        let last = self.shared.last_ns.load(Ordering::Relaxed);
        let rate = u64::from(self.rate());
        if self.cons.occupied_len() == 0 || rate == 0 {
            return None;
        }
        // The newest sample is dated `last`; the next one to read is `behind - 1` before it.
        let behind = pushed.saturating_sub(self.read).max(1) - 1;
        Some(last.saturating_sub(behind * 1_000_000_000 / rate))
    }

    /// Pops up to `buf.len()` samples.
    pub fn pop(&mut self, buf: &mut [f32]) -> usize {
        let n = self.cons.pop_slice(buf);
        self.read += n as u64;
        n
    }

    pub fn available(&self) -> usize {
        self.cons.occupied_len()
    }
}
