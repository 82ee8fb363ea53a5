//! The session loop: one task selecting over captured frames, agent events, commands, intent
//! outcomes and connection attempts, with housekeeping every 20 ms.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::events::{SessionEnd, SessionEvent, SessionState, SessionStats};
use super::link::{open, LinkError};
use super::traits::{ControlPlane, FrameSource, Playback, SessionStart};
use super::turns::TurnTracker;
use super::vad::EnergyVad;
use super::worker::{IntentDone, Worker};
use super::{ErrorRecord, SessionCommand, SessionError, SessionOptions, SessionReport};
use crate::agent::{AgentConnection, AgentSender, AgentSetup, Bytes, ContextMessage, ServerEvent};

pub(super) const FRAME: Duration = Duration::from_millis(20);
/// How late the housekeeping timer may fire after a quiet 20 ms.
const SLACK: Duration = Duration::from_millis(5);

pub(super) struct Runner {
    pub control: Arc<dyn ControlPlane>,
    pub worker: Worker,
    pub session_id: String,
    pub opts: SessionOptions,
    pub setup: AgentSetup,
    pub events: mpsc::UnboundedSender<SessionEvent>,
    pub playback: Box<dyn Playback>,
    pub conn: Option<AgentConnection>,
    pub sender: Option<AgentSender>,
    pub connecting: Option<JoinHandle<Result<AgentConnection, LinkError>>>,
    /// Reconnect attempt number and when it is due.
    pub reconnect: Option<(u32, Instant, String)>,
    pub last_error: Option<ErrorRecord>,
    pub end: Option<SessionEnd>,
    pub state: SessionState,
    pub vad: EnergyVad,
    pub frames_seen: u64,
    pub turns: TurnTracker,
    pub history: Vec<ContextMessage>,
    pub pending_calls: HashMap<String, String>,
    pub cancelled: HashSet<String>,
    pub says: VecDeque<String>,
    pub typed_echo: VecDeque<String>,
    pub reply_active: bool,
    pub awaiting_reply: bool,
    pub last_server_activity: Instant,
    pub input_ended: bool,
    pub next_silence_at: Instant,
    pub silence: Bytes,
    pub stats: SessionStats,
    pub report: SessionReport,
}

enum Wake {
    Frame(Option<super::Frame>),
    Server(Option<ServerEvent>),
    Command(Option<SessionCommand>),
    Intent(IntentDone),
    Linked(Result<AgentConnection, LinkError>),
    Tick,
}

async fn next_event(conn: &mut Option<AgentConnection>) -> Option<ServerEvent> {
    match conn {
        Some(c) => c.next_event().await,
        None => std::future::pending().await,
    }
}

async fn linked(
    task: &mut Option<JoinHandle<Result<AgentConnection, LinkError>>>,
) -> Result<AgentConnection, LinkError> {
    let Some(handle) = task.as_mut() else { return std::future::pending().await };
    let result = handle.await.unwrap_or_else(|e| {
        Err(LinkError { message: e.to_string(), retriable: true, agent: None, control: None })
    });
    *task = None;
    result
}

pub(super) async fn run<S: FrameSource>(
    control: Arc<dyn ControlPlane>,
    mut source: S,
    playback: Box<dyn Playback>,
    opts: SessionOptions,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    events: mpsc::UnboundedSender<SessionEvent>,
) -> Result<SessionReport, SessionError> {
    let _ = events.send(SessionEvent::State { state: SessionState::Connecting });
    let user_id = opts.user_id.clone();
    let start_control = control.clone();
    let start: SessionStart = tokio::task::spawn_blocking(move || start_control.start_session(&user_id))
        .await
        .map_err(|e| SessionError::Start(super::ControlError::other(e.to_string())))?
        .map_err(SessionError::Start)?;
    let session_id = start.session_id.clone();
    let setup = AgentSetup {
        input_sample_rate: source.sample_rate(),
        output_sample_rate: opts.output_sample_rate,
        listen_model: start.config.listen_model.clone(),
        llm_provider: start.config.llm_provider.clone(),
        llm_model: start.config.llm_model.clone(),
        voice_model: start.config.voice_model.clone(),
        prompt: start.config.system_prompt.clone(),
        functions: start.config.functions.clone(),
        greeting: start.config.greeting.clone(),
        context: Vec::new(),
    };
    let (results_tx, mut results) = mpsc::unbounded_channel();
    let worker = Worker::spawn(control.clone(), session_id.clone(), results_tx);
    let samples = (source.sample_rate() as usize) / 50;
    let mut r = Runner {
        control,
        worker,
        session_id: session_id.clone(),
        opts,
        setup,
        events,
        playback,
        conn: None,
        sender: None,
        connecting: None,
        reconnect: None,
        last_error: None,
        end: None,
        state: SessionState::Connecting,
        vad: EnergyVad::for_20ms_frames(),
        frames_seen: 0,
        turns: TurnTracker::new(),
        history: Vec::new(),
        pending_calls: HashMap::new(),
        cancelled: HashSet::new(),
        says: VecDeque::new(),
        typed_echo: VecDeque::new(),
        reply_active: false,
        // A greeting is a reply the agent owes us before any typed turn goes in.
        awaiting_reply: start.config.greeting.is_some(),
        last_server_activity: Instant::now(),
        input_ended: false,
        next_silence_at: Instant::now(),
        silence: Bytes::from(vec![0u8; samples * 2]),
        stats: SessionStats::default(),
        report: SessionReport {
            session_id,
            request_ids: Vec::new(),
            end: SessionEnd::Completed,
            transcript: Vec::new(),
            function_calls: Vec::new(),
            turns: Vec::new(),
            stats: SessionStats::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            write_latencies_us: Vec::new(),
        },
    };

    // The first connection is not retried: a wrong key, URL or host should fail fast.
    let first = open(r.control.clone(), Some(start.token.clone()), r.connect_config(), r.setup.clone()).await;
    match first {
        Ok(conn) => r.attach(conn),
        Err(e) => {
            let reason = format!("could not connect to the agent: {}", e.message);
            r.finish(SessionEnd::Interrupted { reason }).await;
            return Err(match (e.agent, e.control) {
                (Some(agent), _) => SessionError::Connect { session_id: r.session_id, error: agent },
                (None, Some(control)) => SessionError::Token(control),
                (None, None) => SessionError::Token(super::ControlError::other(e.message)),
            });
        }
    }
    source.start();
    r.set_state(SessionState::Listening);

    // Housekeeping runs every 20 ms, piggybacking on whatever woke the loop (usually a frame);
    // the timer only fires when nothing else did, so it adds no wake-ups while audio flows.
    let mut next_housekeeping = Instant::now() + FRAME;
    let fallback = tokio::time::sleep(FRAME + SLACK);
    tokio::pin!(fallback);
    let mut commands_open = true;
    while r.end.is_none() {
        let wake = tokio::select! {
            f = source.next_frame(), if !r.input_ended => Wake::Frame(f),
            e = next_event(&mut r.conn) => Wake::Server(e),
            c = commands.recv(), if commands_open => Wake::Command(c),
            Some(d) = results.recv() => Wake::Intent(d),
            l = linked(&mut r.connecting) => Wake::Linked(l),
            _ = &mut fallback => Wake::Tick,
        };
        match wake {
            Wake::Frame(Some(frame)) => r.on_frame(frame),
            Wake::Frame(None) => {
                tracing::debug!("input ended; streaming silence until the agent is done");
                r.input_ended = true;
                r.next_silence_at = Instant::now();
            }
            Wake::Server(Some(event)) => r.on_server(event),
            Wake::Server(None) => r.on_closed(None, "the connection ended".into()),
            Wake::Command(Some(SessionCommand::Say(text))) => {
                if !text.trim().is_empty() {
                    r.says.push_back(text.trim().to_string());
                }
            }
            Wake::Command(Some(SessionCommand::Stop)) => r.end = Some(SessionEnd::Stopped),
            Wake::Command(None) => commands_open = false,
            Wake::Intent(done) => r.on_intent(done),
            Wake::Linked(result) => r.on_linked(result),
            Wake::Tick => {}
        }
        let now = Instant::now();
        if now >= next_housekeeping {
            r.on_tick();
            r.stats.capture_drops = source.dropped_frames();
            next_housekeeping = now + FRAME;
            fallback.as_mut().reset((next_housekeeping + SLACK).into());
        }
    }
    let end = r.end.take().unwrap_or(SessionEnd::Completed);
    Ok(r.finish(end).await)
}
