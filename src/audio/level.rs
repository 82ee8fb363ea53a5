//! Level meter for the UI (RMS and peak, published about ten times a second) and the small
//! signal-analysis helpers tests and the CLI use to check what came through.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock;

/// Linear levels in 0.0..=1.0 (full scale).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Level {
    pub rms: f32,
    pub peak: f32,
}

impl Level {
    pub fn rms_dbfs(&self) -> f32 {
        to_dbfs(self.rms)
    }

    pub fn peak_dbfs(&self) -> f32 {
        to_dbfs(self.peak)
    }
}

pub fn to_dbfs(x: f32) -> f32 {
    20.0 * x.max(1e-10).log10()
}

/// A handle readable from any thread; the capture worker writes it.
#[derive(Debug, Clone, Default)]
pub struct LevelMeter {
    inner: Arc<MeterInner>,
}

#[derive(Debug, Default)]
struct MeterInner {
    rms: AtomicU32,
    peak: AtomicU32,
    updated_ns: AtomicU64,
}

impl LevelMeter {
    pub fn snapshot(&self) -> Level {
        Level {
            rms: f32::from_bits(self.inner.rms.load(Ordering::Relaxed)),
            peak: f32::from_bits(self.inner.peak.load(Ordering::Relaxed)),
        }
    }

    /// When the level was last published, if ever.
    pub fn updated_at(&self) -> Option<Instant> {
        clock::from_ns(self.inner.updated_ns.load(Ordering::Relaxed))
    }

    fn publish(&self, level: Level) {
        self.inner.rms.store(level.rms.to_bits(), Ordering::Relaxed);
        self.inner.peak.store(level.peak.to_bits(), Ordering::Relaxed);
        self.inner.updated_ns.store(clock::now_ns(), Ordering::Relaxed);
    }
}

/// Accumulates samples and publishes one `Level` per window of input audio (100 ms by default).
/// Windows are counted in samples, not wall time, so a WAV read faster than real time still
/// yields one reading per 100 ms of audio.
pub struct LevelAccumulator {
    meter: LevelMeter,
    window: usize,
    count: usize,
    sum_sq: f64,
    peak: f32,
}

pub const LEVEL_INTERVAL: Duration = Duration::from_millis(100);

impl LevelAccumulator {
    pub fn new(meter: LevelMeter, sample_rate: u32) -> Self {
        let window = (sample_rate as u128 * LEVEL_INTERVAL.as_millis() / 1000).max(1) as usize;
        LevelAccumulator { meter, window, count: 0, sum_sq: 0.0, peak: 0.0 }
    }

    /// Feeds samples; returns the last level completed during this call, if any.
    pub fn feed(&mut self, samples: &[f32]) -> Option<Level> {
        let mut done = None;
        for &s in samples {
            self.sum_sq += f64::from(s) * f64::from(s);
            self.peak = self.peak.max(s.abs());
            self.count += 1;
            if self.count == self.window {
                let level = Level { rms: (self.sum_sq / self.count as f64).sqrt() as f32, peak: self.peak };
                self.meter.publish(level);
                done = Some(level);
                self.count = 0;
                self.sum_sq = 0.0;
                self.peak = 0.0;
            }
        }
        done
    }
}

/// Power of `freq` in `samples` (Goertzel), normalised by length so different lengths compare.
pub fn goertzel_power(samples: &[f32], rate: u32, freq: f32) -> f32 {
    let w = 2.0 * std::f64::consts::PI * f64::from(freq) / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    (power / (samples.len().max(1) as f64).powi(2)) as f32
}

/// The strongest frequency between `lo` and `hi` Hz, scanned in `step` Hz steps.
pub fn dominant_frequency(samples: &[f32], rate: u32, lo: f32, hi: f32, step: f32) -> f32 {
    let mut best = (lo, f32::MIN);
    let mut f = lo;
    while f <= hi {
        let p = goertzel_power(samples, rate, f);
        if p > best.1 {
            best = (f, p);
        }
        f += step;
    }
    best.0
}

pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / samples.len() as f64).sqrt() as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::resample::tests::sine;

    #[test]
    fn publishes_once_per_100ms_of_audio() {
        let meter = LevelMeter::default();
        let mut acc = LevelAccumulator::new(meter.clone(), 16_000);
        assert!(acc.feed(&vec![0.25; 1599]).is_none());
        assert_eq!(meter.snapshot(), Level::default());
        let l = acc.feed(&[-0.5]).expect("window complete");
        assert_eq!(l.peak, 0.5);
        assert!((l.rms - 0.25).abs() < 0.001);
        assert_eq!(meter.snapshot(), l);
        assert!(meter.updated_at().is_some());
        let readings = (0..10).filter_map(|_| acc.feed(&vec![0.1; 1600])).count();
        assert_eq!(readings, 10);
    }

    #[test]
    fn sine_level_and_frequency_are_measured() {
        let x = sine(16_000, 440.0, 0.5, 16_000);
        assert!((rms(&x) - 0.3536).abs() < 0.001);
        assert!((to_dbfs(0.25) + 12.04).abs() < 0.01);
        assert_eq!(dominant_frequency(&x, 16_000, 100.0, 4000.0, 10.0), 440.0);
    }
}
