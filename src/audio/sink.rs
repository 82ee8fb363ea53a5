//! Playback sinks, each on its own worker thread that owns the output "device":
//! - `Speaker`: a cpal output stream whose callback runs `playout::on_output`; the worker tops
//!   the ring up from the backlog and replaces a dead stream with the default device.
//! - `Wav`: the worker itself plays the part of the callback, every 10 ms of wall time (divided
//!   by its speed-up), and writes what came out to a WAV file: exactly what would have been heard.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use ringbuf::traits::Observer;

use super::device::{self, device_name, emit, AudioEvent, DeviceSel, EventTx};
use super::error::{AudioError, Direction};
use super::player::{lock, PlayerOptions, SinkLink};
use super::playout::{on_output, PlaybackCallbackState};
use super::speedup::Speedup;
use super::supervise::{by_sample_format, health, Supervisor};

/// Where played audio goes.
#[derive(Debug, Clone)]
pub enum SinkSpec {
    Speaker(DeviceSel),
    /// Writes what would have been heard (flushes included), mono 16-bit, at `sample_rate`
    /// (the imitated device rate; the player's own rate if `None`), as fast as `speedup` times
    /// real time: the pace of the WAV source feeding the same conversation.
    Wav {
        path: PathBuf,
        sample_rate: Option<u32>,
        speedup: Speedup,
    },
}

/// How often the worker moves backlog into the ring and checks the stream's health.
const TICK: Duration = Duration::from_millis(5);
/// The WAV sink's imitated callback period.
pub const WAV_PERIOD: Duration = Duration::from_millis(10);

type Ready = mpsc::SyncSender<Result<String, AudioError>>;

/// Starts the worker for `opts.sink`; returns once the sink is open (or failed to open).
pub(crate) fn spawn(
    opts: PlayerOptions,
    link: SinkLink,
) -> Result<(JoinHandle<Result<(), AudioError>>, String), AudioError> {
    let (ready_tx, ready_rx) = mpsc::sync_channel(1);
    let handle = std::thread::Builder::new()
        .name("audio-playback".into())
        .spawn(move || {
            let r = match opts.sink.clone() {
                SinkSpec::Wav { path, sample_rate, speedup } => run_wav(
                    &path,
                    (opts.sample_rate, sample_rate.unwrap_or(opts.sample_rate)),
                    speedup.wall(WAV_PERIOD),
                    &link,
                    &ready_tx,
                ),
                SinkSpec::Speaker(sel) => run_speaker(&opts, sel, &link, &ready_tx),
            };
            if let Err(e) = &r {
                // Also reaches a constructor still waiting, if the failure came first.
                let _ = ready_tx.try_send(Err(AudioError::Stopped(e.to_string())));
            }
            r
        })
        .map_err(|e| AudioError::Stopped(format!("cannot start playback thread: {e}")))?;
    match ready_rx.recv() {
        Ok(Ok(name)) => Ok((handle, name)),
        Ok(Err(e)) => {
            let _ = handle.join();
            Err(e)
        }
        Err(_) => Err(AudioError::Stopped("playback thread ended early".into())),
    }
}

/// Plays `in_rate` audio as an `out_rate` device would, one 10 ms period every `period`.
fn run_wav(
    path: &Path,
    (in_rate, out_rate): (u32, u32),
    period: Duration,
    link: &SinkLink,
    ready: &Ready,
) -> Result<(), AudioError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: out_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let opened = hound::WavWriter::create(path, spec).map_err(|e| AudioError::wav(path, e)).and_then(|w| {
        PlaybackCallbackState::new(link.rb.clone(), link.shared.clone(), in_rate, out_rate).map(|mut s| {
            if let Some(r) = &link.reference {
                s.set_reference(r);
            }
            (w, s)
        })
    });
    let (mut writer, mut state) = match opened {
        Ok(x) => x,
        Err(e) => {
            let _ = ready.send(Err(e));
            return Ok(());
        }
    };
    let _ = ready.send(Ok(path.display().to_string()));
    let frames = (out_rate as usize * WAV_PERIOD.as_millis() as usize / 1000).max(1);
    let mut buf = vec![0i16; frames];
    let mut next = Instant::now();
    while !link.stop.load(Ordering::Acquire) {
        lock(&link.feed).top_up();
        on_output(&mut state, &mut buf, 1);
        for s in &buf {
            writer.write_sample(*s).map_err(|e| AudioError::wav(path, e))?;
        }
        next += period;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    writer.finalize().map_err(|e| AudioError::wav(path, e))
}

struct Running {
    /// Kept alive while the worker watches it; dropping it stops the callback.
    _stream: cpal::Stream,
    opened: Instant,
}

fn run_speaker(
    opts: &PlayerOptions,
    sel: DeviceSel,
    link: &SinkLink,
    ready: &Ready,
) -> Result<(), AudioError> {
    let open = |sel: &DeviceSel| open_output(sel, opts.sample_rate, link, &opts.events);
    let (first, name) = match open(&sel) {
        Ok(x) => x,
        Err(e) => {
            let _ = ready.send(Err(e));
            return Ok(());
        }
    };
    let _ = ready.send(Ok(name.clone()));
    let sup = Supervisor {
        direction: Direction::Output,
        events: &opts.events,
        stop: &link.stop,
        error: &link.error,
    };
    let stall = opts.stall_timeout;
    sup.run(first, name, open, |r: &mut Running| loop {
        if link.stop.load(Ordering::Acquire) {
            return None;
        }
        std::thread::sleep(TICK);
        lock(&link.feed).top_up();
        let s = &link.shared;
        if let Some(why) = health(s.fault.get(), s.last_callback_ns.load(Ordering::Acquire), r.opened, stall)
        {
            return Some(why);
        }
    })
}

fn open_output(
    sel: &DeviceSel,
    in_rate: u32,
    link: &SinkLink,
    events: &EventTx,
) -> Result<(Running, String), AudioError> {
    let dev = device::find(sel, Direction::Output)?;
    let name = device_name(&dev);
    let supported = device::default_config(&dev, Direction::Output)?;
    let rate = supported.sample_rate();
    let channels = supported.channels();
    // The previous stream's callback (which holds the ring's consumer) is gone once its stream
    // is dropped; this guards against a backend that lets it linger.
    let t0 = Instant::now();
    while link.rb.read_is_held() {
        if t0.elapsed() > Duration::from_secs(1) {
            return Err(AudioError::Stopped("previous output stream did not close".into()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut state = PlaybackCallbackState::new(link.rb.clone(), link.shared.clone(), in_rate, rate)?;
    if let Some(r) = &link.reference {
        state.set_reference(r);
    }
    link.shared.fault.clear();
    link.shared.last_callback_ns.store(0, Ordering::Release);
    let faults = link.shared.clone();
    let on_err = move |e: cpal::Error| faults.fault.record(&e);
    let ch = usize::from(channels);
    let config = supported.config();
    macro_rules! build {
        ($t:ty) => {
            dev.build_output_stream::<$t, _, _>(
                config,
                move |d: &mut [$t], _: &cpal::OutputCallbackInfo| on_output(&mut state, d, ch),
                on_err,
                None,
            )
        };
    }
    let stream = by_sample_format!(supported.sample_format(), name, build)
        .map_err(|e| AudioError::from_cpal(&name, Direction::Output, &e))?;
    stream.play().map_err(|e| AudioError::from_cpal(&name, Direction::Output, &e))?;
    emit(
        events,
        AudioEvent::Started {
            direction: Direction::Output,
            device: name.clone(),
            sample_rate: rate,
            channels,
        },
    );
    let opened = Instant::now();
    Ok((Running { _stream: stream, opened }, name))
}
