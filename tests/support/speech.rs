//! Speech WAVs for end-to-end tests, made with espeak-ng and sox at 48 kHz stereo (like a
//! desktop microphone).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str, args: &[&str]) {
    let status = Command::new(name).args(args).status().unwrap_or_else(|e| {
        panic!("{name} is needed for the end-to-end tests (apt-get install espeak-ng sox): {e}")
    });
    assert!(status.success(), "{name} {args:?} failed");
}

/// sox in repeatable mode: it dithers whenever it writes fewer bits than it computed (every
/// resampling to 16 bits), and by default with a new random seed each run. The speech
/// recogniser hears that noise: the same recording, dithered twice, was heard as "at a task"
/// and as "edit tasks". Repeatable mode seeds it the same way every time.
pub fn sox(args: &[&str]) {
    let mut all = vec!["-R"];
    all.extend_from_slice(args);
    tool("sox", &all);
}

/// Utterances, each preceded by `gap` seconds of silence, then `tail` seconds of silence.
pub fn make(dir: &Path, parts: &[(f32, &str)], tail: f32) -> PathBuf {
    make_with(dir, &["-s", "190"], parts, tail)
}

/// Like [`make`], with espeak-ng's voice options (`-v`, `-s` words per minute, `-g` word gap).
pub fn make_with(dir: &Path, voice: &[&str], parts: &[(f32, &str)], tail: f32) -> PathBuf {
    let mut pieces = Vec::new();
    for (i, (gap, text)) in parts.iter().enumerate() {
        let raw = dir.join(format!("utt{i}.wav"));
        let padded = dir.join(format!("pad{i}.wav"));
        let mut args = voice.to_vec();
        args.extend(["-w", raw.to_str().unwrap(), text]);
        tool("espeak-ng", &args);
        sox(&[raw.to_str().unwrap(), padded.to_str().unwrap(), "pad", &gap.to_string(), "0"]);
        pieces.push(padded);
    }
    let joined = dir.join("joined.wav");
    let mut args: Vec<String> = pieces.iter().map(|p| p.to_str().unwrap().to_string()).collect();
    args.push(joined.to_str().unwrap().to_string());
    args.extend(["pad".into(), "0".into(), tail.to_string()]);
    sox(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let out = dir.join("speech.wav");
    sox(&[joined.to_str().unwrap(), "-r", "48000", "-c", "2", "-b", "16", out.to_str().unwrap()]);
    out
}

/// A silent 48 kHz stereo WAV of `secs` seconds.
pub fn silent(dir: &Path, secs: f32) -> PathBuf {
    let out = dir.join("silence.wav");
    sox(&["-n", "-r", "48000", "-c", "2", "-b", "16", out.to_str().unwrap(), "trim", "0", &secs.to_string()]);
    out
}

/// Mono samples of a WAV (the first channel).
pub fn samples(path: &Path) -> (Vec<i16>, u32) {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = r.spec();
    let all: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    (all.into_iter().step_by(spec.channels as usize).collect(), spec.sample_rate)
}

/// Seconds of audio in a WAV.
pub fn seconds(path: &Path) -> f32 {
    let r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.duration() as f32 / r.spec().sample_rate as f32
}
