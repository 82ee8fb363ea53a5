//! `companion-bench soak [--minutes N]`: the memory of a long conversation. The real `companion
//! talk` process streams an N-minute WAV (default 60: a 1.5 s burst of voice-band sound every
//! 6 s) at real-time pace into a local agent that answers every 4 s, while its data dir grows;
//! its resident memory (VmRSS) and open file descriptors are sampled every 10 s. Prints them at
//! the start (after 30 s), every 10 minutes and at the end, with the peak. Goal: flat, < 40 MB.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const RATE: u32 = 16_000;
const SAMPLE: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_secs(30);

pub fn run(minutes: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let wav = dir.path().join("long.wav");
    write_wav(&wav, minutes * 60)?;
    let exe = std::env::current_exe()?.with_file_name("companion");
    anyhow::ensure!(
        exe.exists(),
        "{} is missing: build it with `cargo build --release --bins`",
        exe.display()
    );

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let agent = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let agent_url = format!("ws://{}/v1/agent/converse", agent.local_addr()?);
    rt.spawn(super::agent::serve(agent));
    let grant = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let grant_url = format!("http://{}", grant.local_addr()?);
    let grant_app = axum::Router::new().route(
        "/v1/auth/grant",
        axum::routing::post(|| async {
            axum::Json(serde_json::json!({"access_token": "soak-token", "expires_in": 3600}))
        }),
    );
    rt.spawn(async move { axum::serve(grant, grant_app).await });

    let mut child = std::process::Command::new(&exe)
        .args(["talk", "--input"])
        .arg(&wav)
        .arg("--output")
        .arg(dir.path().join("heard.wav"))
        .arg("--json")
        .env("COMPANION_DATA_DIR", dir.path().join("data"))
        .env("DEEPGRAM_API_KEY", "soak-key-0123456789abcdef0123456789abcdef")
        .env("COMPANION_DEEPGRAM_API_URL", &grant_url)
        .env("COMPANION_DEEPGRAM_AGENT_URL", &agent_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = child.id();
    println!("soak: companion talk (pid {pid}) streaming {minutes} min of speech bursts at real-time pace");
    let started = Instant::now();
    let (mut first, mut peak, mut last) = (None, (0u64, 0usize), (0u64, 0usize));
    let mut next_report = WARM_UP;
    while child.try_wait()?.is_none() {
        std::thread::sleep(SAMPLE);
        let Some(now) = sample(pid) else { break };
        last = now;
        peak = (peak.0.max(now.0), peak.1.max(now.1));
        let t = started.elapsed();
        if t >= next_report {
            first.get_or_insert(now);
            println!(
                "soak: {:>5.1} min: RSS {:.1} MB, {} open files",
                t.as_secs_f64() / 60.0,
                mb(now.0),
                now.1
            );
            next_report = if next_report == WARM_UP {
                Duration::from_secs(600)
            } else {
                next_report + Duration::from_secs(600)
            };
        }
    }
    let out = child.wait_with_output()?;
    anyhow::ensure!(out.status.success(), "talk failed: {}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let first = first.unwrap_or(last);
    println!(
        "soak: after {:.1} min: RSS {:.1} MB at {:.1} min, {:.1} MB at the end ({:+.1} MB), peak {:.1} MB (goal: flat, < 40 MB); open files {} then {} (peak {})",
        started.elapsed().as_secs_f64() / 60.0,
        mb(first.0),
        WARM_UP.as_secs_f64() / 60.0,
        mb(last.0),
        mb(last.0) - mb(first.0),
        mb(peak.0),
        first.1,
        last.1,
        peak.1
    );
    let count = |k: &str| summary[k].as_array().map_or(0, Vec::len);
    println!(
        "soak: the conversation: {} turns, {} transcript lines, {} frames sent, {} unsent, {} reconnects",
        count("turns"),
        count("transcript"),
        summary["stats"]["frames_sent"],
        summary["stats"]["frames_unsent"],
        summary["stats"]["reconnects"]
    );
    Ok(())
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// VmRSS in kB and the number of open file descriptors of `pid`; `None` once it is gone.
fn sample(pid: u32) -> Option<(u64, usize)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some((rss, fds))
}

/// `seconds` of 16 kHz mono: every 6 s, 1.5 s of a 220 Hz tone with harmonics (speech-band
/// energy the voice activity detector takes for speech), silence between.
fn write_wav(path: &Path, seconds: u64) -> anyhow::Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    let period = (RATE * 6) as u64;
    let burst = (RATE * 3 / 2) as u64;
    for n in 0..seconds * RATE as u64 {
        let i = n % period;
        let v = if i < burst {
            let t = n as f64 / RATE as f64;
            let s: f64 =
                (1..=4).map(|k| (2.0 * std::f64::consts::PI * 220.0 * k as f64 * t).sin() / k as f64).sum();
            (s * 6000.0) as i16
        } else {
            0
        };
        w.write_sample(v)?;
    }
    w.finalize()?;
    Ok(())
}
