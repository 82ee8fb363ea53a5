//! A scripted provider for tests (feature `test-support`): it answers cues in the session's
//! traffic (a link opened, a typed turn, a function result, the user's speech) with scripted
//! events, and records what the session sent. It proves the session works on the seam alone,
//! with no wire protocol underneath.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::{
    AgentStartedLatency, BoxFuture, Bytes, ConnectError, ConnectRequest, Credential, CredentialSource,
    LinkCounters, SendError, VoiceEvent, VoiceLink, VoiceProvider,
};

/// What a scripted step waits for.
#[derive(Debug, Clone, PartialEq)]
pub enum Cue {
    /// Nothing: right after the previous step (or when a link opens).
    Now,
    /// A typed turn arrived; it is echoed back as user text first, as real agents do.
    Typed,
    /// The result of this function call arrived.
    Answered(String),
    /// The user spoke (loud frames, then 300 ms of quiet).
    Speech,
}

/// One step: when `cue` happens, the link emits `events`. A `Closed` event drops the link.
#[derive(Debug, Clone)]
pub struct ScriptStep {
    pub cue: Cue,
    pub events: Vec<VoiceEvent>,
}

/// What the session did on the scripted links.
#[derive(Debug, Default, Clone)]
pub struct ScriptLog {
    pub connections: u32,
    pub requests: Vec<ConnectRequest>,
    /// The credential each link was opened with.
    pub credentials: Vec<Option<Credential>>,
    pub frames: u64,
    pub typed: Vec<String>,
    /// (id, name, content) of every function result.
    pub answers: Vec<(String, String, String)>,
    /// The text of every instruction from the app.
    pub instructions: Vec<String>,
    pub closed_normally: u32,
    pub script_done: bool,
}

struct Shared {
    steps: VecDeque<ScriptStep>,
    log: ScriptLog,
}

/// The provider: one script across all its links, so a dropped link resumes where it stopped.
#[derive(Clone)]
pub struct ScriptedProvider {
    shared: Arc<Mutex<Shared>>,
    credentials: Option<Arc<dyn CredentialSource>>,
}

impl ScriptedProvider {
    pub fn new(steps: Vec<ScriptStep>) -> Self {
        let log = ScriptLog { script_done: steps.is_empty(), ..Default::default() };
        ScriptedProvider {
            shared: Arc::new(Mutex::new(Shared { steps: steps.into(), log })),
            credentials: None,
        }
    }

    /// Links opened without a credential mint one here, as a cloud provider would.
    pub fn with_credentials(mut self, source: Arc<dyn CredentialSource>) -> Self {
        self.credentials = Some(source);
        self
    }

    pub fn log(&self) -> ScriptLog {
        lock(&self.shared).log.clone()
    }

    /// A spoken reply of `ms` milliseconds at `rate` Hz: started, audio in 40 ms chunks, done.
    pub fn reply(ms: u32, rate: u32) -> Vec<VoiceEvent> {
        let mut events = vec![VoiceEvent::AgentStartedSpeaking(AgentStartedLatency::default())];
        let samples = (rate as usize) * ms as usize / 1000;
        let chunk = (rate as usize / 25).max(1);
        let mut left = samples;
        while left > 0 {
            let n = left.min(chunk);
            let pcm: Vec<u8> = (0..n).flat_map(|i| (((i % 48) as i16 - 24) * 200).to_le_bytes()).collect();
            events.push(VoiceEvent::Audio(Bytes::from(pcm)));
            left -= n;
        }
        events.push(VoiceEvent::AgentAudioDone);
        events
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl VoiceProvider for ScriptedProvider {
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Box<dyn VoiceLink>, ConnectError>> {
        let shared = self.shared.clone();
        let source = self.credentials.clone();
        Box::pin(async move {
            let credential = match (&request.credential, source) {
                (Some(c), _) => Some(c.clone()),
                (None, Some(source)) => Some(source.mint().map_err(ConnectError::Credential)?),
                (None, None) => None,
            };
            let (tx, events) = mpsc::unbounded_channel();
            let greeting = request.greet.then(|| request.setup.greeting.clone()).flatten();
            let rate = request.output_sample_rate;
            {
                let mut s = lock(&shared);
                s.log.connections += 1;
                s.log.credentials.push(credential);
                s.log.requests.push(request);
            }
            let link = ScriptedLink { shared, tx, events, closed: false, speech: Speech::default() };
            if let Some(text) = greeting {
                link.emit(VoiceEvent::AgentTranscript { role: "assistant".into(), content: text });
                for e in ScriptedProvider::reply(300, rate) {
                    link.emit(e);
                }
            }
            link.advance(None);
            Ok(Box::new(link) as Box<dyn VoiceLink>)
        })
    }
}

/// Consecutive loud frames, then quiet ones, of the current utterance.
#[derive(Default)]
struct Speech {
    loud: Cell<u32>,
    quiet: Cell<u32>,
}

struct ScriptedLink {
    shared: Arc<Mutex<Shared>>,
    tx: mpsc::UnboundedSender<VoiceEvent>,
    events: mpsc::UnboundedReceiver<VoiceEvent>,
    closed: bool,
    speech: Speech,
}

impl ScriptedLink {
    fn emit(&self, event: VoiceEvent) {
        let _ = self.tx.send(event);
    }

    /// Runs every step whose cue is met by `happened` (or needs nothing), in order.
    fn advance(&self, mut happened: Option<Cue>) {
        loop {
            let mut s = lock(&self.shared);
            let Some(front) = s.steps.front() else {
                s.log.script_done = true;
                return;
            };
            let met = front.cue == Cue::Now || happened.as_ref() == Some(&front.cue);
            if !met {
                return;
            }
            let step = s.steps.pop_front().expect("front exists");
            s.log.script_done = s.steps.is_empty();
            drop(s);
            if step.cue != Cue::Now {
                happened = None;
            }
            let mut dropped = false;
            for event in step.events {
                dropped |= matches!(event, VoiceEvent::Closed { .. });
                self.emit(event);
            }
            if dropped {
                return;
            }
        }
    }
}

impl VoiceLink for ScriptedLink {
    fn request_id(&self) -> &str {
        "scripted"
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<VoiceEvent>> {
        if self.closed {
            return Poll::Ready(None);
        }
        let polled = self.events.poll_recv(cx);
        if let Poll::Ready(Some(VoiceEvent::Closed { .. })) = &polled {
            self.closed = true;
        }
        polled
    }

    fn send_audio(&self, pcm: Bytes, _ready_at: Instant) -> Result<(), SendError> {
        let loud = pcm.chunks_exact(2).any(|b| i16::from_le_bytes([b[0], b[1]]).unsigned_abs() > 1000);
        lock(&self.shared).log.frames += 1;
        let spoke = if loud {
            self.speech.loud.set(self.speech.loud.get() + 1);
            self.speech.quiet.set(0);
            false
        } else {
            self.speech.quiet.set(self.speech.quiet.get() + 1);
            let done = self.speech.loud.get() >= 3 && self.speech.quiet.get() == 15;
            if done {
                self.speech.loud.set(0);
            }
            done
        };
        if spoke {
            self.advance(Some(Cue::Speech));
        }
        Ok(())
    }

    fn send_user_text(&self, text: &str) -> Result<(), SendError> {
        lock(&self.shared).log.typed.push(text.to_string());
        self.emit(VoiceEvent::UserTranscript(text.to_string()));
        self.advance(Some(Cue::Typed));
        Ok(())
    }

    fn answer_call(&self, id: &str, name: &str, content: &str) -> Result<(), SendError> {
        lock(&self.shared).log.answers.push((id.into(), name.into(), content.into()));
        self.advance(Some(Cue::Answered(id.to_string())));
        Ok(())
    }

    fn send_instruction(&self, instruction: &super::Instruction) -> Result<(), SendError> {
        lock(&self.shared).log.instructions.push(instruction.text.clone());
        Ok(())
    }

    fn close(&mut self, _wait: Duration) -> BoxFuture<'_, ()> {
        lock(&self.shared).log.closed_normally += 1;
        self.closed = true;
        Box::pin(async {})
    }

    fn counters(&self) -> LinkCounters {
        LinkCounters::default()
    }
}
