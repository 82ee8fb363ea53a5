//! The conversation part of `companion-bench local`: the product itself (`companion talk`, built
//! beside the benchmark) with no key, over requests of the test set in Piper's voice, streamed
//! at real-time pace; the session's own turn metrics give end of speech → first reply audio
//! played, and the child's resource usage its peak memory and CPU.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use super::local::{resample, TZ};
use super::local_set::{Expect, CASES};
use companion::config::Settings;
use companion::local::Engines;

/// Seconds between the end of one request and the start of the next: room for the reply.
const GAP: f32 = 7.0;

pub struct Conversation {
    /// End of speech → first reply audio played, ms, sorted.
    pub latencies: Vec<f64>,
    pub peak_rss_mb: f64,
    /// CPU time over wall time of the conversation (1.0 = one core).
    pub cpu_share: f64,
    pub seconds: f64,
}

fn companion_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("companion");
    if !bin.is_file() {
        bail!(
            "{} is missing: build both programs (cargo build --release --features bench --bins)",
            bin.display()
        );
    }
    Ok(bin)
}

/// (user + system CPU seconds, peak RSS in MB) of the children waited for so far.
fn children_usage() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) } != 0 {
        return (f64::NAN, f64::NAN);
    }
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    (t(u.ru_utime) + t(u.ru_stime), u.ru_maxrss as f64 / 1024.0)
}

pub fn conversation(
    data: &Path,
    models: &Path,
    turns: usize,
    engines: &Engines,
) -> anyhow::Result<Conversation> {
    let mut settings = Settings::default();
    settings.user.timezone = TZ.name().into();
    settings.save(data)?;
    let input = data.join("requests.wav");
    write_requests(&input, turns, engines)?;
    let (cpu_before, _) = children_usage();
    let started = std::time::Instant::now();
    let out = Command::new(companion_binary()?)
        .args(["talk", "--json", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(data.join("replies.wav"))
        .env("COMPANION_DATA_DIR", data)
        .env("COMPANION_MODELS_DIR", models)
        .env_remove("DEEPGRAM_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .output()
        .context("companion talk did not start")?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("companion talk failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (cpu_after, peak_rss_mb) = children_usage();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).context("companion talk --json")?;
    let mut latencies: Vec<f64> = summary["turns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["speech_end_to_played_ms"].as_f64())
        .collect();
    if latencies.len() < turns {
        eprintln!("local: only {} of {turns} turns were answered", latencies.len());
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Conversation { latencies, peak_rss_mb, cpu_share: (cpu_after - cpu_before) / seconds, seconds })
}

/// The test set's requests (those that do something), cycled, in Piper's voice at 48 kHz
/// stereo like a desktop microphone.
fn write_requests(path: &Path, turns: usize, engines: &Engines) -> anyhow::Result<()> {
    let texts: Vec<&str> = CASES
        .iter()
        .filter(|c| matches!(c.expect, Expect::Call(..)))
        .map(|c| c.text)
        .cycle()
        .take(turns)
        .collect();
    let mut mono = vec![0.0f32; 48_000];
    for text in texts {
        let (samples, rate) = {
            let mut tts = engines.tts.lock().unwrap_or_else(|p| p.into_inner());
            (tts.synthesize(text)?, tts.sample_rate())
        };
        mono.extend(resample(&samples, rate, 48_000)?);
        mono.extend(std::iter::repeat_n(0.0, (GAP * 48_000.0) as usize));
    }
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for s in mono {
        let v = (s * 32767.0).clamp(-32768.0, 32767.0) as i16;
        w.write_sample(v)?;
        w.write_sample(v)?;
    }
    w.finalize()?;
    Ok(())
}
