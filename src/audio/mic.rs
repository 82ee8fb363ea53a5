//! The microphone source: a cpal input stream at the device's native rate and channel count,
//! owned by the capture worker, which also watches it and falls back to the default device.

use std::sync::atomic::Ordering;
use std::sync::{mpsc as std_mpsc, Arc};
use std::thread::{JoinHandle, Thread};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use tokio::sync::mpsc;

use super::capture::{ring_capacity, CaptureLink, CaptureOptions};
use super::device::{self, device_name, emit, AudioEvent, DeviceSel, EventTx};
use super::error::{AudioError, Direction};
use super::framer::{Frame, Framer};
use super::pump::Pump;
use super::ring::{capture_ring_with, on_input, CaptureConsumer, CaptureShared};
use super::supervise::{by_sample_format, health, Supervisor};

/// How long the worker sleeps when no callback wakes it (it is normally unparked per callback).
const IDLE_WAIT: Duration = Duration::from_millis(20);

pub(crate) struct Input {
    /// Kept alive while in use; dropping it stops the callback.
    _stream: cpal::Stream,
    cons: CaptureConsumer,
    rate: u32,
    opened: Instant,
}

pub(crate) fn spawn(
    sel: DeviceSel,
    opts: CaptureOptions,
    link: Arc<CaptureLink>,
    tx: mpsc::Sender<Frame>,
) -> Result<(JoinHandle<Result<(), AudioError>>, String), AudioError> {
    let (ready_tx, ready_rx) = std_mpsc::sync_channel::<Result<String, AudioError>>(1);
    let handle = std::thread::Builder::new()
        .name("audio-capture".into())
        .spawn(move || {
            let me = std::thread::current();
            let open = |sel: &DeviceSel| open_input(sel, &link.shared, me.clone(), &opts.events);
            let (first, name) = match open(&sel).and_then(|(i, n)| {
                let f = Framer::new(i.rate, opts.frame)?;
                Ok((i, n, f))
            }) {
                Ok((i, n, f)) => {
                    let _ = ready_tx.send(Ok(n.clone()));
                    ((i, f), n)
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return Ok(());
                }
            };
            let (input, framer) = first;
            link.native_rate.store(u64::from(input.rate), Ordering::Relaxed);
            let mut pump = Pump::new(framer, link.meter.clone(), tx, false);
            pump.echo = opts.echo.as_ref().map(|e| e.stage(input.rate, &link.echo, &opts.events));
            let sup = Supervisor {
                direction: Direction::Input,
                events: &opts.events,
                stop: &link.stop,
                error: &link.error,
            };
            let stall = opts.stall_timeout;
            let r = sup.run(input, name, open, |inp: &mut Input| run_input(inp, &mut pump, &link, stall));
            r.and_then(|()| pump.finish(&link))
        })
        .map_err(|e| AudioError::Stopped(format!("cannot start capture thread: {e}")))?;
    match ready_rx.recv() {
        Ok(Ok(name)) => Ok((handle, name)),
        Ok(Err(e)) => {
            let _ = handle.join();
            Err(e)
        }
        Err(_) => Err(AudioError::Stopped("capture thread ended early".into())),
    }
}

/// Frames what the callback delivers until stopped (`None`) or the stream looks dead.
fn run_input(inp: &mut Input, pump: &mut Pump, link: &CaptureLink, stall: Duration) -> Option<String> {
    if pump.framer.input_rate() != inp.rate {
        // A fallback device with another native rate: keep the framer, swap its resampler.
        if let Err(e) = pump.set_input_rate(inp.rate, link) {
            return Some(e.to_string());
        }
        link.native_rate.store(u64::from(inp.rate), Ordering::Relaxed);
    }
    loop {
        if link.stop.load(Ordering::Acquire) || pump.closed {
            let _ = pump.drain(&mut inp.cons, link);
            return None;
        }
        std::thread::park_timeout(IDLE_WAIT);
        if let Err(e) = pump.drain(&mut inp.cons, link) {
            return Some(e.to_string());
        }
        let s = &link.shared;
        if let Some(why) =
            health(s.fault.get(), s.last_callback_ns.load(Ordering::Acquire), inp.opened, stall)
        {
            let _ = pump.drain(&mut inp.cons, link);
            return Some(why);
        }
    }
}

fn open_input(
    sel: &DeviceSel,
    shared: &Arc<CaptureShared>,
    wake: Thread,
    events: &EventTx,
) -> Result<(Input, String), AudioError> {
    let dev = device::find(sel, Direction::Input)?;
    let name = device_name(&dev);
    let supported = device::default_config(&dev, Direction::Input)?;
    let rate = supported.sample_rate();
    let channels = supported.channels();
    let (mut state, cons) = capture_ring_with(shared.clone(), channels, ring_capacity(rate), Some(wake));
    shared.fault.clear();
    shared.last_callback_ns.store(0, Ordering::Release);
    let faults = shared.clone();
    let on_err = move |e: cpal::Error| faults.fault.record(&e);
    let config = supported.config();
    macro_rules! build {
        ($t:ty) => {
            dev.build_input_stream::<$t, _, _>(
                config,
                move |d: &[$t], _: &cpal::InputCallbackInfo| on_input(&mut state, d),
                on_err,
                None,
            )
        };
    }
    let stream = by_sample_format!(supported.sample_format(), name, build)
        .map_err(|e| AudioError::from_cpal(&name, Direction::Input, &e))?;
    stream.play().map_err(|e| AudioError::from_cpal(&name, Direction::Input, &e))?;
    emit(
        events,
        AudioEvent::Started {
            direction: Direction::Input,
            device: name.clone(),
            sample_rate: rate,
            channels,
        },
    );
    let input = Input { _stream: stream, cons, rate, opened: Instant::now() };
    Ok((input, name))
}
