//! `Player`: the non-real-time side of playback. It turns linear16 bytes into samples, queues
//! them (a lock-free ring the callback reads, plus an unbounded backlog for replies that arrive
//! faster than real time), and exposes flush, reply start, first-sample time and drain state.
//! The sink (speakers or a WAV file) runs on its own worker thread; see `sink.rs`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ringbuf::traits::Producer;
use ringbuf::{HeapProd, HeapRb};

use super::clock;
use super::device::EventTx;
use super::echo_ref::EchoReference;
use super::error::AudioError;
use super::playout::{PlaybackCallbackState, PlaybackShared};
use super::resample::check_rate;
use super::sink::{self, SinkSpec};

#[derive(Debug, Clone)]
pub struct PlayerOptions {
    /// The declared rate of the linear16 audio that will be pushed.
    pub sample_rate: u32,
    pub sink: SinkSpec,
    pub events: EventTx,
    /// A running output stream with no callback for this long is treated as dead.
    pub stall_timeout: Duration,
    /// Where the output callback copies what it plays, for the echo canceller.
    pub reference: Option<Arc<EchoReference>>,
}

impl PlayerOptions {
    pub fn new(sample_rate: u32, sink: SinkSpec) -> Self {
        PlayerOptions {
            sample_rate,
            sink,
            events: None,
            stall_timeout: Duration::from_secs(3),
            reference: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PlaybackStats {
    pub underruns: u64,
}

/// Producer side of the queue, shared with the sink worker that tops the ring up.
pub(crate) struct Feed {
    prod: HeapProd<f32>,
    backlog: VecDeque<f32>,
    /// Ring position after the last sample pushed into the ring.
    pushed: u64,
}

impl Feed {
    /// Moves as much of the backlog into the ring as fits.
    pub(crate) fn top_up(&mut self) {
        let (a, b) = self.backlog.as_slices();
        let mut n = self.prod.push_slice(a);
        if n == a.len() {
            n += self.prod.push_slice(b);
        }
        self.backlog.drain(..n);
        self.pushed += n as u64;
    }

    fn queued_end(&self) -> u64 {
        self.pushed + self.backlog.len() as u64
    }
}

pub(crate) type SharedFeed = Arc<Mutex<Feed>>;

pub(crate) fn lock(feed: &SharedFeed) -> std::sync::MutexGuard<'_, Feed> {
    // A panic elsewhere while holding the lock leaves a consistent queue: keep going.
    feed.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the worker thread shares with the player.
pub(crate) struct SinkLink {
    pub feed: SharedFeed,
    pub rb: Arc<HeapRb<f32>>,
    pub shared: Arc<PlaybackShared>,
    pub stop: Arc<AtomicBool>,
    pub error: Arc<Mutex<Option<String>>>,
    pub reference: Option<Arc<EchoReference>>,
}

/// Ring capacity in seconds of audio at the declared rate; the backlog takes the rest.
const RING_SECONDS: usize = 2;

pub struct Player {
    rate: u32,
    feed: SharedFeed,
    shared: Arc<PlaybackShared>,
    carry: Option<u8>,
    stop: Arc<AtomicBool>,
    error: Arc<Mutex<Option<String>>>,
    device: String,
    worker: Option<JoinHandle<Result<(), AudioError>>>,
}

impl Player {
    /// Opens the sink and starts its worker. Fails (without panicking) if the device cannot be
    /// opened or the file cannot be created.
    pub fn new(opts: PlayerOptions) -> Result<Self, AudioError> {
        let (mut player, mut link) = Self::parts(opts.sample_rate)?;
        link.reference = opts.reference.clone();
        let (worker, device) = sink::spawn(opts, link)?;
        player.worker = Some(worker);
        player.device = device;
        Ok(player)
    }

    /// A player without a sink: the caller plays the device, calling `playout::on_output` on
    /// the returned state at `device_rate` and `pump` to move the backlog into the ring. Used
    /// by tests and the benchmark to drive the very code the real callback runs.
    pub fn manual(sample_rate: u32, device_rate: u32) -> Result<(Self, PlaybackCallbackState), AudioError> {
        let (player, link) = Self::parts(sample_rate)?;
        let state = PlaybackCallbackState::new(link.rb, link.shared, sample_rate, device_rate)?;
        Ok((player, state))
    }

    fn parts(sample_rate: u32) -> Result<(Self, SinkLink), AudioError> {
        check_rate(sample_rate)?;
        clock::init();
        let rb = Arc::new(HeapRb::<f32>::new(sample_rate as usize * RING_SECONDS));
        let feed = Arc::new(Mutex::new(Feed {
            prod: HeapProd::new(rb.clone()),
            backlog: VecDeque::new(),
            pushed: 0,
        }));
        let shared = Arc::new(PlaybackShared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let error = Arc::new(Mutex::new(None));
        let link = SinkLink {
            feed: feed.clone(),
            rb,
            shared: shared.clone(),
            stop: stop.clone(),
            error: error.clone(),
            reference: None,
        };
        let player = Player {
            rate: sample_rate,
            feed,
            shared,
            carry: None,
            stop,
            error,
            device: "manual".into(),
            worker: None,
        };
        Ok((player, link))
    }

    /// The counters the callback publishes (for the benchmark).
    #[cfg(feature = "bench")]
    pub(crate) fn shared_for_bench(&self) -> Arc<PlaybackShared> {
        self.shared.clone()
    }

    /// Moves queued audio into the ring (the sink worker does this every few milliseconds).
    pub fn pump(&self) {
        lock(&self.feed).top_up();
    }

    /// The declared rate of the pushed audio.
    pub fn sample_rate(&self) -> u32 {
        self.rate
    }

    /// Name of the device (or file) playing.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Queues mono linear16 little-endian audio. A chunk may end in the middle of a sample: the
    /// odd byte is kept and joined with the first byte of the next chunk.
    pub fn push_linear16(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        let mut samples = Vec::with_capacity(bytes.len() / 2 + 1);
        if let (Some(lo), Some((&hi, tail))) = (self.carry, rest.split_first()) {
            samples.push(f32::from(i16::from_le_bytes([lo, hi])) / 32768.0);
            self.carry = None;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        samples.extend(pairs.by_ref().map(|p| f32::from(i16::from_le_bytes([p[0], p[1]])) / 32768.0));
        if let [odd] = pairs.remainder() {
            self.carry = Some(*odd);
        }
        let mut feed = lock(&self.feed);
        feed.backlog.extend(samples);
        feed.top_up();
    }

    /// Marks the start of a new reply: `first_sample_played_at` will report when the first
    /// sample pushed from now on leaves the output callback.
    pub fn begin_reply(&mut self) {
        self.carry = None;
        let feed = lock(&self.feed);
        let s = &self.shared;
        s.reply_armed.store(false, Ordering::Release);
        s.first_played_ns.store(0, Ordering::Release);
        s.reply_start.store(feed.queued_end(), Ordering::Release);
        s.reply_gen.fetch_add(1, Ordering::AcqRel);
        s.reply_armed.store(true, Ordering::Release);
    }

    /// Barge-in: drops everything queued. The next output callback discards what is in the ring
    /// and plays silence (or audio pushed after this call).
    pub fn flush(&mut self) {
        self.carry = None;
        let mut feed = lock(&self.feed);
        feed.backlog.clear();
        let at = feed.pushed;
        let s = &self.shared;
        s.flush_at.store(at, Ordering::Release);
        s.reply_start.fetch_min(at, Ordering::AcqRel);
        s.flush_gen.fetch_add(1, Ordering::AcqRel);
    }

    /// When the first sample of the current reply left the output callback.
    pub fn first_sample_played_at(&self) -> Option<Instant> {
        clock::from_ns(self.shared.first_played_ns.load(Ordering::Acquire))
    }

    /// Nothing queued is left to play: every pushed sample was played (or flushed).
    pub fn is_drained(&self) -> bool {
        let feed = lock(&self.feed);
        let s = &self.shared;
        let done = s.played_through.load(Ordering::Acquire).max(s.flush_at.load(Ordering::Acquire));
        feed.backlog.is_empty() && done >= feed.pushed
    }

    pub fn stats(&self) -> PlaybackStats {
        PlaybackStats { underruns: self.shared.underruns.load(Ordering::Relaxed) }
    }

    /// Set when the sink stopped for good (no device left, or the file failed).
    pub fn error(&self) -> Option<String> {
        self.error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits (blocking) until drained, the sink failed, or `timeout` passed; true if drained.
    pub fn wait_drained(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if self.is_drained() {
                return true;
            }
            if self.error().is_some() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.is_drained()
    }

    /// Stops the sink and reports how it ended (a WAV sink finalises its file here).
    pub fn close(mut self) -> Result<(), AudioError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), AudioError> {
        self.stop.store(true, Ordering::Release);
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(AudioError::Stopped("playback worker panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::warn!(error = %e, "playback sink ended with an error");
        }
    }
}
