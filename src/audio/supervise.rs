//! Keeps a device stream alive: when it faults (cpal error callback) or stalls (no callback for
//! too long), the stream is dropped and the system default is opened instead, with a short,
//! bounded backoff. When nothing can be opened any more the worker stops with a clear error
//! instead of retrying forever (a device that is gone for good would otherwise be retried, and
//! logged, thousands of times a day).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::clock;
use super::device::{emit, AudioEvent, DeviceSel, EventTx};
use super::error::{AudioError, Direction};
use super::fault::Fault;

/// Consecutive failed opens of the default before giving up (backoff 0.25, 0.5, 1 s).
const MAX_REOPEN_ATTEMPTS: u32 = 4;
/// Extra time allowed before the very first callback: PulseAudio often stalls 0.8–2.5 s.
pub const STARTUP_GRACE: Duration = Duration::from_secs(5);

/// Builds a stream for a device's sample format: `$build!(T)` is expanded once per format cpal
/// can deliver, the rest is an `UnsupportedConfig` error for `$device`.
macro_rules! by_sample_format {
    ($format:expr, $device:expr, $build:ident) => {{
        use cpal::SampleFormat as F;
        match $format {
            F::F32 => $build!(f32),
            F::I16 => $build!(i16),
            F::I32 => $build!(i32),
            F::U16 => $build!(u16),
            F::U8 => $build!(u8),
            F::I8 => $build!(i8),
            F::F64 => $build!(f64),
            other => {
                return Err(AudioError::UnsupportedConfig {
                    device: $device,
                    detail: format!("sample format {other}"),
                })
            }
        }
    }};
}
pub(crate) use by_sample_format;

/// Why the stream in use looks dead, if it does. `last_callback_ns` is 0 before the first.
pub fn health(
    fault: Option<Fault>,
    last_callback_ns: u64,
    opened: Instant,
    stall: Duration,
) -> Option<String> {
    if let Some(fault) = fault {
        return Some(fault.reason().into());
    }
    match clock::from_ns(last_callback_ns) {
        None if opened.elapsed() > stall + STARTUP_GRACE => {
            Some(format!("no audio callback within {:?} of opening", stall + STARTUP_GRACE))
        }
        Some(at) if at.elapsed() > stall => Some(format!("no audio for {:?}", at.elapsed())),
        _ => None,
    }
}

/// Drops a stream on a helper thread and waits at most a second for it. When the audio server
/// dies, ALSA's pulse plugin can deadlock inside the stream's poll, and cpal's `Drop` joins that
/// thread forever: the dead stream is then left behind (one stuck thread) instead of hanging the
/// worker, which goes on to fall back or report the failure.
pub fn retire<S: Send + 'static>(stream: S) {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("audio-retire".into()).spawn(move || {
        drop(stream);
        let _ = tx.send(());
    });
    if spawned.is_ok() && rx.recv_timeout(Duration::from_secs(1)).is_err() {
        tracing::warn!("a dead audio stream did not close within 1 s; leaving it behind");
    }
}

pub struct Supervisor<'a> {
    pub direction: Direction,
    pub events: &'a EventTx,
    pub stop: &'a AtomicBool,
    pub error: &'a Mutex<Option<String>>,
}

impl Supervisor<'_> {
    /// Runs `run` on the open stream `first` (named `name`) until it returns `None` (stopped)
    /// or a fault reason; then reopens the default with `open` and goes on.
    pub fn run<S: Send + 'static>(
        &self,
        first: S,
        name: String,
        mut open: impl FnMut(&DeviceSel) -> Result<(S, String), AudioError>,
        mut run: impl FnMut(&mut S) -> Option<String>,
    ) -> Result<(), AudioError> {
        let (mut stream, mut name) = (first, name);
        loop {
            let Some(reason) = run(&mut stream) else {
                retire(stream);
                return Ok(());
            };
            tracing::warn!(direction = %self.direction, device = %name, %reason, "audio stream failed; falling back to the default device");
            retire(stream);
            let mut attempt = 0;
            let (next, next_name) = loop {
                if self.stop.load(Ordering::Acquire) {
                    return Ok(());
                }
                match open(&DeviceSel::Default) {
                    Ok(x) => break x,
                    Err(e) => {
                        attempt += 1;
                        if attempt >= MAX_REOPEN_ATTEMPTS {
                            return Err(self.fail(e));
                        }
                        self.sleep(Duration::from_millis(125 << attempt));
                    }
                }
            };
            emit(
                self.events,
                AudioEvent::FellBack { direction: self.direction, from: name, to: next_name.clone(), reason },
            );
            (stream, name) = (next, next_name);
        }
    }

    fn fail(&self, e: AudioError) -> AudioError {
        let msg = e.to_string();
        *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(msg.clone());
        emit(self.events, AudioEvent::Failed { direction: self.direction, error: msg });
        e
    }

    fn sleep(&self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end && !self.stop.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
