//! `companion-bench soak [--minutes N] [--pace P]`: memory, open files and per-frame latency of
//! a long conversation. The real `companion talk` process streams an N-minute WAV (default 60:
//! a 1.5 s burst of voice-band sound every 6 s) into a local agent that answers every 4 s,
//! while its data dir grows (every answer is stored). `--pace P` (a whole number from 1 to 100,
//! default 1: real time) runs the conversation P times faster than real time: the WAV source,
//! the `--output` WAV sink and the session's timers (`talk --pace`) and the agent's replies, so
//! `--minutes 240 --pace 10` is four hours of conversation in 24 minutes.
//!
//! Every 10 s of conversation the process's resident memory (VmRSS) and open file descriptors
//! are sampled. The agent times every audio frame it receives against the moment it was due
//! (`frame_lateness`); a frame the client never sent (`unsent`) makes the later ones that much
//! later, so lost audio shows there too. Printed: memory, open files and the data dir's size after 30 s of
//! conversation; memory, open files and frame lateness (p50/p99/max) for every 10-minute window
//! of conversation (every minute at `--pace 10`) and for the last part; then the peak, the first
//! window against the last, and the data dir's size at the start and the end. Goals: memory
//! flat, < 40 MB; no growth in open files; no increase in per-frame latency.

use companion::audio::Speedup;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::frame_lateness::{FrameLateness, Window};
use super::soak_probe::{dir_kb, mb, sample};
use super::soak_wav::write_wav;

/// Conversation time between two samples, before the first report, and per window.
const SAMPLE: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_secs(30);
const WINDOW: Duration = Duration::from_secs(600);

/// One window's report: when it ended (minutes of conversation), memory (kB), open files, frame
/// lateness and the data dir's size (kB).
struct Report {
    minute: f64,
    rss: u64,
    fds: usize,
    late: Window,
    data: u64,
}

pub fn run(minutes: u64, speedup: Speedup) -> anyhow::Result<()> {
    let pace = speedup.get();
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
    let lateness = Arc::new(FrameLateness::new(pace));
    rt.spawn(super::agent::serve(agent, pace, Some(lateness.clone())));
    let grant = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let grant_url = format!("http://{}", grant.local_addr()?);
    let grant_app = axum::Router::new().route(
        "/v1/auth/grant",
        axum::routing::post(|| async {
            axum::Json(serde_json::json!({"access_token": "soak-token", "expires_in": 3600}))
        }),
    );
    rt.spawn(async move { axum::serve(grant, grant_app).await });

    let data = dir.path().join("data");
    let mut child = std::process::Command::new(&exe)
        .args(["talk", "--input"])
        .arg(&wav)
        .arg("--output")
        .arg(dir.path().join("heard.wav"))
        .args(["--json", "--pace", &pace.to_string()])
        .env("COMPANION_DATA_DIR", &data)
        .env("DEEPGRAM_API_KEY", "soak-key-0123456789abcdef0123456789abcdef")
        .env("COMPANION_DEEPGRAM_API_URL", &grant_url)
        .env("COMPANION_DEEPGRAM_AGENT_URL", &agent_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Read while it runs: an hours-long conversation's summary outgrows the pipe's buffer, and a
    // child blocked writing it would never exit.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let pid = child.id();
    let speed = if pace == 1 { "real-time pace".to_string() } else { format!("{pace}× real time") };
    println!(
        "soak: companion talk (pid {pid}) streaming {minutes} min of speech bursts at {speed} ({:.1} min)",
        minutes as f64 / f64::from(pace)
    );
    // Conversation minutes after `t` of wall time.
    let conversed = |t: Duration| t.as_secs_f64() * f64::from(pace) / 60.0;
    let started = Instant::now();
    let (mut first, mut peak, mut last) = (None, (0u64, 0usize), (0u64, 0usize));
    let mut data_at_start = None;
    let mut windows: Vec<Report> = Vec::new();
    let mut next_window = WINDOW / pace;
    while child.try_wait()?.is_none() {
        std::thread::sleep(SAMPLE / pace);
        let Some(now) = sample(pid) else { break };
        last = now;
        peak = (peak.0.max(now.0), peak.1.max(now.1));
        let t = started.elapsed();
        if first.is_none() && t >= WARM_UP / pace {
            first = Some(now);
            let kb = dir_kb(&data);
            data_at_start = Some(kb);
            let (rss, fds) = (mb(now.0), now.1);
            println!(
                "soak: {:>5.1} min: RSS {rss:.1} MB, {fds} open files, data dir {:.2} MB",
                conversed(t),
                mb(kb)
            );
        }
        if t >= next_window {
            next_window += WINDOW / pace;
            let Some(late) = lateness.take() else { continue };
            let report = Report { minute: conversed(t), rss: now.0, fds: now.1, late, data: dir_kb(&data) };
            println!("soak: {}", window_line(&report));
            windows.push(report);
        }
    }
    let status = child.wait()?;
    let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
    anyhow::ensure!(status.success(), "talk failed: {}", String::from_utf8_lossy(&stderr));
    let summary: serde_json::Value = serde_json::from_slice(&stdout).unwrap_or_default();
    let end = conversed(started.elapsed());
    let data_at_end = dir_kb(&data);
    if let Some(late) = lateness.take() {
        let report = Report { minute: end, rss: last.0, fds: last.1, late, data: data_at_end };
        println!("soak: {} (the end: the last frames and the close)", window_line(&report));
        // The last part counts as a window when it is at least half of one (the process can
        // end just before the last window's report), or when there was no whole window. The
        // client sends 20 ms frames.
        let half = (WINDOW.as_millis() / 20 / 2) as usize;
        if windows.is_empty() || report.late.frames >= half {
            windows.push(report);
        }
    }
    let first = first.unwrap_or(last);
    println!(
        "soak: after {:.1} min ({end:.1} min of conversation): RSS {:.1} MB at {:.1} min, {:.1} MB at the end ({:+.1} MB), peak {:.1} MB (goal: flat, < 40 MB); open files {} then {} (peak {})",
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
    if let (Some(a), Some(b)) = (windows.first(), windows.last()) {
        println!(
            "soak: the first window (to {:.1} min) against the last (to {:.1} min): RSS {:.1} → {:.1} MB (goal: flat, < 40 MB); open files {} → {} (goal: no growth in open files); frame lateness p99 {:.2} → {:.2} ms (goal: no increase in per-frame latency)",
            a.minute,
            b.minute,
            mb(a.rss),
            mb(b.rss),
            a.fds,
            b.fds,
            a.late.p99,
            b.late.p99
        );
    }
    // At the close the store folds its write-ahead log into the database: the end can be
    // smaller than a window before it.
    println!(
        "soak: data dir {:.2} MB at {:.1} min, {:.2} MB at the end (after the close)",
        mb(data_at_start.unwrap_or(data_at_end)),
        WARM_UP.as_secs_f64() / 60.0,
        mb(data_at_end)
    );
    // The summary lists the most recent lines and counts the earlier ones.
    let count = |k: &str| {
        summary[k].as_array().map_or(0, |v| v.len() as u64) + summary["earlier"][k].as_u64().unwrap_or(0)
    };
    println!(
        "soak: the conversation: {} turns, {} transcript lines, {} frames sent, {} unsent, {} reconnects",
        summary["stats"]["turns"],
        count("transcript"),
        summary["stats"]["frames_sent"],
        summary["stats"]["frames_unsent"],
        summary["stats"]["reconnects"]
    );
    Ok(())
}

fn window_line(r: &Report) -> String {
    format!(
        "{:>5.1} min: RSS {:.1} MB, {} open files; frame lateness p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} frames); data dir {:.2} MB",
        r.minute,
        mb(r.rss),
        r.fds,
        r.late.p50,
        r.late.p99,
        r.late.max,
        r.late.frames,
        mb(r.data)
    )
}

/// Everything `pipe` gives until it closes, read on a thread of its own.
fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut all);
        }
        all
    })
}
