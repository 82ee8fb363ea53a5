//! The session loop: one task selecting over captured frames, agent events, commands, intent
//! outcomes, connection attempts and a 20 ms housekeeping tick.

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
use super::{
    CallRecord, ErrorRecord, SessionCommand, SessionError, SessionOptions, SessionReport, TranscriptLine,
};
use crate::agent::{
    AgentConnection, AgentSender, AgentSetup, Auth, Bytes, ConnectConfig, HistoryItem, ServerEvent,
};

pub(super) const FRAME: Duration = Duration::from_millis(20);

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
    pub history: Vec<HistoryItem>,
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

    let mut tick = tokio::time::interval(FRAME);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut commands_open = true;
    while r.end.is_none() {
        let wake = tokio::select! {
            f = source.next_frame(), if !r.input_ended => Wake::Frame(f),
            e = next_event(&mut r.conn) => Wake::Server(e),
            c = commands.recv(), if commands_open => Wake::Command(c),
            Some(d) = results.recv() => Wake::Intent(d),
            l = linked(&mut r.connecting) => Wake::Linked(l),
            _ = tick.tick() => Wake::Tick,
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
            Wake::Tick => r.on_tick(),
        }
        r.stats.capture_drops = source.dropped_frames();
    }
    let end = r.end.take().unwrap_or(SessionEnd::Completed);
    Ok(r.finish(end).await)
}

impl Runner {
    pub fn connect_config(&self) -> ConnectConfig {
        let mut c = ConnectConfig::new(self.opts.agent_url.clone(), Auth::Bearer(String::new()));
        c.keepalive_every = self.opts.keepalive_every;
        c.connect_timeout = self.opts.connect_timeout;
        c.record_write_latency = self.opts.record_write_latency;
        c
    }

    pub fn emit(&self, event: SessionEvent) {
        let _ = self.events.send(event);
    }

    pub fn set_state(&mut self, state: SessionState) {
        if self.state != state {
            self.state = state;
            self.emit(SessionEvent::State { state });
        }
    }

    pub fn attach(&mut self, conn: AgentConnection) {
        self.emit(SessionEvent::Started {
            session_id: self.session_id.clone(),
            request_id: conn.request_id.clone(),
        });
        self.report.request_ids.push(conn.request_id.clone());
        self.worker.push(super::worker::Job::RequestId(conn.request_id.clone()));
        self.sender = Some(conn.sender());
        self.conn = Some(conn);
        self.last_server_activity = Instant::now();
        self.last_error = None;
    }

    /// Folds a finished connection's writer counters into the session's.
    pub fn detach(&mut self) {
        if let Some(sender) = self.sender.take() {
            let s = sender.stats();
            self.stats.frames_sent += s.frames_sent();
            self.stats.keepalives_sent += s.keepalives_sent();
            self.stats.frames_unsent += s.frames_dropped();
            let latencies = s.take_write_latencies();
            self.report
                .write_latencies_us
                .extend(latencies.into_iter().map(|d| u32::try_from(d.as_micros()).unwrap_or(u32::MAX)));
        }
        self.conn = None;
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        if self.turns.awaiting_played() {
            if let Some(at) = self.playback.first_sample_played_at() {
                self.turns.played(at);
            }
        }
        if self.input_ended {
            while self.next_silence_at <= now {
                if let Some(sender) = &self.sender {
                    let _ = sender.send_audio(self.silence.clone(), now);
                }
                // The VAD hears what is sent, so speech that ran to the end of the input ends.
                if let Some(super::vad::VadEvent::SpeechEnd(at)) =
                    self.vad.push(super::vad::SILENCE_DBFS, now)
                {
                    self.turns.speech_ended(at);
                }
                self.next_silence_at += FRAME;
            }
        }
        if let Some((attempt, due, _)) = &self.reconnect {
            if *due <= now && self.connecting.is_none() {
                tracing::info!(attempt, "reconnecting to the agent");
                let mut setup = self.setup.clone();
                setup.greeting = None;
                setup.context = self.history.clone();
                let task = open(self.control.clone(), None, self.connect_config(), setup);
                self.connecting = Some(tokio::spawn(task));
            }
        }
        if self.state == SessionState::AgentSpeaking && !self.reply_active && self.playback.is_drained() {
            self.set_state(SessionState::Listening);
        }
        self.dispatch_say(now);
        if self.input_ended && self.agent_done(now) {
            self.end = Some(SessionEnd::Completed);
        }
    }

    /// Whether the agent is idle: nothing pending, nothing playing, not mid-reply.
    fn agent_idle(&self) -> bool {
        self.conn.is_some()
            && self.pending_calls.is_empty()
            && !self.reply_active
            && self.playback.is_drained()
    }

    fn agent_done(&self, now: Instant) -> bool {
        let quiet = now.saturating_duration_since(self.last_server_activity);
        self.agent_idle()
            && self.says.is_empty()
            && quiet >= self.opts.settle
            && (!self.awaiting_reply || quiet >= self.opts.reply_timeout)
    }

    fn dispatch_say(&mut self, now: Instant) {
        let owed = self.awaiting_reply
            && now.saturating_duration_since(self.last_server_activity) < self.opts.reply_timeout;
        if self.says.is_empty() || !self.agent_idle() || owed || self.vad.in_speech() {
            return;
        }
        let Some(text) = self.says.pop_front() else { return };
        let message = crate::agent::ClientMessage::InjectUserMessage { content: text.clone() };
        if let Some(sender) = &self.sender {
            if let Err(e) = sender.send(&message) {
                tracing::warn!(error = %e, "typed turn not sent");
                return;
            }
        }
        self.typed_echo.push_back(text.clone());
        self.awaiting_reply = true;
        self.last_server_activity = now;
        self.user_text(text, true, Some(now));
    }

    fn on_linked(&mut self, result: Result<AgentConnection, LinkError>) {
        let Some((attempt, _, reason)) = self.reconnect.take() else { return };
        match result {
            Ok(conn) => {
                self.stats.reconnects += 1;
                self.attach(conn);
                // Replies in flight on the old socket are gone; so are their calls.
                self.reply_active = false;
                self.pending_calls.clear();
                self.set_state(SessionState::Listening);
            }
            Err(e) if !e.retriable => {
                let reason = format!("reconnect refused: {}", e.message);
                self.end = Some(SessionEnd::Interrupted { reason });
            }
            Err(e) if attempt >= self.opts.max_reconnects => {
                let reason =
                    format!("gave up after {attempt} reconnect attempts ({reason}; last: {})", e.message);
                self.end = Some(SessionEnd::Interrupted { reason });
            }
            Err(e) => {
                let next = attempt + 1;
                let delay = super::link::backoff(next, self.opts.backoff_base, self.opts.backoff_max);
                self.emit(SessionEvent::Reconnecting { attempt: next, reason: e.message.clone() });
                self.reconnect = Some((next, Instant::now() + delay, reason));
            }
        }
    }

    /// Closes the connection, records the last turn and the counters, and ends the record.
    async fn finish(&mut self, end: SessionEnd) -> SessionReport {
        if let Some(mut conn) = self.conn.take() {
            conn.close(self.opts.close_wait).await;
            self.conn = Some(conn);
        }
        self.detach();
        if let Some(task) = self.connecting.take() {
            task.abort();
        }
        if let Some(metrics) = self.turns.take() {
            self.record_turn(metrics);
        }
        let playback = self.playback.stats();
        self.stats.playback_underruns = playback.underruns;
        self.stats.turns = self.report.turns.len() as u64;
        let finish = match &end {
            SessionEnd::Interrupted { reason } => super::worker::Finish::Interrupted(reason.clone()),
            _ => super::worker::Finish::Close,
        };
        for e in self.worker.finish(self.stats, finish).await {
            self.report.errors.push(ErrorRecord { code: "STORE".into(), description: e.to_string() });
        }
        self.emit(SessionEvent::SessionStats { stats: self.stats });
        self.emit(SessionEvent::Ended { outcome: end.clone() });
        self.set_state(SessionState::Closed);
        self.report.stats = self.stats;
        self.report.end = end;
        self.report.clone()
    }

    pub fn record_turn(&mut self, metrics: super::TurnMetrics) {
        self.emit(SessionEvent::TurnMetrics { metrics: metrics.clone() });
        self.worker.push(super::worker::Job::TurnMetrics(metrics.clone()));
        self.report.turns.push(metrics);
    }

    pub fn user_text(&mut self, content: String, typed: bool, typed_at: Option<Instant>) {
        if let Some(done) = self.turns.user_turn(typed_at) {
            self.record_turn(done);
        }
        self.store_text("user", content, typed);
    }

    pub fn store_text(&mut self, role: &str, content: String, typed: bool) {
        self.history.push(HistoryItem { role: role.to_string(), content: content.clone() });
        self.worker
            .push(super::worker::Job::SaveMessage { role: role.to_string(), content: content.clone() });
        self.emit(SessionEvent::Transcript { role: role.to_string(), content: content.clone(), typed });
        self.report.transcript.push(TranscriptLine { role: role.to_string(), content, typed });
    }

    pub fn call_record(&mut self, id: &str) -> Option<&mut CallRecord> {
        self.report.function_calls.iter_mut().rev().find(|c| c.id == id)
    }
}
