//! PCM16 LE mono between the session's rates and the API's 24 kHz, with the audio room's
//! resampler. Chunks may end mid-sample; the odd byte is kept for the next chunk.

use crate::audio::resample::MonoResampler;

pub(super) struct PcmConverter {
    resampler: Option<MonoResampler>,
    carry: Option<u8>,
    input: Vec<f32>,
    output: Vec<f32>,
}

impl PcmConverter {
    /// `None` when a rate is outside what the resampler supports.
    pub(super) fn new(from: u32, to: u32) -> Result<Self, String> {
        let resampler =
            if from == to { None } else { Some(MonoResampler::new(from, to).map_err(|e| e.to_string())?) };
        Ok(PcmConverter { resampler, carry: None, input: Vec::new(), output: Vec::new() })
    }

    /// Appends the converted samples of `bytes` to `out`.
    pub(super) fn convert(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        let Some(resampler) = self.resampler.as_mut() else {
            out.extend_from_slice(bytes);
            return;
        };
        self.input.clear();
        let mut rest = bytes;
        if let Some(first) = self.carry.take() {
            if let Some((&second, tail)) = rest.split_first() {
                self.input.push(f32::from(i16::from_le_bytes([first, second])) / 32768.0);
                rest = tail;
            } else {
                self.carry = Some(first);
                return;
            }
        }
        let pairs = rest.chunks_exact(2);
        self.carry = pairs.remainder().first().copied();
        self.input.extend(pairs.map(|p| f32::from(i16::from_le_bytes([p[0], p[1]])) / 32768.0));
        self.output.clear();
        if resampler.process(&self.input, &mut self.output).is_err() {
            return;
        }
        out.reserve(self.output.len() * 2);
        for s in &self.output {
            let v = (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            out.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// Forgets buffered audio (a flushed reply must not leak into the next one).
    pub(super) fn reset(&mut self) {
        self.carry = None;
        if let Some(r) = self.resampler.as_mut() {
            r.reset();
        }
    }
}
