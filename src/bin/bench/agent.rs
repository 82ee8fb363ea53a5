//! `companion-bench agent`: the client's own overhead. A whole session (VAD, levels, store
//! worker, playback bookkeeping, the socket writer) runs against a local WebSocket agent that
//! replies with real-time agent audio; we report frame-ready → bytes written to the socket
//! (p50/p99) and the client's CPU per minute of conversation (getrusage, minus the server
//! thread's own share). `COMPANION_BENCH_AGENT_SECONDS` sets the length (default 30).
//! `--provider openai` runs the same conversation on the OpenAI Realtime provider (audio
//! resampled to 24 kHz and base64-encoded in JSON) against a minimal realtime server.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use companion::agent::{Auth, ConnectConfig, DeepgramProvider};
use companion::session::memory::{MemoryControl, ScriptedSource, Segment, VirtualPlayback};
use companion::session::{run as run_session, SessionCommand, SessionOptions};
use companion::voice::{ConversationSetup, VoiceProvider};

use super::frame_lateness::FrameLateness;

const TOKEN: &str = "bench-token";

/// (user, system) CPU seconds.
fn cpu_split(who: libc::c_int) -> (f64, f64) {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut u) } != 0 {
        return (f64::NAN, f64::NAN);
    }
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    (t(u.ru_utime), t(u.ru_stime))
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    f64::from(sorted[((sorted.len() - 1) as f64 * p).round() as usize]) / 1000.0
}

/// A minimal agent: Welcome, SettingsApplied, then every 4 s a 2 s reply, all `pace` times
/// faster than real time (1: real time). With `lateness`, every audio frame received is timed.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    pace: u32,
    lateness: Option<Arc<FrameLateness>>,
) {
    let Ok((tcp, _)) = listener.accept().await else { return };
    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
    let (mut sink, mut stream) = ws.split();
    let _ = sink.send(Message::text(r#"{"type":"Welcome","request_id":"bench"}"#)).await;
    while let Some(Ok(m)) = stream.next().await {
        if let Message::Text(settings) = m {
            let rate = serde_json::from_str::<serde_json::Value>(&settings).ok().and_then(|v| {
                v["audio"]["input"]["sample_rate"].as_u64().and_then(|r| u32::try_from(r).ok())
            });
            if let (Some(l), Some(rate)) = (&lateness, rate) {
                l.set_rate(rate);
            }
            break;
        }
    }
    let _ = sink.send(Message::text(r#"{"type":"SettingsApplied"}"#)).await;
    let reader = tokio::spawn(async move {
        while let Some(Ok(m)) = stream.next().await {
            if let (Message::Binary(frame), Some(l)) = (&m, &lateness) {
                l.arrived(frame.len(), std::time::Instant::now());
            }
        }
    });
    let chunk = vec![0x10u8; 1920]; // 40 ms at 24 kHz
    let mut tick = tokio::time::interval(Duration::from_millis(40) / pace.max(1));
    let mut n = 0u64;
    loop {
        tick.tick().await;
        let phase = n % 100; // 4 s cycle
        n += 1;
        let sent = if phase == 0 {
            sink.send(Message::text(r#"{"type":"ConversationText","role":"assistant","content":"Sure."}"#))
                .await
        } else if phase <= 50 {
            sink.send(Message::binary(chunk.clone())).await
        } else if phase == 51 {
            sink.send(Message::text(r#"{"type":"AgentAudioDone"}"#)).await
        } else {
            Ok(())
        };
        if sent.is_err() || reader.is_finished() {
            return;
        }
    }
}

/// Runs the benchmark on `provider` (`deepgram` or `openai`) and returns the printed report.
pub fn run(provider: &str) -> String {
    let openai = match provider {
        "deepgram" => false,
        "openai" => true,
        other => return format!("agent bench: unknown provider {other:?} (deepgram or openai)\n"),
    };
    let secs: u64 =
        std::env::var("COMPANION_BENCH_AGENT_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let std_listener = match std::net::TcpListener::bind("127.0.0.1:0") {
        Ok(l) => l,
        Err(e) => return format!("agent bench: cannot listen: {e}\n"),
    };
    let addr = std_listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let _ = std_listener.set_nonblocking(true);
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        rt.block_on(async {
            let listener = tokio::net::TcpListener::from_std(std_listener).ok()?;
            if openai {
                super::agent_openai::serve(listener).await;
            } else {
                serve(listener, 1, None).await;
            }
            Some(())
        });
        Some(cpu_split(libc::RUSAGE_THREAD))
    });

    let config = ConversationSetup {
        system_prompt: "Bench.".into(),
        functions: Vec::new(),
        voice_model: "aura-2-thalia-en".into(),
        listen_model: "nova-3".into(),
        llm_provider: "open_ai".into(),
        llm_model: "gpt-4o-mini".into(),
        greeting: None,
    };
    let control = Arc::new(MemoryControl::new(TOKEN, config));
    let mut script = Vec::new();
    for _ in 0..=(secs / 4) {
        script.push(Segment::Tone { ms: 1000, amplitude: 8000 });
        script.push(Segment::Silence { ms: 3000 });
    }
    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return "agent bench: no runtime\n".into();
    };
    let before = cpu_split(libc::RUSAGE_SELF);
    let report = rt.block_on(async {
        let source = ScriptedSource::new(16_000, &script, true);
        let (playback, _played) = VirtualPlayback::new(24_000);
        let opts = SessionOptions::new("bench");
        let provider: Arc<dyn VoiceProvider> = if openai {
            super::agent_openai::provider(&addr, control.clone())
        } else {
            let mut connect =
                ConnectConfig::new(format!("ws://{addr}/v1/agent/converse"), Auth::Bearer(String::new()));
            connect.record_write_latency = true;
            Arc::new(DeepgramProvider::new(connect, control.clone()))
        };
        let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
        let (ev_tx, mut ev_rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move { while ev_rx.recv().await.is_some() {} });
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            let _ = cmd_tx.send(SessionCommand::Stop);
        });
        run_session(control, provider, source, Box::new(playback), opts, cmd_rx, ev_tx).await
    });
    let after = cpu_split(libc::RUSAGE_SELF);
    drop(rt);
    let server = server.join().ok().flatten().unwrap_or((0.0, 0.0));
    let user = (after.0 - before.0 - server.0).max(0.0);
    let sys = (after.1 - before.1 - server.1).max(0.0);
    let mut out = String::new();
    let report = match report {
        Ok(r) => r,
        Err(e) => return format!("agent bench failed: {e}\n"),
    };
    let mut lat = report.write_latencies_us.clone();
    lat.sort_unstable();
    let per_minute = (user + sys) * 60.0 / secs as f64;
    let _ = writeln!(
        out,
        "agent client overhead, {provider} ({secs} s conversation, 20 ms frames at 16 kHz, 24 kHz replies):"
    );
    let _ = writeln!(
        out,
        "  frame ready → written to socket: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms over {} frames (target p99 ≤ 2 ms)",
        pct(&lat, 0.50),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        lat.len()
    );
    let _ = writeln!(
        out,
        "  client CPU: {:.3} s per minute of conversation = {:.3}% of one core (target well under 1%)",
        per_minute,
        per_minute / 60.0 * 100.0
    );
    let _ = writeln!(
        out,
        "    of which user {:.3} s, kernel {:.3} s per minute (wake-ups: frames and agent audio)",
        user * 60.0 / secs as f64,
        sys * 60.0 / secs as f64
    );
    let _ = writeln!(
        out,
        "  frames sent {}, unsent {}, agent audio {} bytes",
        report.stats.frames_sent, report.stats.frames_unsent, report.stats.agent_audio_bytes
    );
    out
}
