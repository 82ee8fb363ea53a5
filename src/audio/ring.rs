//! Capture side of the real-time path: what the cpal input callback owns and does.
//!
//! The callback converts whatever sample type the device delivers to `f32`, down-mixes to mono in
//! a scratch buffer sized before the stream starts, pushes into a lock-free SPSC ring and wakes
//! the framer thread with `Thread::unpark` (an atomic swap plus, at most, a futex wake: no lock,
//! no allocation). Samples that do not fit are counted, never waited for.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::Thread;

use cpal::{FromSample, Sample};
use ringbuf::traits::{Consumer, Observer, Producer, Split};
use ringbuf::{HeapCons, HeapProd, HeapRb};

use super::clock;
use super::fault::FaultCell;

/// Counters shared between the callback and everything else.
#[derive(Debug, Default)]
pub struct CaptureShared {
    /// Mono samples lost because the ring was full (the consumer fell behind).
    pub dropped: AtomicU64,
    /// Mono samples that entered the ring.
    pub pushed: AtomicU64,
    pub callbacks: AtomicU64,
    /// `clock::now_ns()` of the last callback and of the last successful push.
    pub last_callback_ns: AtomicU64,
    pub last_push_ns: AtomicU64,
    /// Set by the stream's error callback when the stream is dead.
    pub fault: FaultCell,
}

/// Everything the input callback touches. Built before the stream starts; never reallocated.
pub struct CaptureCallbackState {
    prod: HeapProd<f32>,
    scratch: Vec<f32>,
    channels: usize,
    shared: Arc<CaptureShared>,
    wake: Option<Thread>,
}

/// The framer's end of the ring.
pub struct CaptureConsumer {
    cons: HeapCons<f32>,
    shared: Arc<CaptureShared>,
}

/// Samples the consumer took, across rings that share one `CaptureShared` (see `pop_dated`).
#[derive(Debug, Default)]
pub struct PopCount(pub u64);

/// Largest number of frames converted per pass; longer callbacks are processed in pieces, so a
/// device that delivers huge buffers costs several passes rather than an allocation.
pub const SCRATCH_FRAMES: usize = 4096;

/// Builds the ring for a device with `channels` interleaved channels, holding `capacity` mono
/// samples. `wake` is the thread to unpark after each push (the framer), if any.
pub fn capture_ring(
    channels: u16,
    capacity: usize,
    wake: Option<Thread>,
) -> (CaptureCallbackState, CaptureConsumer) {
    capture_ring_with(Arc::new(CaptureShared::default()), channels, capacity, wake)
}

/// Like `capture_ring`, but counting into existing counters: a stream reopened on another
/// device gets a fresh ring and keeps its totals.
pub fn capture_ring_with(
    shared: Arc<CaptureShared>,
    channels: u16,
    capacity: usize,
    wake: Option<Thread>,
) -> (CaptureCallbackState, CaptureConsumer) {
    clock::init();
    let (prod, cons) = HeapRb::<f32>::new(capacity.max(1)).split();
    let state = CaptureCallbackState {
        prod,
        scratch: vec![0.0; SCRATCH_FRAMES],
        channels: usize::from(channels.max(1)),
        shared: shared.clone(),
        wake,
    };
    (state, CaptureConsumer { cons, shared })
}

impl CaptureCallbackState {
    pub fn shared(&self) -> &Arc<CaptureShared> {
        &self.shared
    }

    /// Replaces the thread to wake; used when the framer thread starts after the ring is built.
    pub fn set_wake(&mut self, wake: Thread) {
        self.wake = Some(wake);
    }
}

/// The body of the cpal input callback: interleaved `data` in, mono `f32` into the ring.
pub fn on_input<T>(state: &mut CaptureCallbackState, data: &[T])
where
    T: Sample,
    f32: FromSample<T>,
{
    on_input_at(state, data, clock::now_ns());
}

/// `on_input` at a given `clock` instant (tests drive it on a simulated clock).
pub fn on_input_at<T>(state: &mut CaptureCallbackState, data: &[T], now: u64)
where
    T: Sample,
    f32: FromSample<T>,
{
    let shared = &*state.shared;
    shared.callbacks.fetch_add(1, Ordering::Relaxed);
    shared.last_callback_ns.store(now, Ordering::Relaxed);

    let ch = state.channels;
    let scale = 1.0 / ch as f32;
    let mut pushed = 0u64;
    let mut dropped = 0u64;
    for block in data.chunks(SCRATCH_FRAMES * ch) {
        let frames = block.len() / ch;
        let out = &mut state.scratch[..frames];
        if ch == 1 {
            for (o, s) in out.iter_mut().zip(block) {
                *o = f32::from_sample(*s);
            }
        } else {
            for (o, frame) in out.iter_mut().zip(block.chunks_exact(ch)) {
                let sum: f32 = frame.iter().map(|s| f32::from_sample(*s)).sum();
                *o = sum * scale;
            }
        }
        let n = state.prod.push_slice(out);
        pushed += n as u64;
        dropped += (frames - n) as u64;
    }
    if dropped > 0 {
        shared.dropped.fetch_add(dropped, Ordering::Relaxed);
    }
    if pushed > 0 {
        // Release pairs with the consumer's Acquire in `pushed_total`, so a reader that sees the
        // count also sees the timestamp.
        shared.last_push_ns.store(now, Ordering::Relaxed);
        shared.pushed.fetch_add(pushed, Ordering::Release);
        if let Some(t) = &state.wake {
            t.unpark();
        }
    }
}

impl CaptureConsumer {
    pub fn shared(&self) -> &Arc<CaptureShared> {
        &self.shared
    }

    /// Pops up to `buf.len()` samples.
    pub fn pop(&mut self, buf: &mut [f32]) -> usize {
        self.cons.pop_slice(buf)
    }

    /// `pop`, plus the `clock` date of the first sample popped, at `rate` Hz: the newest sample
    /// in the ring is dated by the callback that pushed it, older ones one period apart.
    /// `count` tracks what was popped before (it must follow every pop of this stream).
    pub fn pop_dated(&mut self, buf: &mut [f32], rate: u32, count: &mut PopCount) -> (usize, u64) {
        let pushed = self.shared.pushed.load(Ordering::Acquire);
        let last = self.shared.last_push_ns.load(Ordering::Relaxed);
        let n = self.cons.pop_slice(buf);
        let behind = pushed.saturating_sub(count.0).max(1) - 1;
        count.0 += n as u64;
        let first = last.saturating_sub(behind * 1_000_000_000 / u64::from(rate.max(1)));
        (n, first)
    }

    pub fn available(&self) -> usize {
        self.cons.occupied_len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_is_averaged_to_mono() {
        let (mut st, mut c) = capture_ring(2, 16, None);
        on_input(&mut st, &[0.5f32, -0.5, 1.0, 0.0, 0.25, 0.25]);
        let mut buf = [0.0; 8];
        assert_eq!(c.pop(&mut buf), 3);
        assert_eq!(&buf[..3], &[0.0, 0.5, 0.25]);
    }

    #[test]
    fn integer_samples_are_scaled() {
        let (mut st, mut c) = capture_ring(1, 16, None);
        on_input(&mut st, &[i16::MIN, 0, 16384]);
        let mut buf = [0.0; 3];
        assert_eq!(c.pop(&mut buf), 3);
        assert_eq!(buf, [-1.0, 0.0, 0.5]);
    }

    #[test]
    fn overflow_is_counted_not_blocked() {
        let (mut st, mut c) = capture_ring(1, 100, None);
        on_input(&mut st, &[0.1f32; 60]);
        on_input(&mut st, &[0.2f32; 60]);
        let s = c.shared().clone();
        assert_eq!(s.pushed.load(Ordering::Relaxed), 100);
        assert_eq!(s.dropped.load(Ordering::Relaxed), 20);
        let mut buf = vec![0.0; 200];
        assert_eq!(c.pop(&mut buf), 100);
        // The oldest audio is kept; what did not fit is what was dropped.
        assert_eq!(buf[59], 0.1);
        assert_eq!(buf[60], 0.2);
        on_input(&mut st, &[0.3f32; 10]);
        assert_eq!(s.dropped.load(Ordering::Relaxed), 20);
        assert_eq!(c.pop(&mut buf), 10);
    }

    #[test]
    fn long_callbacks_are_split_over_the_scratch_buffer() {
        let frames = SCRATCH_FRAMES * 2 + 7;
        let (mut st, mut c) = capture_ring(2, frames * 2, None);
        let data: Vec<f32> = (0..frames * 2).map(|i| (i / 2) as f32 / frames as f32).collect();
        on_input(&mut st, &data);
        let mut buf = vec![0.0; frames * 2];
        assert_eq!(c.pop(&mut buf), frames);
        assert!(buf[..frames].iter().enumerate().all(|(i, v)| *v == i as f32 / frames as f32));
    }

    #[test]
    fn a_push_wakes_the_consumer_thread() {
        let (mut st, _c) = capture_ring(1, 16, None);
        let waiter = std::thread::spawn(|| {
            std::thread::park_timeout(std::time::Duration::from_secs(10));
            std::time::Instant::now()
        });
        st.set_wake(waiter.thread().clone());
        let t0 = std::time::Instant::now();
        on_input(&mut st, &[0.0f32; 4]);
        let woke = waiter.join().unwrap();
        assert!(woke.duration_since(t0) < std::time::Duration::from_secs(5));
    }
}
