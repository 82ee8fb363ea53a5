//! The soak's input: a long WAV of speech-like bursts.

use std::path::Path;

pub(super) const RATE: u32 = 16_000;

/// `seconds` of 16 kHz mono: every 6 s, 1.5 s of a 220 Hz tone with harmonics (speech-band
/// energy the voice activity detector takes for speech), silence between. 6 s hold a whole
/// number of cycles of every harmonic, so one period is computed and written again and again.
pub(super) fn write_wav(path: &Path, seconds: u64) -> anyhow::Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let period = (RATE * 6) as u64;
    let burst = (RATE * 3 / 2) as u64;
    let one: Vec<i16> = (0..period)
        .map(|n| {
            if n >= burst {
                return 0;
            }
            let t = n as f64 / RATE as f64;
            let s: f64 =
                (1..=4).map(|k| (2.0 * std::f64::consts::PI * 220.0 * k as f64 * t).sin() / k as f64).sum();
            (s * 6000.0) as i16
        })
        .collect();
    let mut w = hound::WavWriter::create(path, spec)?;
    for n in 0..seconds * RATE as u64 {
        w.write_sample(one[(n % period) as usize])?;
    }
    w.finalize()?;
    Ok(())
}
