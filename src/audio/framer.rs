//! Cuts mono audio at the device rate into fixed frames at the agent's rate, as 16-bit PCM.

use super::error::AudioError;
use super::resample::MonoResampler;

/// What the consumer wants: mono frames of `frame_ms` at `sample_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSpec {
    pub sample_rate: u32,
    pub frame_ms: u32,
}

impl Default for FrameSpec {
    fn default() -> Self {
        FrameSpec { sample_rate: 16_000, frame_ms: 20 }
    }
}

impl FrameSpec {
    pub fn frame_len(&self) -> usize {
        (u64::from(self.sample_rate) * u64::from(self.frame_ms) / 1000) as usize
    }

    /// The agent accepts 8–48 kHz; frames from 5 to 200 ms keep latency and overhead sane.
    pub fn validate(&self) -> Result<(), AudioError> {
        if !(8_000..=48_000).contains(&self.sample_rate) {
            return Err(AudioError::InvalidFormat(format!(
                "target rate {} Hz is outside 8000..=48000",
                self.sample_rate
            )));
        }
        if !(5..=200).contains(&self.frame_ms) || self.frame_len() == 0 {
            return Err(AudioError::InvalidFormat(format!(
                "frame length {} ms is outside 5..=200",
                self.frame_ms
            )));
        }
        Ok(())
    }
}

/// One frame for the provider: mono linear16 little-endian at the stream's rate.
pub use crate::voice::Frame;

pub fn f32_to_i16(x: f32) -> i16 {
    (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16
}

pub fn i16_to_f32(x: i16) -> f32 {
    f32::from(x) / 32768.0
}

/// Resamples and frames. Not real-time code (it runs on the framer thread), but it reuses its
/// buffers, so steady-state operation does not allocate except for the frames it hands out.
pub struct Framer {
    spec: FrameSpec,
    frame_len: usize,
    resampler: MonoResampler,
    pending: Vec<f32>,
    frame: Vec<i16>,
}

impl Framer {
    pub fn new(input_rate: u32, spec: FrameSpec) -> Result<Self, AudioError> {
        spec.validate()?;
        let frame_len = spec.frame_len();
        let resampler = MonoResampler::new(input_rate, spec.sample_rate)?;
        let cap = frame_len * 4 + resampler.max_output_for(input_rate as usize / 10);
        Ok(Framer {
            spec,
            frame_len,
            resampler,
            pending: Vec::with_capacity(cap),
            frame: Vec::with_capacity(frame_len),
        })
    }

    pub fn spec(&self) -> FrameSpec {
        self.spec
    }

    pub fn input_rate(&self) -> u32 {
        self.resampler.in_rate()
    }

    /// Switches to a new input rate (a different device): the old resampler's tail is emitted
    /// first so no audio that already arrived is lost.
    pub fn set_input_rate(&mut self, rate: u32, emit: &mut impl FnMut(&[i16])) -> Result<(), AudioError> {
        if rate == self.resampler.in_rate() {
            return Ok(());
        }
        let next = MonoResampler::new(rate, self.spec.sample_rate)?;
        self.resampler.finish(&mut self.pending)?;
        self.resampler = next;
        self.drain(emit);
        Ok(())
    }

    /// Feeds mono samples at the input rate; `emit` gets every frame completed by them.
    pub fn push(&mut self, input: &[f32], emit: &mut impl FnMut(&[i16])) -> Result<(), AudioError> {
        self.resampler.process(input, &mut self.pending)?;
        self.drain(emit);
        Ok(())
    }

    /// End of stream: flushes the resampler and emits the last frame, padded with silence.
    pub fn finish(&mut self, emit: &mut impl FnMut(&[i16])) -> Result<(), AudioError> {
        self.resampler.finish(&mut self.pending)?;
        self.drain(emit);
        if !self.pending.is_empty() {
            self.pending.resize(self.frame_len, 0.0);
            self.drain(emit);
        }
        Ok(())
    }

    fn drain(&mut self, emit: &mut impl FnMut(&[i16])) {
        let mut start = 0;
        while self.pending.len() - start >= self.frame_len {
            self.frame.clear();
            self.frame.extend(self.pending[start..start + self.frame_len].iter().map(|&x| f32_to_i16(x)));
            emit(&self.frame);
            start += self.frame_len;
        }
        self.pending.drain(..start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::level::{dominant_frequency, rms};
    use crate::audio::resample::tests::sine;
    use std::time::{Duration, Instant};

    fn frames_of(input: &[f32], rate: u32, spec: FrameSpec, split: &[usize]) -> Vec<Vec<i16>> {
        let mut f = Framer::new(rate, spec).unwrap();
        let mut frames = Vec::new();
        let mut emit = |s: &[i16]| frames.push(s.to_vec());
        let mut rest = input;
        for &cut in split {
            let (a, b) = rest.split_at(cut.min(rest.len()));
            f.push(a, &mut emit).unwrap();
            rest = b;
        }
        f.push(rest, &mut emit).unwrap();
        f.finish(&mut emit).unwrap();
        frames
    }

    #[test]
    fn every_chunk_boundary_gives_the_same_frames() {
        // A ramp makes any duplicated, dropped or reordered sample visible.
        let spec = FrameSpec { sample_rate: 16_000, frame_ms: 20 };
        let input: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0 - 0.5).collect();
        let whole = frames_of(&input, 16_000, spec, &[]);
        assert_eq!(whole.len(), 4, "1000 samples = 3 full frames + 1 padded");
        assert!(whole.iter().all(|f| f.len() == 320));
        assert_eq!(whole[3][1000 - 960..], vec![0i16; 280][..]);
        for cut in 0..=input.len() {
            assert_eq!(frames_of(&input, 16_000, spec, &[cut]), whole, "cut at {cut}");
        }
        for step in [1usize, 7, 319, 320, 321] {
            let cuts = vec![step; input.len() / step + 1];
            assert_eq!(frames_of(&input, 16_000, spec, &cuts), whole, "step {step}");
        }
    }

    #[test]
    fn resampled_chunk_boundaries_do_not_change_the_output() {
        let spec = FrameSpec::default();
        let input = sine(48_000, 700.0, 0.3, 9_601);
        let whole = frames_of(&input, 48_000, spec, &[]);
        // 9601 samples at 48 kHz round to 3200 at 16 kHz: exactly ten frames.
        assert_eq!(whole.len(), 10);
        for cut in [1usize, 479, 480, 481, 959, 960, 4_799, 9_600] {
            assert_eq!(frames_of(&input, 48_000, spec, &[cut]), whole, "cut at {cut}");
        }
    }

    #[test]
    fn a_48k_sine_framed_to_16k_keeps_frequency_and_level() {
        let spec = FrameSpec::default();
        let amp = 0.25; // -12 dBFS
        let input = sine(48_000, 1000.0, amp, 48_000);
        let frames = frames_of(&input, 48_000, spec, &[441, 441, 441]);
        assert_eq!(frames.len(), 50);
        let out: Vec<f32> = frames.concat().into_iter().map(i16_to_f32).collect();
        let mid = &out[1600..14_400];
        assert_eq!(dominant_frequency(mid, 16_000, 100.0, 7900.0, 10.0), 1000.0);
        let expect = amp / 2f32.sqrt();
        assert!((rms(mid) - expect).abs() < 0.003, "rms {}", rms(mid));
    }

    #[test]
    fn frames_serialise_little_endian() {
        let f = Frame::from_samples(&[1, -2, 0x1234], Instant::now());
        assert_eq!(&f.pcm[..], &[1, 0, 0xfe, 0xff, 0x34, 0x12]);
        assert_eq!(f.samples().collect::<Vec<_>>(), vec![1, -2, 0x1234]);
        assert_eq!(f.duration(16_000), Duration::from_secs_f64(3.0 / 16_000.0));
    }

    #[test]
    fn conversions_clamp_and_round_trip() {
        assert_eq!(f32_to_i16(2.0), i16::MAX);
        assert_eq!(f32_to_i16(-2.0), i16::MIN);
        for x in [i16::MIN + 1, -1000, 0, 1, 12_345, i16::MAX] {
            assert!((f32_to_i16(i16_to_f32(x)) - x).abs() <= 1);
        }
    }

    #[test]
    fn bad_specs_are_rejected() {
        for (rate, ms) in [(4_000, 20), (96_000, 20), (16_000, 0), (16_000, 1000)] {
            let spec = FrameSpec { sample_rate: rate, frame_ms: ms };
            assert!(Framer::new(48_000, spec).is_err(), "{rate} {ms}");
        }
    }

    #[test]
    fn switching_input_rate_keeps_the_audio_flowing() {
        let spec = FrameSpec::default();
        let mut f = Framer::new(48_000, spec).unwrap();
        let mut n = 0usize;
        let mut emit = |s: &[i16]| n += s.len();
        f.push(&sine(48_000, 500.0, 0.2, 24_000), &mut emit).unwrap();
        f.set_input_rate(44_100, &mut emit).unwrap();
        f.push(&sine(44_100, 500.0, 0.2, 22_050), &mut emit).unwrap();
        f.finish(&mut emit).unwrap();
        assert_eq!(n, 16_000);
    }
}
