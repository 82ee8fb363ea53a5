//! `companion talk`: a live voice conversation with the agent. Microphone and speakers by
//! default; `--input`/`--output` WAV files for headless runs; `--say` for typed turns. The
//! provider is `agent.provider` in the settings (this computer, Deepgram's Voice Agent or
//! OpenAI's Realtime API); with no key set it is this computer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use tokio::sync::mpsc;

use crate::audio::Speedup;
use crate::config::ProviderChoice;
use crate::desktop::OsKeychain;
use crate::launch::{self, DeviceChoice, MicCapture, ProviderKind, ServiceControl};
use crate::safety::SafetyGuard;
use crate::session::{
    run, ControlError, FrameSource, SessionCommand, SessionEnd, SessionError, SessionOptions, SessionReport,
};
use crate::sync::{SyncConfig, TokenSource};
use crate::voice::{ConnectError, VoiceProvider};

use super::talk_print::{print_event, print_summary};

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
    /// Stop after this many seconds (of conversation: a sped-up run stops sooner).
    #[arg(long, value_name = "N")]
    pub max_seconds: Option<u64>,
    /// Hidden, for load runs: play --input and write --output N times faster than real time
    /// (1 to 100; default 1). The conversation's own timers speed up with them; the agent is
    /// expected to keep up. Needs --input and --output: a microphone and speakers run in real
    /// time.
    #[arg(long, value_name = "N", env = "COMPANION_INPUT_PACE", hide_short_help = true,
          default_value = "1", value_parser = parse_pace)]
    pub pace: Speedup,
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
then `export DEEPGRAM_API_KEY=<key>` and run `companion talk` again \
(or use an OpenAI key: `export OPENAI_API_KEY=<key>`)";

const NO_PROVIDER: &str =
    "no API key is set and the voice models for talking on this computer are not usable";

const OPENAI_KEY_HELP: &str = "no OpenAI API key: create one at https://platform.openai.com/api-keys, \
then `export OPENAI_API_KEY=<key>` and run `companion talk` again";

fn parse_pace(text: &str) -> Result<Speedup, String> {
    Speedup::parse(text).map_err(|e| e.to_string())
}

pub fn run_talk(data_dir: Option<&Path>, args: TalkArgs) -> anyhow::Result<ExitCode> {
    if args.pace != Speedup::REAL_TIME && (args.input.is_none() || args.output.is_none()) {
        return Err(anyhow!(
            "--pace {} (or COMPANION_INPUT_PACE) needs --input and --output WAV files: a microphone \
and speakers run in real time",
            args.pace
        ));
    }
    let mut opened = super::context::open(data_dir)?;
    let settings = opened.service.settings();
    let openai_key = launch::openai_env_key();
    let sync_token: Arc<dyn TokenSource> = Arc::new(launch::SyncToken::env_first(Arc::new(OsKeychain)));
    let sync_config = SyncConfig::from_settings(&settings);
    let plane_ready = sync_config.is_some() && sync_token.token().ok().flatten().is_some();
    let hosted = launch::hosted_wanted(&settings, opened.service.has_key(), plane_ready);
    let kind = match hosted {
        true => ProviderKind::Deepgram,
        false => launch::choose_provider(&settings, opened.service.has_key(), openai_key().is_some())?,
    };
    let models_dir = crate::local::models_dir(data_dir)?;
    if kind == ProviderKind::Local {
        // Loaded (once per process) before anything else starts, so missing models are one
        // clear line and the first turn does not wait for them.
        let loaded = launch::local_provider(&settings, &opened.service, models_dir.clone()).preload();
        if let Err(e) = loaded {
            return Err(match settings.agent.provider {
                ProviderChoice::Auto => anyhow!("{NO_PROVIDER}: {e}; or use Deepgram: {KEY_HELP}"),
                _ => anyhow!("the local voice cannot start: {e}"),
            });
        }
    }
    let url = match kind {
        ProviderKind::Local => "this computer".to_string(),
        ProviderKind::Deepgram => {
            if !hosted && !opened.service.has_key() {
                return Err(anyhow!(KEY_HELP));
            }
            launch::check_agent_url(&settings.deepgram.agent_url)?;
            settings.deepgram.agent_url.clone()
        }
        ProviderKind::OpenAi => {
            if openai_key().is_none() {
                return Err(anyhow!(OPENAI_KEY_HELP));
            }
            launch::check_openai_url(&settings.openai.api_url, &settings.openai.model)?;
            settings.openai.api_url.clone()
        }
    };
    // Only now, with a conversation about to start, take the host lock and sweep.
    opened.become_host()?;
    // One thread runs the whole session (fewer cross-thread wake-ups); store work and token
    // minting run on blocking threads.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = opened.service.shared_store();
    let (wired, sync) = match (&sync_config, hosted) {
        (Some(config), true) => {
            let bg = launch::start_for_hosted(&opened.data_dir, store, config, sync_token, rt.handle());
            let plane =
                Arc::new(launch::HostedPlane::new(bg.sync.clone(), opened.service.clone(), &settings));
            (launch::wire_hosted(&opened.service, &settings, rt.handle().clone(), plane), Some(bg))
        }
        _ => {
            let bg = launch::start_background(&opened.data_dir, store, &settings, sync_token, rt.handle());
            (launch::wire(kind, &opened.service, &settings, rt.handle().clone(), openai_key, models_dir), bg)
        }
    };
    let (control, provider) = (wired.control, wired.provider);
    let mut options = SessionOptions::new(settings.user.id.clone());
    options.output_sample_rate = settings.agent.output_sample_rate;
    options.safety = Some(Arc::new(SafetyGuard::load(&opened.data_dir, &settings)?));
    let options = options.paced(args.pace.get());
    let choice = DeviceChoice {
        input_wav: args.input.clone(),
        output_wav: args.output.clone(),
        input_device: args.input_device.clone(),
        output_device: args.output_device.clone(),
        pace: args.pace,
        events: None,
        push_to_talk_held: None,
    };
    let (capture, player) = launch::open_devices(&settings, choice)?;
    let live = args.input.is_none();
    let result = rt.block_on(async {
        if live {
            converse(control, provider, MicCapture(capture), player, options, &args).await
        } else {
            converse(control, provider, capture, player, options, &args).await
        }
    });
    if let Some(bg) = sync.as_ref().filter(|bg| bg.delivers()) {
        // The last words and the close go to the plane now; anything left, with the next sync.
        rt.block_on(bg.settle(Duration::from_secs(10)));
    }
    drop(sync);
    rt.shutdown_timeout(Duration::from_secs(1));
    drop(opened);
    let report = result.map_err(|e| explain(e, kind, &url))?;
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        value["turn_count"] = serde_json::json!(report.stats.turns);
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
    control: Arc<ServiceControl>,
    provider: Arc<dyn VoiceProvider>,
    source: S,
    player: crate::audio::Player,
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
        let max = args.max_seconds.map(|s| args.pace.wall(Duration::from_secs(s)));
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
    let result = run(control, provider, source, Box::new(player), options, cmd_rx, ev_tx).await;
    stopper.abort();
    let _ = printer.await;
    result
}

/// One clear line per failure; never a credential.
fn explain(error: SessionError, kind: ProviderKind, url: &str) -> anyhow::Error {
    let (help, key, url_env) = match kind {
        ProviderKind::Local => {
            return match error {
                SessionError::Connect { error, .. } => anyhow!("the local voice could not start: {error}"),
                other => anyhow!("could not start the session: {other}"),
            }
        }
        ProviderKind::Deepgram => {
            (KEY_HELP, "DEEPGRAM_API_KEY is valid and has the Member role", "COMPANION_DEEPGRAM_AGENT_URL")
        }
        ProviderKind::OpenAi => {
            (OPENAI_KEY_HELP, "OPENAI_API_KEY is valid and has Realtime access", "COMPANION_OPENAI_URL")
        }
    };
    match error {
        SessionError::Start(ControlError::NoKey(_)) | SessionError::Token(ControlError::NoKey(_)) => {
            anyhow!(help)
        }
        SessionError::Start(e) | SessionError::Token(e) => anyhow!("could not start the session: {e}"),
        SessionError::Connect { error, .. } => match error {
            ConnectError::Unauthorized { status, .. } => {
                anyhow!("the agent refused our token (HTTP {status}): check that {key}")
            }
            ConnectError::BadEndpoint { detail, .. } => anyhow!("bad agent URL {url:?}: {detail}"),
            ConnectError::Unreachable { .. } => {
                anyhow!("cannot reach the agent at {url}: {error} (check your network or {url_env})")
            }
            ConnectError::Rejected { code, description, .. } => {
                anyhow!("the agent rejected the session: {code}: {description}")
            }
            other => anyhow!("could not connect to the agent at {url}: {other}"),
        },
    }
}
