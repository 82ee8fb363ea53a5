//! Non-device audio sources: WAV files (any common rate, channel count and sample format) and
//! generated signals. Both hand out interleaved `f32` blocks at their own rate and channel
//! count, so capture runs them through the very same ring, down-mix and framer as a microphone.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::AudioError;
use super::resample::check_rate;
use super::speedup::Speedup;

/// How a non-device source is paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// One 10 ms block per 10 ms of wall time divided by the factor: [`Pace::REAL_TIME`] like a
    /// microphone, faster for a sped-up conversation in load runs.
    Times(Speedup),
    /// As fast as the consumer takes frames (lossless: the framer waits for the consumer).
    Fast,
}

impl Pace {
    /// One 10 ms block per 10 ms of wall time, like a microphone.
    pub const REAL_TIME: Pace = Pace::Times(Speedup::REAL_TIME);

    /// Wall time between two blocks of `block` audio; `None` when unpaced.
    pub fn period(self, block: Duration) -> Option<Duration> {
        match self {
            Pace::Times(speedup) => Some(speedup.wall(block)),
            Pace::Fast => None,
        }
    }
}

impl Default for Pace {
    fn default() -> Self {
        Pace::REAL_TIME
    }
}

/// Interleaved audio in blocks.
pub trait Feed: Send {
    fn sample_rate(&self) -> u32;
    fn channels(&self) -> u16;
    /// Fills `out` with whole frames; returns the number of samples written, 0 at the end.
    fn read(&mut self, out: &mut [f32]) -> Result<usize, AudioError>;
}

pub struct WavFeed {
    path: PathBuf,
    reader: Reader,
    spec: hound::WavSpec,
    duration: Duration,
}

/// 16-bit PCM (by far the most common WAV) is decoded straight from the data chunk in blocks:
/// hound's per-sample iterator is the slowest step of a file run otherwise.
enum Reader {
    Hound(hound::WavReader<BufReader<File>>),
    Pcm16 { inner: BufReader<File>, samples_left: u64, bytes: Vec<u8> },
}

impl WavFeed {
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AudioError> {
        let path = path.as_ref().to_path_buf();
        let reader = hound::WavReader::open(&path).map_err(|e| AudioError::wav(&path, e))?;
        let spec = reader.spec();
        check_rate(spec.sample_rate)?;
        let ok_bits = match spec.sample_format {
            hound::SampleFormat::Float => spec.bits_per_sample == 32,
            hound::SampleFormat::Int => (8..=32).contains(&spec.bits_per_sample),
        };
        if !ok_bits || spec.channels == 0 {
            return Err(AudioError::InvalidFormat(format!(
                "{}: unsupported WAV format ({} channels, {} bits {:?})",
                path.display(),
                spec.channels,
                spec.bits_per_sample,
                spec.sample_format
            )));
        }
        let duration = Duration::from_secs_f64(f64::from(reader.duration()) / f64::from(spec.sample_rate));
        let reader = if spec.sample_format == hound::SampleFormat::Int && spec.bits_per_sample == 16 {
            let samples_left = u64::from(reader.len());
            Reader::Pcm16 { inner: reader.into_inner(), samples_left, bytes: Vec::new() }
        } else {
            Reader::Hound(reader)
        };
        Ok(WavFeed { path, reader, spec, duration })
    }

    /// Length of the file in time.
    pub fn duration(&self) -> Duration {
        self.duration
    }
}

impl Feed for WavFeed {
    fn sample_rate(&self) -> u32 {
        self.spec.sample_rate
    }

    fn channels(&self) -> u16 {
        self.spec.channels
    }

    fn read(&mut self, out: &mut [f32]) -> Result<usize, AudioError> {
        let ch = usize::from(self.spec.channels);
        let want = out.len() / ch * ch;
        let path = &self.path;
        let n = match &mut self.reader {
            Reader::Pcm16 { inner, samples_left, bytes } => {
                let n = want.min(usize::try_from(*samples_left).unwrap_or(usize::MAX));
                bytes.resize(n * 2, 0);
                // A file cut short ends the stream where the data ends.
                let got = read_full(inner, bytes).map_err(|e| AudioError::wav(path, e.into()))?;
                let n = got / 2;
                *samples_left = if got < bytes.len() { 0 } else { *samples_left - n as u64 };
                for (o, b) in out.iter_mut().zip(bytes[..n * 2].chunks_exact(2)) {
                    *o = f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0;
                }
                n
            }
            Reader::Hound(reader) => {
                let mut n = 0;
                if self.spec.sample_format == hound::SampleFormat::Float {
                    for s in reader.samples::<f32>().take(want) {
                        out[n] = s.map_err(|e| AudioError::wav(path, e))?;
                        n += 1;
                    }
                } else {
                    let scale = 1.0 / (1u64 << (self.spec.bits_per_sample - 1)) as f32;
                    for s in reader.samples::<i32>().take(want) {
                        out[n] = s.map_err(|e| AudioError::wav(path, e))? as f32 * scale;
                        n += 1;
                    }
                }
                n
            }
        };
        // A truncated file can end mid-frame: drop the partial frame.
        Ok(n / ch * ch)
    }
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(r: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A generated test signal: a sum of sines, optionally of fixed length.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub sample_rate: u32,
    pub channels: u16,
    /// (frequency in Hz, linear amplitude) pairs.
    pub tones: Vec<(f32, f32)>,
    /// `None` runs forever.
    pub duration: Option<Duration>,
}

impl Signal {
    pub fn tone(sample_rate: u32, freq: f32, amp: f32, duration: Duration) -> Self {
        Signal { sample_rate, channels: 1, tones: vec![(freq, amp)], duration: Some(duration) }
    }

    pub fn feed(self) -> Result<SignalFeed, AudioError> {
        check_rate(self.sample_rate)?;
        if self.channels == 0 {
            return Err(AudioError::InvalidFormat("a signal needs a channel".into()));
        }
        let total = self.duration.map(|d| (d.as_secs_f64() * f64::from(self.sample_rate)).round() as u64);
        Ok(SignalFeed { signal: self, pos: 0, total })
    }

    /// The signal's mono samples (all of them; for tests and fixtures).
    pub fn render(&self) -> Vec<f32> {
        let n = self.duration.map_or(0, |d| (d.as_secs_f64() * f64::from(self.sample_rate)).round() as u64);
        (0..n).map(|i| self.at(i)).collect()
    }

    fn at(&self, i: u64) -> f32 {
        let t = i as f64 / f64::from(self.sample_rate);
        self.tones
            .iter()
            .map(|&(f, a)| a * (2.0 * std::f64::consts::PI * f64::from(f) * t).sin() as f32)
            .sum()
    }
}

pub struct SignalFeed {
    signal: Signal,
    pos: u64,
    total: Option<u64>,
}

impl Feed for SignalFeed {
    fn sample_rate(&self) -> u32 {
        self.signal.sample_rate
    }

    fn channels(&self) -> u16 {
        self.signal.channels
    }

    fn read(&mut self, out: &mut [f32]) -> Result<usize, AudioError> {
        let ch = usize::from(self.signal.channels);
        let mut frames = (out.len() / ch) as u64;
        if let Some(total) = self.total {
            frames = frames.min(total - self.pos);
        }
        for (k, frame) in out.chunks_exact_mut(ch).take(frames as usize).enumerate() {
            frame.fill(self.signal.at(self.pos + k as u64));
        }
        self.pos += frames;
        Ok(frames as usize * ch)
    }
}

/// Reads a whole WAV file as mono `f32` (channels averaged) and its rate.
pub fn read_wav_mono(path: impl AsRef<Path>) -> Result<(Vec<f32>, u32), AudioError> {
    let mut feed = WavFeed::open(path)?;
    let ch = usize::from(feed.channels());
    let mut buf = vec![0.0; 4096 * ch];
    let mut out = Vec::new();
    loop {
        let n = feed.read(&mut buf)?;
        if n == 0 {
            break;
        }
        out.extend(buf[..n].chunks_exact(ch).map(|f| f.iter().sum::<f32>() / ch as f32));
    }
    Ok((out, feed.sample_rate()))
}

/// Writes mono 16-bit PCM.
pub fn write_wav_i16(path: impl AsRef<Path>, sample_rate: u32, samples: &[i16]) -> Result<(), AudioError> {
    let path = path.as_ref();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).map_err(|e| AudioError::wav(path, e))?;
    for s in samples {
        w.write_sample(*s).map_err(|e| AudioError::wav(path, e))?;
    }
    w.finalize().map_err(|e| AudioError::wav(path, e))
}
