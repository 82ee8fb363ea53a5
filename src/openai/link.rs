//! [`OpenAiLink`]: one live Realtime connection behind the provider seam. It turns server
//! events into provider-neutral ones, runs the protocol's function-call and barge-in rules, and
//! owes `response.create` after function outputs and typed turns.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use base64::Engine;
use tokio::sync::mpsc;

use super::connection::{Connection, Incoming, Outbound};
use super::events;
use super::pcm::PcmConverter;
use super::server::ServerEvent;
use super::API_RATE;
use crate::voice::{
    AgentStartedLatency, BoxFuture, Bytes, FunctionCallRequest, LinkCounters, SendError, VoiceEvent,
    VoiceLink,
};

/// Bytes of 24 kHz PCM16 per millisecond.
const BYTES_PER_MS: f64 = (API_RATE as f64) * 2.0 / 1000.0;

/// Whether a response is running and what it still needs before `response.create` may go.
#[derive(Default)]
struct Responses {
    active: bool,
    /// Calls of the last response not answered yet; the follow-up waits for all of them.
    unanswered: HashSet<String>,
    /// A `response.create` is due as soon as no response is active.
    create_owed: bool,
}

/// The assistant audio item being played, for truncation on barge-in.
struct Playing {
    item_id: String,
    first_at: Instant,
    received_ms: f64,
}

/// One live Realtime connection.
pub struct OpenAiLink {
    conn: Connection,
    output: PcmConverter,
    responses: Mutex<Responses>,
    calls: Vec<FunctionCallRequest>,
    names: HashMap<String, String>,
    playing: Option<Playing>,
    response_audio: bool,
    /// A committed user item whose transcript has not arrived: the agent's transcripts wait
    /// for it, so the conversation is stored in the order it was spoken.
    user_transcript_due: bool,
    parked: Vec<VoiceEvent>,
    queue: VecDeque<VoiceEvent>,
    closed: bool,
}

impl OpenAiLink {
    /// `responding`: a `response.create` went out with the setup.
    pub(super) fn new(conn: Connection, output: PcmConverter, responding: bool) -> Self {
        let responses = Responses { active: responding, ..Default::default() };
        OpenAiLink {
            conn,
            output,
            responses: Mutex::new(responses),
            calls: Vec::new(),
            names: HashMap::new(),
            playing: None,
            response_audio: false,
            user_transcript_due: false,
            parked: Vec::new(),
            queue: VecDeque::new(),
            closed: false,
        }
    }

    fn send(&self, value: &serde_json::Value) -> Result<(), SendError> {
        self.conn.control.send(Outbound::Text(value.to_string())).map_err(|_| SendError::Closed)
    }

    fn responses(&self) -> std::sync::MutexGuard<'_, Responses> {
        self.responses.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `response.create` now, or as soon as the running response is done.
    fn request_response(&self) -> Result<(), SendError> {
        let mut r = self.responses();
        if r.active {
            r.create_owed = true;
            return Ok(());
        }
        r.active = true;
        drop(r);
        self.send(&events::response_create())
    }

    fn on_incoming(&mut self, incoming: Incoming) {
        let event = match incoming {
            Incoming::Event(event) => event,
            Incoming::Malformed(e) => return self.queue.push_back(VoiceEvent::Malformed(e)),
            Incoming::Closed { code, reason } => {
                self.closed = true;
                self.release_parked();
                return self.queue.push_back(VoiceEvent::Closed { code, reason });
            }
        };
        let out = match event {
            ServerEvent::SpeechStarted => {
                self.barge_in();
                self.release_parked();
                VoiceEvent::UserStartedSpeaking
            }
            ServerEvent::Committed => {
                self.user_transcript_due = true;
                VoiceEvent::Other
            }
            ServerEvent::UserTranscript { transcript } => {
                if !transcript.trim().is_empty() {
                    self.queue.push_back(VoiceEvent::UserTranscript(transcript.trim().to_string()));
                }
                return self.release_parked();
            }
            ServerEvent::TranscriptionFailed { code, message } => {
                self.queue.push_back(VoiceEvent::Warning { code, description: message });
                return self.release_parked();
            }
            ServerEvent::ResponseCreated { .. } => {
                self.responses().active = true;
                self.response_audio = false;
                self.calls.clear();
                VoiceEvent::AgentThinking
            }
            ServerEvent::AudioDelta { item_id, delta } => return self.on_audio(item_id, &delta),
            ServerEvent::AgentTranscript { transcript } if !transcript.trim().is_empty() => {
                let content = transcript.trim().to_string();
                let event = VoiceEvent::AgentTranscript { role: "assistant".into(), content };
                if self.user_transcript_due {
                    return self.parked.push(event);
                }
                event
            }
            ServerEvent::CallItem { call_id, name } => {
                self.names.insert(call_id, name);
                VoiceEvent::Other
            }
            ServerEvent::CallArguments { call_id, name, arguments } => {
                let name = name.filter(|n| !n.is_empty()).or_else(|| self.names.get(&call_id).cloned());
                self.calls.push(FunctionCallRequest {
                    id: call_id,
                    name: name.unwrap_or_default(),
                    arguments,
                    client_side: true,
                });
                VoiceEvent::Other
            }
            ServerEvent::ResponseDone { status, error, .. } => return self.on_response_done(&status, error),
            ServerEvent::Error { code, message } => match code.as_str() {
                // Benign: a response was running; the create is retried when it is done.
                "conversation_already_has_active_response" => {
                    self.responses().create_owed = true;
                    VoiceEvent::Warning { code, description: message }
                }
                "response_cancel_not_active" => VoiceEvent::Warning { code, description: message },
                // The server closes next; a new connection resumes with the history.
                "session_expired" => VoiceEvent::Warning { code, description: message },
                // A truncation past the item's end: the server applies it clamped anyway.
                _ if message.starts_with("Audio content of") => {
                    VoiceEvent::Warning { code, description: message }
                }
                _ => VoiceEvent::Error { code, description: message },
            },
            _ => VoiceEvent::Other,
        };
        self.queue.push_back(out);
    }

    /// Delivers the agent transcripts that waited for the user's.
    fn release_parked(&mut self) {
        self.user_transcript_due = false;
        self.queue.extend(self.parked.drain(..));
    }

    fn on_audio(&mut self, item_id: String, delta: &str) {
        let pcm = match base64::engine::general_purpose::STANDARD.decode(delta) {
            Ok(pcm) => pcm,
            Err(e) => return self.queue.push_back(VoiceEvent::Malformed(format!("audio delta: {e}"))),
        };
        if self.playing.as_ref().is_none_or(|p| p.item_id != item_id) {
            self.playing = Some(Playing { item_id, first_at: Instant::now(), received_ms: 0.0 });
        }
        if let Some(p) = self.playing.as_mut() {
            p.received_ms += pcm.len() as f64 / BYTES_PER_MS;
        }
        if !self.response_audio {
            self.response_audio = true;
            self.queue.push_back(VoiceEvent::AgentStartedSpeaking(AgentStartedLatency::default()));
        }
        let mut out = Vec::with_capacity(pcm.len());
        self.output.convert(&pcm, &mut out);
        if !out.is_empty() {
            self.queue.push_back(VoiceEvent::Audio(Bytes::from(out)));
        }
    }

    /// The user talks over the agent: cut the item to what was played. The session starts
    /// playing agent audio as it arrives, so the time since the item's first chunk, capped at
    /// what was received, is what the user heard; an item already played to its end is left.
    fn barge_in(&mut self) {
        self.output.reset();
        let Some(p) = self.playing.take() else { return };
        let elapsed = p.first_at.elapsed().as_secs_f64() * 1000.0;
        if elapsed >= p.received_ms {
            return;
        }
        if let Err(e) = self.send(&events::truncate(&p.item_id, elapsed.floor() as u64)) {
            tracing::debug!(error = %e, "truncate not sent");
        }
    }

    fn on_response_done(&mut self, status: &str, error: Option<(String, String)>) {
        let calls = std::mem::take(&mut self.calls);
        let mut create = false;
        {
            let mut r = self.responses();
            r.active = false;
            if status == "completed" && !calls.is_empty() {
                r.unanswered = calls.iter().map(|c| c.id.clone()).collect();
            } else if r.create_owed && r.unanswered.is_empty() {
                r.create_owed = false;
                r.active = true;
                create = true;
            }
        }
        if create {
            if let Err(e) = self.send(&events::response_create()) {
                tracing::debug!(error = %e, "owed response.create not sent");
            }
        }
        if self.response_audio {
            self.response_audio = false;
            self.queue.push_back(VoiceEvent::AgentAudioDone);
        }
        if let (true, Some((code, description))) = (status == "failed", error) {
            self.queue.push_back(VoiceEvent::Error { code, description });
        }
        if status == "completed" && !calls.is_empty() {
            self.queue.push_back(VoiceEvent::FunctionCalls(calls));
        } else {
            self.queue.push_back(VoiceEvent::Other);
        }
    }
}

impl VoiceLink for OpenAiLink {
    fn request_id(&self) -> &str {
        &self.conn.session_id
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<VoiceEvent>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Poll::Ready(Some(event));
            }
            if self.closed {
                return Poll::Ready(None);
            }
            match self.conn.events.poll_recv(cx) {
                Poll::Ready(Some(incoming)) => self.on_incoming(incoming),
                Poll::Ready(None) => {
                    self.on_incoming(Incoming::Closed { code: None, reason: "the reader stopped".into() })
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn send_audio(&self, pcm: Bytes, ready_at: Instant) -> Result<(), SendError> {
        match self.conn.audio.try_send(Outbound::Audio { pcm, ready_at }) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.conn.stats.frames_dropped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err(SendError::Full)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SendError::Closed),
        }
    }

    fn send_user_text(&self, text: &str) -> Result<(), SendError> {
        if text.trim().is_empty() {
            return Err(SendError::Invalid("a typed turn must not be empty".into()));
        }
        self.send(&events::user_text(text))?;
        self.request_response()
    }

    /// The output goes in as an item; the spoken follow-up needs `response.create`, sent once
    /// every call of that response is answered and no response is running.
    fn answer_call(&self, id: &str, _name: &str, content: &str) -> Result<(), SendError> {
        if id.is_empty() {
            return Err(SendError::Invalid("a function result needs its call id".into()));
        }
        self.send(&events::function_output(id, content))?;
        let all_answered = {
            let mut r = self.responses();
            r.unanswered.remove(id);
            r.unanswered.is_empty()
        };
        if all_answered {
            self.request_response()?;
        }
        Ok(())
    }

    fn close(&mut self, wait: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = self.conn.control.send(Outbound::Close);
            let drain = async {
                while let Some(incoming) = self.conn.events.recv().await {
                    if matches!(incoming, Incoming::Closed { .. }) {
                        return;
                    }
                }
            };
            let _ = tokio::time::timeout(wait, drain).await;
            self.closed = true;
        })
    }

    fn counters(&self) -> LinkCounters {
        use std::sync::atomic::Ordering::Relaxed;
        let s = &self.conn.stats;
        LinkCounters {
            frames_sent: s.frames_sent.load(Relaxed),
            keepalives_sent: s.pings_sent.load(Relaxed),
            frames_dropped: s.frames_dropped.load(Relaxed),
        }
    }

    fn take_write_latencies(&mut self) -> Vec<Duration> {
        self.conn.stats.take_latencies()
    }
}

impl Drop for OpenAiLink {
    fn drop(&mut self) {
        for task in &self.conn.tasks {
            task.abort();
        }
    }
}
