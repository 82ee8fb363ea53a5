//! [`OpenAiLink`]: one live Realtime connection behind the provider seam. It turns server
//! events into provider-neutral ones, runs the protocol's function-call and barge-in rules, and
//! owes `response.create` after function outputs and typed turns.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::connection::{Connection, Incoming, Outbound};
use super::events;
use super::pcm::PcmConverter;
use super::API_RATE;
use crate::voice::{
    BoxFuture, Bytes, FunctionCallRequest, Instruction, LinkCounters, SendError, VoiceEvent, VoiceLink,
};

#[path = "link_map.rs"]
mod map;

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

    /// A system message in the conversation, then a response that follows it (after the running
    /// one, if any): the reply already under way was written before the instruction existed.
    fn send_instruction(&self, instruction: &Instruction) -> Result<(), SendError> {
        self.send(&events::system_text(&instruction.text))?;
        self.request_response()
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
