//! `CaptureStream`: 20 ms linear16 frames at the agent's rate, as an async stream.
//!
//! A worker thread owns the source. For a microphone that is a cpal input stream whose callback
//! (`ring::on_input`) pushes mono samples into a lock-free ring and unparks the worker; for a
//! WAV file or a generated signal the worker calls the same `on_input` itself, 10 ms at a time.
//! Either way the worker pops the ring, meters the level, frames and resamples, and sends each
//! frame on a bounded tokio channel. `next_frame` is a plain `recv`, hence cancel-safe.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::device::{DeviceSel, EventTx};
use super::echo::{EchoMode, EchoStage, EchoStats};
use super::echo_ref::EchoReference;
use super::error::AudioError;
use super::framer::{Frame, FrameSpec, Framer};
use super::level::LevelMeter;
use super::mic;
use super::pump::Pump;
use super::ring::{capture_ring_with, on_input, CaptureShared};
use super::source::{Feed, Pace, Signal, WavFeed};

#[derive(Debug, Clone)]
pub enum SourceSpec {
    Mic(DeviceSel),
    Wav { path: PathBuf, pace: Pace },
    Signal { signal: Signal, pace: Pace },
}

#[derive(Debug, Clone)]
pub struct CaptureOptions {
    pub source: SourceSpec,
    pub frame: FrameSpec,
    pub events: EventTx,
    /// A running input stream with no callback for this long is treated as dead.
    pub stall_timeout: Duration,
    /// Frames queued for a slow consumer before new ones are dropped (real-time sources only).
    pub queue_frames: usize,
    /// What to do about the playback heard by the microphone; `None`: nothing.
    pub echo: Option<EchoOptions>,
}

/// The echo stage of a capture stream: its mode and the player's reference.
#[derive(Debug, Clone)]
pub struct EchoOptions {
    pub mode: EchoMode,
    pub reference: Arc<EchoReference>,
    /// Set while the user holds push-to-talk: half-duplex muting is lifted so they can
    /// interrupt Flux.
    pub held: Option<Arc<AtomicBool>>,
}

impl EchoOptions {
    /// The stage for a source at `rate`, counting into `stats`, reporting to `events`.
    pub(crate) fn stage(&self, rate: u32, stats: &Arc<EchoStats>, events: &EventTx) -> EchoStage {
        EchoStage::new(self.mode, self.reference.reader(), rate, stats.clone())
            .with_events(events.clone())
            .with_hold(self.held.clone())
    }
}

impl CaptureOptions {
    pub fn new(source: SourceSpec, frame: FrameSpec) -> Self {
        CaptureOptions {
            source,
            frame,
            events: None,
            stall_timeout: Duration::from_secs(2),
            queue_frames: 250,
            echo: None,
        }
    }
}

/// State the worker shares with the stream handle.
pub(crate) struct CaptureLink {
    pub shared: Arc<CaptureShared>,
    pub queue_dropped: AtomicU64,
    /// Native rate of the source in use (for converting dropped samples into frames).
    pub native_rate: AtomicU64,
    pub stop: AtomicBool,
    pub error: Mutex<Option<String>>,
    pub meter: LevelMeter,
    pub echo: Arc<EchoStats>,
}

pub struct CaptureStream {
    rx: mpsc::Receiver<Frame>,
    spec: FrameSpec,
    link: Arc<CaptureLink>,
    source_name: String,
    worker: Option<JoinHandle<Result<(), AudioError>>>,
}

/// Ring capacity: two seconds at the native rate absorbs any scheduling hiccup of the worker.
pub(crate) fn ring_capacity(rate: u32) -> usize {
    rate as usize * 2
}

impl CaptureStream {
    /// Opens the source and starts the worker. Errors (no microphone, permission denied, bad
    /// file, bad frame spec) are returned here, never panicked.
    pub fn open(opts: CaptureOptions) -> Result<Self, AudioError> {
        opts.frame.validate()?;
        super::clock::init();
        let (tx, rx) = mpsc::channel(opts.queue_frames.max(1));
        let link = Arc::new(CaptureLink {
            shared: Arc::new(CaptureShared::default()),
            queue_dropped: AtomicU64::new(0),
            native_rate: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            error: Mutex::new(None),
            meter: LevelMeter::default(),
            echo: Arc::new(EchoStats::default()),
        });
        let spec = opts.frame;
        let (worker, source_name) = match opts.source.clone() {
            SourceSpec::Mic(sel) => mic::spawn(sel, opts, link.clone(), tx)?,
            SourceSpec::Wav { path, pace } => {
                let feed = WavFeed::open(&path)?;
                let name = path.display().to_string();
                (spawn_feed(Box::new(feed), pace, spec, link.clone(), tx, opts.echo, opts.events)?, name)
            }
            SourceSpec::Signal { signal, pace } => {
                let feed = signal.feed()?;
                (
                    spawn_feed(Box::new(feed), pace, spec, link.clone(), tx, opts.echo, opts.events)?,
                    "signal".into(),
                )
            }
        };
        Ok(CaptureStream { rx, spec, link, source_name, worker: Some(worker) })
    }

    /// Rate of the frames (the agent's input rate).
    pub fn sample_rate(&self) -> u32 {
        self.spec.sample_rate
    }

    pub fn frame_spec(&self) -> FrameSpec {
        self.spec
    }

    /// The next frame, `None` once the source has ended (or failed: see `error`). Cancel-safe.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        self.rx.recv().await
    }

    /// `next_frame` for callers outside an async runtime (the CLI).
    pub fn blocking_next_frame(&mut self) -> Option<Frame> {
        self.rx.blocking_recv()
    }

    /// Frames lost so far: ring overflow (converted from samples) plus a full frame queue.
    pub fn dropped_frames(&self) -> u64 {
        let samples = self.link.shared.dropped.load(Ordering::Relaxed);
        let rate = self.link.native_rate.load(Ordering::Relaxed).max(1);
        let per_frame = (rate * u64::from(self.spec.frame_ms) / 1000).max(1);
        samples.div_ceil(per_frame) + self.link.queue_dropped.load(Ordering::Relaxed)
    }

    /// Mono samples that did not fit the ring (the raw overflow counter).
    pub fn dropped_samples(&self) -> u64 {
        self.link.shared.dropped.load(Ordering::Relaxed)
    }

    /// RMS and peak of the input, updated about ten times a second.
    pub fn level(&self) -> LevelMeter {
        self.link.meter.clone()
    }

    /// What the echo stage measured (zeros when it is off or absent).
    pub fn echo_stats(&self) -> Arc<EchoStats> {
        self.link.echo.clone()
    }

    /// The device or file in use when the stream was opened.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Set when the source stopped for good (no device left, unreadable file).
    pub fn error(&self) -> Option<String> {
        self.link.error.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Stops the worker and reports how it ended.
    pub fn close(mut self) -> Result<(), AudioError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), AudioError> {
        self.link.stop.store(true, Ordering::Release);
        // Closing the receiver releases a worker blocked on a full queue (fast pacing).
        self.rx.close();
        while self.rx.try_recv().is_ok() {}
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(AudioError::Stopped("capture worker panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for CaptureStream {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::warn!(error = %e, "capture source ended with an error");
        }
    }
}

/// Runs a WAV or signal source on a worker thread, through the capture ring.
fn spawn_feed(
    mut feed: Box<dyn Feed>,
    pace: Pace,
    spec: FrameSpec,
    link: Arc<CaptureLink>,
    tx: mpsc::Sender<Frame>,
    echo: Option<EchoOptions>,
    events: EventTx,
) -> Result<JoinHandle<Result<(), AudioError>>, AudioError> {
    let rate = feed.sample_rate();
    let channels = feed.channels();
    let framer = Framer::new(rate, spec)?;
    link.native_rate.store(u64::from(rate), Ordering::Relaxed);
    std::thread::Builder::new()
        .name("audio-feed".into())
        .spawn(move || {
            let stage = echo.map(|e| e.stage(rate, &link.echo, &events));
            let r = run_feed(feed.as_mut(), pace, framer, channels, &link, tx, stage);
            if let Err(e) = &r {
                *link.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(e.to_string());
            }
            r
        })
        .map_err(|e| AudioError::Stopped(format!("cannot start capture thread: {e}")))
}

/// The imitated callback period of file and signal sources.
pub const FEED_BLOCK: Duration = Duration::from_millis(10);

fn run_feed(
    feed: &mut dyn Feed,
    pace: Pace,
    framer: Framer,
    channels: u16,
    link: &CaptureLink,
    tx: mpsc::Sender<Frame>,
    echo: Option<EchoStage>,
) -> Result<(), AudioError> {
    let rate = feed.sample_rate();
    let (mut st, mut cons) = capture_ring_with(link.shared.clone(), channels, ring_capacity(rate), None);
    let mut pump = Pump::new(framer, link.meter.clone(), tx, pace == Pace::Fast);
    pump.echo = echo;
    // Paced sources imitate a 10 ms callback; unpaced ones take bigger bites (fewer loop turns).
    let block = if pace == Pace::Fast { FEED_BLOCK * 10 } else { FEED_BLOCK };
    let block_frames = (rate as usize * block.as_millis() as usize / 1000).max(1);
    let mut block = vec![0.0f32; block_frames * usize::from(channels)];
    let period = pace.period(FEED_BLOCK);
    let mut next = Instant::now();
    while !link.stop.load(Ordering::Acquire) && !pump.closed {
        let n = feed.read(&mut block)?;
        if n == 0 {
            break;
        }
        on_input(&mut st, &block[..n]);
        pump.drain(&mut cons, link)?;
        if let Some(period) = period {
            // Due times, not sleeps, are added up: a late wake-up is made good, never carried.
            next += period;
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
    }
    pump.finish(link)
}
