//! `companion talk`: a live voice conversation with the agent. Microphone and speakers by
//! default; `--input`/`--output` WAV files for headless runs; `--say` for typed turns.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, Context};
use tokio::sync::mpsc;

use crate::agent::AgentError;
use crate::audio::{
    CaptureOptions, CaptureStream, DeviceSel, FrameSpec, Pace, Player, PlayerOptions, SinkSpec, SourceSpec,
};
use crate::backend::host_lock::HostLock;
use crate::session::adapters::MicCapture;
use crate::session::{
    run, ControlError, FrameSource, ServiceControl, SessionCommand, SessionEnd, SessionError, SessionEvent,
    SessionOptions, SessionReport,
};

#[derive(clap::Args)]
pub struct TalkArgs {
    /// Stream this WAV file (any rate and channel count) at real-time pace instead of the microphone.
    #[arg(long, value_name = "FILE.wav")]
    pub input: Option<PathBuf>,
    /// Write what would have been played (barge-in flushes included) to this WAV file instead of the speakers.
    #[arg(long, value_name = "FILE.wav")]
    pub output: Option<PathBuf>,
    /// A typed turn, sent when the agent is idle (repeatable).
    #[arg(long = "say", value_name = "TEXT")]
    pub say: Vec<String>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "N")]
    pub max_seconds: Option<u64>,
    /// Print the summary as one JSON object on stdout (and nothing else there).
    #[arg(long)]
    pub json: bool,
    /// Input device name (see `companion devices`); default: the system default.
    #[arg(long, value_name = "NAME")]
    pub input_device: Option<String>,
    /// Output device name; default: the system default.
    #[arg(long, value_name = "NAME")]
    pub output_device: Option<String>,
}

const KEY_HELP: &str =
    "no Deepgram API key: create one at https://console.deepgram.com (API Keys, Member role), \
then `export DEEPGRAM_API_KEY=<key>` and run `companion talk` again";

pub fn run_talk(data_dir: Option<&Path>, args: TalkArgs) -> anyhow::Result<ExitCode> {
    let opened = super::context::open(data_dir)?;
    if !opened.service.has_key() {
        return Err(anyhow!(KEY_HELP));
    }
    let settings = opened.service.settings();
    let agent_url = settings.deepgram.agent_url.clone();
    check_agent_url(&agent_url)?;
    // Only the host of live sessions may sweep conversations a crash left open.
    let _host = HostLock::try_acquire(&opened.data_dir).context("cannot take the session lock")?;
    if _host.is_some() {
        let n = opened.service.sweep_interrupted()?;
        if n > 0 {
            tracing::warn!("{n} session(s) left open by an earlier run were marked interrupted");
        }
    }
    let frame = FrameSpec { sample_rate: settings.agent.input_sample_rate, frame_ms: 20 };
    let source_spec = match &args.input {
        Some(path) => SourceSpec::Wav { path: path.clone(), pace: Pace::RealTime },
        None => SourceSpec::Mic(device(args.input_device.as_deref().unwrap_or(&settings.audio.input_device))),
    };
    let sink = match &args.output {
        Some(path) => SinkSpec::Wav { path: path.clone(), sample_rate: None },
        None => {
            SinkSpec::Speaker(device(args.output_device.as_deref().unwrap_or(&settings.audio.output_device)))
        }
    };
    // One thread runs the whole session (fewer cross-thread wake-ups); store work and token
    // minting run on blocking threads.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let control = std::sync::Arc::new(ServiceControl::new(opened.service.clone(), rt.handle().clone()));
    let mut options = SessionOptions::new(agent_url.clone(), settings.user.id.clone());
    options.output_sample_rate = settings.agent.output_sample_rate;
    let player = Player::new(PlayerOptions::new(settings.agent.output_sample_rate, sink))
        .map_err(|e| anyhow!("cannot open the audio output: {e}"))?;
    let capture = CaptureStream::open(CaptureOptions::new(source_spec, frame))
        .map_err(|e| anyhow!("cannot open the audio input: {e}"))?;
    let live = args.input.is_none();
    let result = rt.block_on(async {
        if live {
            converse(control, MicCapture(capture), player, options, &args).await
        } else {
            converse(control, capture, player, options, &args).await
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    let report = result.map_err(|e| explain(e, &agent_url))?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["turn_count"] = serde_json::json!(report.turns.len());
        println!("{}", serde_json::to_string(&value)?);
    } else {
        print_summary(&report);
    }
    Ok(match report.end {
        SessionEnd::Interrupted { .. } => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

async fn converse<S: FrameSource>(
    control: std::sync::Arc<ServiceControl>,
    source: S,
    player: Player,
    options: SessionOptions,
    args: &TalkArgs,
) -> Result<SessionReport, SessionError> {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
    for text in &args.say {
        let _ = cmd_tx.send(SessionCommand::Say(text.clone()));
    }
    let quiet = args.json;
    let printer = tokio::spawn(async move {
        while let Some(event) = ev_rx.recv().await {
            print_event(&event, quiet);
        }
    });
    let stopper = {
        let cmd_tx = cmd_tx.clone();
        let max = args.max_seconds.map(Duration::from_secs);
        tokio::spawn(async move {
            let limit = async {
                match max {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => eprintln!("stopping…"),
                _ = limit => {}
            }
            let _ = cmd_tx.send(SessionCommand::Stop);
        })
    };
    let result = run(control, source, Box::new(player), options, cmd_rx, ev_tx).await;
    stopper.abort();
    let _ = printer.await;
    result
}

fn device(name: &str) -> DeviceSel {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case("default") {
        DeviceSel::Default
    } else {
        DeviceSel::Named(name.to_string())
    }
}

fn check_agent_url(url: &str) -> anyhow::Result<()> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let ok = (url.starts_with("ws://") || url.starts_with("wss://")) && url.into_client_request().is_ok();
    if ok {
        Ok(())
    } else {
        Err(anyhow!(
            "bad agent URL {url:?}: it must start with wss:// (check COMPANION_DEEPGRAM_AGENT_URL or settings.yaml)"
        ))
    }
}

/// One clear line per failure; never a credential.
fn explain(error: SessionError, url: &str) -> anyhow::Error {
    match error {
        SessionError::Start(ControlError::NoKey(_)) | SessionError::Token(ControlError::NoKey(_)) => anyhow!(KEY_HELP),
        SessionError::Start(e) | SessionError::Token(e) => anyhow!("could not start the session: {e}"),
        SessionError::Connect { error, .. } => match error {
            AgentError::Unauthorized { status } => anyhow!(
                "the agent refused our token (HTTP {status}): check that DEEPGRAM_API_KEY is valid and has the Member role"
            ),
            AgentError::BadUrl(detail) => anyhow!("bad agent URL {url:?}: {detail}"),
            AgentError::Refused | AgentError::Unreachable(_) | AgentError::Timeout(_) => {
                anyhow!("cannot reach the agent at {url}: {error} (check your network or COMPANION_DEEPGRAM_AGENT_URL)")
            }
            AgentError::Server { code, description } => anyhow!("the agent rejected the session: {code}: {description}"),
            other => anyhow!("could not connect to the agent at {url}: {other}"),
        },
    }
}

fn print_event(event: &SessionEvent, quiet: bool) {
    match event {
        SessionEvent::Reconnecting { attempt, reason } => {
            eprintln!("reconnecting (attempt {attempt}): {reason}")
        }
        SessionEvent::Error { code, description } => eprintln!("agent error {code}: {description}"),
        SessionEvent::Warning { code, description } => eprintln!("agent warning {code}: {description}"),
        _ if quiet => {}
        SessionEvent::Started { session_id, .. } => {
            println!("session {session_id}: talking (Ctrl-C to stop)")
        }
        SessionEvent::Transcript { role, content, typed } => {
            let who = if role == "user" {
                if *typed {
                    "you (typed)"
                } else {
                    "you"
                }
            } else {
                "flux"
            };
            println!("{who}: {content}");
        }
        SessionEvent::FunctionCall { name, arguments, .. } => println!("  → {name} {arguments}"),
        SessionEvent::FunctionResult { name, content, .. } => println!("  ← {name}: {content}"),
        SessionEvent::FunctionCancelled { name, .. } => println!("  ✕ {name} cancelled"),
        _ => {}
    }
}

fn print_summary(report: &SessionReport) {
    let outcome = match &report.end {
        SessionEnd::Completed => "completed".to_string(),
        SessionEnd::Stopped => "stopped".to_string(),
        SessionEnd::Interrupted { reason } => format!("interrupted: {reason}"),
    };
    println!("session {} {outcome}", report.session_id);
    let spoken: Vec<f64> = report.turns.iter().filter_map(|t| t.speech_end_to_played_ms).collect();
    let median = median(&spoken);
    println!(
        "{} turns, {} messages, {} function calls, {} barge-ins, {} reconnects{}",
        report.turns.len(),
        report.transcript.len(),
        report.function_calls.len(),
        report.stats.barge_ins,
        report.stats.reconnects,
        median.map(|m| format!(", median speech end → agent audio played {m:.0} ms")).unwrap_or_default()
    );
    for call in &report.function_calls {
        let result =
            if call.cancelled { "cancelled".to_string() } else { call.result.clone().unwrap_or_default() };
        println!("  {} {} → {}", call.name, call.arguments, result);
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}
