//! The local voice end to end: the built binary with no key, the real models, and speech made
//! by two different voices (espeak-ng, and Piper through the product's own synthesiser).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use companion::config::Settings;
use companion::local::{ModelPaths, Synthesizer, Transcriber};
use serde_json::Value;

use super::cli_kit::{companion, Run};
use super::speech::sox;

/// The installed models: `COMPANION_MODELS_DIR`, else the default data dir's. CI installs them
/// (`scripts/install-models`); a missing model fails the test with the install hint.
pub fn models_dir() -> PathBuf {
    let dir = std::env::var_os("COMPANION_MODELS_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("flux-companion").join("models")))
        .expect("no data dir");
    if let Err(e) = ModelPaths::open(&dir) {
        panic!("the local voice tests need the models: {e}");
    }
    dir
}

pub fn model_paths() -> ModelPaths {
    ModelPaths::open(&models_dir()).unwrap()
}

pub struct LocalEnv {
    pub dir: tempfile::TempDir,
    pub tz: Tz,
}

impl LocalEnv {
    /// A data dir whose user lives in `tz` (not UTC, so times are proven to be read there).
    pub fn new(tz: &str) -> LocalEnv {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let mut settings = Settings::default();
        settings.user.timezone = tz.into();
        settings.save(&data).unwrap();
        LocalEnv { dir, tz: tz.parse().unwrap() }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out.wav")
    }

    /// `companion talk --input WAV --output out.wav --json` with no key at all.
    pub async fn talk(&self, wav: &Path, extra: &[&str]) -> Run {
        let out = self.out();
        let mut args =
            vec!["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap(), "--json"];
        args.extend(extra);
        let models = models_dir();
        companion(&self.data(), &[("COMPANION_MODELS_DIR", models.to_str().unwrap())], &args).await
    }

    pub async fn list(&self, what: &str) -> Vec<Value> {
        let run = companion(&self.data(), &[], &[what, "list", "--json"]).await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json().as_array().cloned().unwrap_or_default()
    }

    pub async fn session(&self, id: &str) -> Value {
        let run = companion(&self.data(), &[], &["sessions", "show", id, "--json"]).await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.json()
    }

    /// `days` from today at `h:m` in the user's timezone, as an instant.
    pub fn local_at(&self, days: u64, h: u32, m: u32) -> DateTime<Utc> {
        let day = Utc::now().with_timezone(&self.tz).date_naive() + Days::new(days);
        let t = day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap());
        self.tz.from_local_datetime(&t).earliest().unwrap().with_timezone(&Utc)
    }
}

/// A stored time as an instant.
pub fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

/// espeak-ng at the pace and word gap a person dictating to a computer uses (its default 175
/// words a minute runs "tomorrow" into "to follow" for the recogniser).
pub fn espeak_wav(dir: &Path, parts: &[(f32, &str)], tail: f32) -> PathBuf {
    super::speech::make_with(dir, &["-v", "en-us", "-s", "135", "-g", "4"], parts, tail)
}

/// The share of 20 ms frames between `from` and `to` seconds of a WAV that carry sound.
pub fn voiced_share(path: &Path, from: f32, to: f32) -> f32 {
    let (s, rate) = super::speech::samples(path);
    let frame = rate as usize / 50;
    let (a, b) = ((from * rate as f32) as usize, ((to * rate as f32) as usize).min(s.len()));
    let frames: Vec<bool> =
        s.get(a..b).unwrap_or_default().chunks(frame).map(|f| f.iter().any(|v| v.abs() > 300)).collect();
    frames.iter().filter(|v| **v).count() as f32 / frames.len().max(1) as f32
}

/// When sound first starts at or after `from` seconds.
pub fn first_sound_after(path: &Path, from: f32) -> Option<f32> {
    let (s, rate) = super::speech::samples(path);
    let start = (from * rate as f32) as usize;
    s.iter().skip(start).position(|v| v.abs() > 300).map(|i| (start + i) as f32 / rate as f32)
}

/// Like `speech::make`, in Piper's voice: utterances after `gap` seconds of silence each, then
/// `tail` seconds, at 48 kHz stereo.
pub fn piper_wav(dir: &Path, parts: &[(f32, &str)], tail: f32) -> PathBuf {
    // Piper varies each sentence at random; test speech is the same every run.
    let mut tts = Synthesizer::load(&model_paths()).unwrap().without_variation();
    let rate = tts.sample_rate();
    let mut all: Vec<f32> = Vec::new();
    for (gap, text) in parts {
        all.extend(std::iter::repeat_n(0.0, (gap * rate as f32) as usize));
        all.extend(tts.synthesize(text).unwrap());
    }
    all.extend(std::iter::repeat_n(0.0, (tail * rate as f32) as usize));
    let raw = dir.join("piper-raw.wav");
    write_mono(&raw, &all, rate);
    let out = dir.join("piper.wav");
    sox(&[raw.to_str().unwrap(), "-r", "48000", "-c", "2", "-b", "16", out.to_str().unwrap()]);
    out
}

pub fn write_mono(path: &Path, samples: &[f32], rate: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for s in samples {
        w.write_sample((s * 32767.0).clamp(-32768.0, 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

/// What the output WAV says, transcribed back with the same speech recogniser.
pub fn transcribe(path: &Path) -> String {
    let mono16k = path.with_extension("16k.wav");
    sox(&[path.to_str().unwrap(), "-r", "16000", "-c", "1", "-b", "16", mono16k.to_str().unwrap()]);
    let mut r = hound::WavReader::open(&mono16k).unwrap();
    let samples: Vec<f32> = r.samples::<i16>().map(|s| f32::from(s.unwrap()) / 32768.0).collect();
    let mut stt = Transcriber::load(&model_paths()).unwrap();
    // Moonshine takes utterances, not a whole conversation: transcribe the voiced stretches.
    let mut text = String::new();
    for (start, end) in voiced_spans(&samples, 16_000) {
        text.push_str(&stt.transcribe(&samples[start..end]).unwrap());
        text.push(' ');
    }
    text.to_lowercase()
}

/// Stretches with sound in them, split at 300 ms of silence.
pub fn voiced_spans(samples: &[f32], rate: usize) -> Vec<(usize, usize)> {
    let frame = rate / 50;
    let mut spans = Vec::new();
    let (mut start, mut quiet) = (None, 0);
    for (i, f) in samples.chunks(frame).enumerate() {
        let loud = f.iter().any(|s| s.abs() > 0.01);
        match (start, loud) {
            (None, true) => (start, quiet) = (Some(i * frame), 0),
            (Some(_), true) => quiet = 0,
            (Some(s), false) => {
                quiet += 1;
                if quiet == 15 {
                    spans.push((s, (i + 1) * frame));
                    start = None;
                }
            }
            (None, false) => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, samples.len()));
    }
    spans
}
