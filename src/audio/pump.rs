//! The capture worker's half of the path: ring → level meter → framer → the consumer's queue.

use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio::sync::mpsc;

use super::capture::CaptureLink;
use super::echo::EchoStage;
use super::error::AudioError;
use super::framer::{Frame, Framer};
use super::level::{LevelAccumulator, LevelMeter};
use super::ring::{CaptureConsumer, PopCount};

/// Pops everything in the ring into the framer and sends the finished frames; `closed` is set
/// once the consumer is gone.
pub(crate) struct Pump {
    pub framer: Framer,
    pub level: LevelAccumulator,
    pub buf: Vec<f32>,
    pub tx: mpsc::Sender<Frame>,
    pub blocking: bool,
    pub closed: bool,
    /// Echo handling between the ring and the framer (microphones only).
    pub echo: Option<EchoStage>,
    popped: PopCount,
}

impl Pump {
    pub fn new(framer: Framer, meter: LevelMeter, tx: mpsc::Sender<Frame>, blocking: bool) -> Self {
        let level = LevelAccumulator::new(meter, framer.input_rate());
        Pump {
            framer,
            level,
            buf: vec![0.0; 4096],
            tx,
            blocking,
            closed: false,
            echo: None,
            popped: PopCount(0),
        }
    }

    pub fn drain(&mut self, cons: &mut CaptureConsumer, link: &CaptureLink) -> Result<(), AudioError> {
        loop {
            let rate = self.framer.input_rate();
            let (n, first_ns) = cons.pop_dated(&mut self.buf, rate, &mut self.popped);
            if n == 0 {
                return Ok(());
            }
            self.level.feed(&self.buf[..n]);
            let (tx, blocking, closed) = (&self.tx, self.blocking, &mut self.closed);
            let mut emit = |s: &[i16]| send(tx, blocking, closed, link, s);
            match self.echo.as_mut() {
                Some(echo) => {
                    let input = &self.buf[..n];
                    through(&mut self.framer, &mut emit, |out| echo.process(input, first_ns, out))?
                }
                None => self.framer.push(&self.buf[..n], &mut emit)?,
            }
        }
    }

    /// Switches to a source with another native rate, emitting what the old rate still held.
    pub fn set_input_rate(&mut self, rate: u32, link: &CaptureLink) -> Result<(), AudioError> {
        let (tx, blocking, closed) = (&self.tx, self.blocking, &mut self.closed);
        let mut emit = |s: &[i16]| send(tx, blocking, closed, link, s);
        if let Some(echo) = self.echo.as_mut() {
            through(&mut self.framer, &mut emit, |out| echo.set_mic_rate(rate, out))?;
        }
        self.framer.set_input_rate(rate, &mut emit)?;
        self.level = LevelAccumulator::new(link.meter.clone(), rate);
        Ok(())
    }

    pub fn finish(&mut self, link: &CaptureLink) -> Result<(), AudioError> {
        let (tx, blocking, closed) = (&self.tx, self.blocking, &mut self.closed);
        let mut emit = |s: &[i16]| send(tx, blocking, closed, link, s);
        if let Some(echo) = self.echo.as_mut() {
            through(&mut self.framer, &mut emit, |out| echo.finish(out))?;
        }
        self.framer.finish(&mut emit)
    }
}

/// Runs an echo-stage call whose output goes on into the framer; the first framer error wins.
fn through(
    framer: &mut Framer,
    emit: &mut impl FnMut(&[i16]),
    run: impl FnOnce(&mut dyn FnMut(&[f32])),
) -> Result<(), AudioError> {
    let mut failed = None;
    run(&mut |x: &[f32]| {
        if let Err(e) = framer.push(x, emit) {
            failed.get_or_insert(e);
        }
    });
    failed.map_or(Ok(()), Err)
}

/// What became of one frame handed to the consumer's queue.
enum Delivery {
    Queued,
    /// The queue was full (a real-time source never waits for a slow consumer); counted.
    Dropped,
    /// The consumer is gone: no later frame can be delivered either.
    ConsumerGone,
}

fn send(tx: &mpsc::Sender<Frame>, blocking: bool, closed: &mut bool, link: &CaptureLink, samples: &[i16]) {
    if *closed {
        return;
    }
    let frame = Frame::from_samples(samples, Instant::now());
    let delivery = if blocking {
        match tx.blocking_send(frame) {
            Ok(()) => Delivery::Queued,
            Err(_) => Delivery::ConsumerGone,
        }
    } else {
        match tx.try_send(frame) {
            Ok(()) => Delivery::Queued,
            Err(mpsc::error::TrySendError::Full(_)) => Delivery::Dropped,
            Err(mpsc::error::TrySendError::Closed(_)) => Delivery::ConsumerGone,
        }
    };
    match delivery {
        Delivery::Queued => {}
        Delivery::Dropped => {
            link.queue_dropped.fetch_add(1, Ordering::Relaxed);
        }
        Delivery::ConsumerGone => *closed = true,
    }
}
