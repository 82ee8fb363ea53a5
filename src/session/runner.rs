//! The session loop: one task selecting over captured frames, provider events, commands,
//! intent outcomes and reconnect attempts, with housekeeping every 20 ms. What the
//! conversation's course is lives in [`Conversation`]; this loop performs its actions.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::events::{SessionEnd, SessionEvent, SessionStats};
use super::machine::{Conversation, Input, ReconnectPolicy};
use super::traits::{ControlError, ControlPlane, FrameSource, Playback, SessionStart};
use super::turns::TurnTracker;
use super::vad::EnergyVad;
use super::worker::{IntentDone, Worker};
use super::{ErrorRecord, SessionCommand, SessionError, SessionOptions, SessionReport};
use crate::voice::{
    next_event, Bytes, ConnectError, ConnectRequest, ConversationSetup, HistoryEntry, VoiceEvent, VoiceLink,
    VoiceProvider,
};

const FRAME: Duration = Duration::from_millis(20);
/// How late the housekeeping timer may fire after a quiet 20 ms.
const SLACK: Duration = Duration::from_millis(5);

type Linking = JoinHandle<Result<Box<dyn VoiceLink>, ConnectError>>;

pub(super) struct Runner {
    pub(super) provider: Arc<dyn VoiceProvider>,
    pub(super) worker: Worker,
    pub(super) session_id: String,
    pub(super) opts: SessionOptions,
    pub(super) setup: ConversationSetup,
    pub(super) input_sample_rate: u32,
    pub(super) events: mpsc::UnboundedSender<SessionEvent>,
    pub(super) playback: Box<dyn Playback>,
    pub(super) conversation: Conversation,
    /// The live link, if any.
    pub(super) link: Option<Box<dyn VoiceLink>>,
    /// A reconnect attempt in flight.
    pub(super) linking: Option<Linking>,
    /// The provider error that came just before a close explains it.
    pub(super) last_error: Option<ErrorRecord>,
    pub(super) shown_state: Option<super::SessionState>,
    pub(super) vad: EnergyVad,
    pub(super) frames_seen: u64,
    pub(super) turns: TurnTracker,
    pub(super) history: Vec<HistoryEntry>,
    /// Client-side calls running now: id → name.
    pub(super) pending_calls: HashMap<String, String>,
    pub(super) cancelled: HashSet<String>,
    /// Typed turns waiting for the agent to be idle.
    pub(super) says: VecDeque<String>,
    /// Typed turns sent, which the provider may echo back as user text.
    pub(super) typed_echo: VecDeque<String>,
    pub(super) last_provider_activity: Instant,
    pub(super) input_ended: bool,
    pub(super) next_silence_at: Instant,
    pub(super) silence: Bytes,
    pub(super) stats: SessionStats,
    pub(super) report: SessionReport,
    /// Safety categories already acted on in this conversation.
    pub(super) safety_shown: HashSet<String>,
}

enum Wake {
    Frame(Option<super::Frame>),
    Provider(Option<VoiceEvent>),
    Command(Option<SessionCommand>),
    Intent(IntentDone),
    Linked(Result<Box<dyn VoiceLink>, ConnectError>),
    Tick,
}

async fn provider_event(link: &mut Option<Box<dyn VoiceLink>>) -> Option<VoiceEvent> {
    match link {
        Some(l) => next_event(l.as_mut()).await,
        None => std::future::pending().await,
    }
}

async fn linked(task: &mut Option<Linking>) -> Result<Box<dyn VoiceLink>, ConnectError> {
    let Some(handle) = task.as_mut() else { return std::future::pending().await };
    let result =
        handle.await.unwrap_or_else(|e| Err(ConnectError::Other { message: e.to_string(), retriable: true }));
    *task = None;
    result
}

pub(super) async fn run<S: FrameSource>(
    control: Arc<dyn ControlPlane>,
    provider: Arc<dyn VoiceProvider>,
    mut source: S,
    playback: Box<dyn Playback>,
    opts: SessionOptions,
    mut commands: mpsc::UnboundedReceiver<SessionCommand>,
    events: mpsc::UnboundedSender<SessionEvent>,
) -> Result<SessionReport, SessionError> {
    let _ = events.send(SessionEvent::State { state: super::SessionState::Connecting });
    let user_id = opts.user_id.clone();
    let start_control = control.clone();
    let start: SessionStart = tokio::task::spawn_blocking(move || start_control.start_session(&user_id))
        .await
        .map_err(|e| SessionError::Start(ControlError::other(e.to_string())))?
        .map_err(SessionError::Start)?;
    let session_id = start.session_id.clone();
    let (results_tx, mut results) = mpsc::unbounded_channel();
    let worker = Worker::spawn(control.clone(), session_id.clone(), results_tx, events.clone());
    let samples = (source.sample_rate() as usize) / 50;
    let policy = ReconnectPolicy {
        max_attempts: opts.max_reconnects,
        backoff_base: opts.backoff_base,
        backoff_max: opts.backoff_max,
    };
    let mut r = Runner {
        provider,
        worker,
        session_id: session_id.clone(),
        input_sample_rate: source.sample_rate(),
        conversation: Conversation::new(policy, start.setup.greeting.is_some()),
        setup: start.setup,
        opts,
        events,
        playback,
        link: None,
        linking: None,
        last_error: None,
        shown_state: Some(super::SessionState::Connecting),
        vad: EnergyVad::for_20ms_frames(),
        frames_seen: 0,
        turns: TurnTracker::new(),
        history: Vec::new(),
        pending_calls: HashMap::new(),
        cancelled: HashSet::new(),
        says: VecDeque::new(),
        typed_echo: VecDeque::new(),
        last_provider_activity: Instant::now(),
        input_ended: false,
        next_silence_at: Instant::now(),
        silence: Bytes::from(vec![0u8; samples * 2]),
        stats: SessionStats::default(),
        report: SessionReport::new(session_id),
        safety_shown: HashSet::new(),
    };

    // The first connection is not retried: a wrong key, URL or host should fail fast.
    let first = r.provider.connect(r.connect_request(start.credential, true)).await;
    match first {
        Ok(link) => r.attach(link),
        Err(e) => {
            let reason = format!("could not connect to the agent: {e}");
            r.finish(SessionEnd::Interrupted { reason }).await;
            return Err(match e {
                ConnectError::Credential(c) => SessionError::Token(c),
                error => SessionError::Connect { session_id: r.session_id, error },
            });
        }
    }
    source.start();
    r.step(Input::Connected);

    // Housekeeping runs every 20 ms, piggybacking on whatever woke the loop (usually a frame);
    // the timer only fires when nothing else did, so it adds no wake-ups while audio flows.
    let tick = r.frame_period();
    let mut next_housekeeping = Instant::now() + tick;
    let fallback = tokio::time::sleep(tick + SLACK);
    tokio::pin!(fallback);
    let mut commands_open = true;
    while r.conversation.ended().is_none() {
        let wake = tokio::select! {
            f = source.next_frame(), if !r.input_ended => Wake::Frame(f),
            e = provider_event(&mut r.link) => Wake::Provider(e),
            c = commands.recv(), if commands_open => Wake::Command(c),
            Some(d) = results.recv() => Wake::Intent(d),
            l = linked(&mut r.linking) => Wake::Linked(l),
            _ = &mut fallback => Wake::Tick,
        };
        match wake {
            Wake::Frame(Some(frame)) => r.on_frame(frame),
            Wake::Frame(None) => {
                tracing::debug!("input ended; streaming silence until the agent is done");
                r.input_ended = true;
                r.next_silence_at = Instant::now();
            }
            Wake::Provider(Some(event)) => r.on_provider(event),
            Wake::Provider(None) => r.on_closed(None, "the connection ended".into()),
            Wake::Command(Some(SessionCommand::Say(text))) => {
                if !text.trim().is_empty() {
                    r.says.push_back(text.trim().to_string());
                }
            }
            Wake::Command(Some(SessionCommand::Stop)) => r.step(Input::Stop),
            Wake::Command(None) => commands_open = false,
            Wake::Intent(done) => r.on_intent(done),
            Wake::Linked(result) => r.on_linked(result),
            Wake::Tick => {}
        }
        let now = Instant::now();
        if now >= next_housekeeping {
            r.on_tick();
            r.stats.capture_drops = source.dropped_frames();
            let echo = source.echo();
            r.stats.echo_reduction_db = echo.reduction_db;
            r.stats.echo_delay_ms = echo.delay_ms;
            r.stats.false_barge_ins_avoided = echo.false_barge_ins_avoided;
            next_housekeeping = now + tick;
            fallback.as_mut().reset((next_housekeeping + SLACK).into());
        }
    }
    let end = r.conversation.ended().cloned().unwrap_or(SessionEnd::Completed);
    Ok(r.finish(end).await)
}

impl Runner {
    /// Wall time of one 20 ms frame of the conversation (shorter in a sped-up run).
    pub(super) fn frame_period(&self) -> Duration {
        FRAME / self.opts.pace.max(1)
    }

    /// What a (re)connection is opened with; a resumed one gets the conversation so far.
    pub(super) fn connect_request(
        &self,
        credential: Option<crate::voice::Credential>,
        first: bool,
    ) -> ConnectRequest {
        ConnectRequest {
            setup: self.setup.clone(),
            input_sample_rate: self.input_sample_rate,
            output_sample_rate: self.opts.output_sample_rate,
            credential,
            history: if first { Vec::new() } else { self.history.clone() },
            greet: first,
        }
    }
}
