//! One fake realtime socket: `session.created`, the protocol's bookkeeping for every valid
//! client event (items, the one active response, truncation, function outputs), and the
//! script executor. Responses themselves are in `respond.rs`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::{FakeConfig, FakeLog, Step, WAIT_LIMIT};

pub(super) struct Shared {
    pub config: FakeConfig,
    pub log: Arc<Mutex<FakeLog>>,
    pub position: Mutex<usize>,
}

pub(super) enum Out {
    Msg(Message),
    Drop,
    Close(CloseCode, String),
}

#[derive(Debug)]
pub(super) enum In {
    /// A valid client event other than an append.
    Event(Value),
    /// Milliseconds of audio appended.
    Appended(f64),
    SpeechStart(u64),
    SpeechEnd(u64),
}

/// Why a response may start: server VAD committed a turn, or the client asked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Trigger {
    Vad,
    Client { instructions: Option<String> },
}

pub(super) struct Gone;

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub(super) fn id(prefix: &str) -> String {
    format!("{prefix}_{:06}", NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

pub(super) fn error_event(
    code: Option<&str>,
    message: &str,
    param: Option<&str>,
    event_id: Option<&str>,
) -> Message {
    Message::text(
        json!({"type": "error", "event_id": id("event"), "error": {"type": "invalid_request_error",
            "code": code, "message": message, "param": param, "event_id": event_id}})
        .to_string(),
    )
}

/// The configuration a new session starts with (VAD on, transcription off).
pub(super) fn default_session(model: &str) -> Value {
    json!({"type": "realtime", "object": "realtime.session", "id": id("sess"), "model": model,
        "output_modalities": ["audio"], "instructions": "You are a helpful, witty, and friendly AI.",
        "tools": [], "tool_choice": "auto", "max_output_tokens": "inf", "tracing": null, "truncation": "auto",
        "prompt": null, "expires_at": 1_900_000_000u64,
        "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": null,
            "noise_reduction": null, "turn_detection": {"type": "server_vad", "threshold": 0.5,
            "prefix_padding_ms": 300, "silence_duration_ms": 200, "idle_timeout_ms": null,
            "create_response": true, "interrupt_response": true}},
          "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy", "speed": 1.0}},
        "include": null})
}

pub(super) struct Conv {
    pub shared: Arc<Shared>,
    pub out: mpsc::UnboundedSender<Out>,
    rx: mpsc::UnboundedReceiver<In>,
    pub index: u32,
    pub session: Value,
    pub configured: bool,
    /// Assistant audio items and their audio length in ms (truncation is checked against it).
    pub assistant_audio: HashMap<String, f64>,
    pub calls: HashSet<String>,
    pub outputs: Vec<String>,
    pub typed: VecDeque<String>,
    pub owed: VecDeque<Trigger>,
    pub active: Option<String>,
    pub cancel: bool,
    pub speaking: bool,
    pub unconsumed_start: Option<u64>,
    pub announced: Option<String>,
    pub user_item: Option<String>,
    pub last_item: Option<String>,
    pub buffered_ms: f64,
    pub audio_out: bool,
    pub sample: u64,
}

pub(super) async fn serve(ws: WebSocketStream<TcpStream>, shared: Arc<Shared>, index: u32, beta: bool) {
    let (mut sink, stream) = ws.split();
    let (out, mut out_rx) = mpsc::unbounded_channel::<Out>();
    let writer = tokio::spawn(async move {
        while let Some(o) = out_rx.recv().await {
            match o {
                Out::Msg(m) => {
                    if sink.send(m).await.is_err() {
                        return;
                    }
                }
                Out::Drop => {
                    let _ = sink.flush().await;
                    return;
                }
                Out::Close(code, reason) => {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                    return;
                }
            }
        }
    });
    if beta {
        shared.log.lock().unwrap().errors_sent.push("beta_api_shape_disabled".into());
        let _ = out.send(Out::Msg(error_event(
            Some("beta_api_shape_disabled"),
            "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.",
            None,
            None,
        )));
        let _ = out.send(Out::Close(CloseCode::from(4000), "beta_api_shape_disabled".into()));
        let _ = writer.await;
        return;
    }
    let (in_tx, rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(super::reader::read(stream, shared.clone(), out.clone(), in_tx));
    let mut conv = Conv {
        session: default_session("gpt-realtime"),
        shared,
        out,
        rx,
        index,
        configured: false,
        assistant_audio: HashMap::new(),
        calls: HashSet::new(),
        outputs: Vec::new(),
        typed: VecDeque::new(),
        owed: VecDeque::new(),
        active: None,
        cancel: false,
        speaking: false,
        unconsumed_start: None,
        announced: None,
        user_item: None,
        last_item: None,
        buffered_ms: 0.0,
        audio_out: false,
        sample: 0,
    };
    conv.send(json!({"type": "session.created", "session": conv.session.clone()}));
    if conv.run().await {
        let _ = conv.out.send(Out::Drop);
        let _ = writer.await;
        reader.abort();
    } else {
        let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
        writer.abort();
    }
}

impl Conv {
    pub fn log(&self) -> std::sync::MutexGuard<'_, FakeLog> {
        self.shared.log.lock().unwrap()
    }

    pub fn send(&self, mut v: Value) {
        v["event_id"] = json!(id("event"));
        let _ = self.out.send(Out::Msg(Message::text(v.to_string())));
    }

    /// The next input, applied to the protocol state first. `Ok(None)` at `until`.
    pub async fn next(&mut self, until: Instant) -> Result<Option<In>, Gone> {
        let ev = match tokio::time::timeout_at(until, self.rx.recv()).await {
            Err(_) => return Ok(None),
            Ok(None) => return Err(Gone),
            Ok(Some(ev)) => ev,
        };
        match &ev {
            In::SpeechStart(at) => {
                self.speaking = true;
                self.unconsumed_start = Some(*at);
            }
            In::SpeechEnd(_) => self.speaking = false,
            In::Appended(ms) => self.buffered_ms += ms,
            In::Event(v) => self.apply(v),
        }
        Ok(Some(ev))
    }

    /// Waits until `done`, or notes a problem after `WAIT_LIMIT`.
    pub async fn wait(&mut self, what: &str, mut done: impl FnMut(&mut Conv) -> bool) -> Result<(), Gone> {
        let limit = Instant::now() + WAIT_LIMIT;
        while !done(self) {
            if self.next(limit).await?.is_none() {
                self.log().problems.push(format!("timed out waiting for {what}"));
                return Err(Gone);
            }
        }
        Ok(())
    }

    /// Returns whether the connection was dropped (rather than closed).
    async fn run(&mut self) -> bool {
        if self.wait("session.update", |c| c.configured).await.is_err() {
            return false;
        }
        // The client sends its history and greeting right after its configuration.
        let settle = Instant::now() + Duration::from_millis(300);
        while self.owed.is_empty() {
            match self.next(settle).await {
                Err(Gone) => return false,
                Ok(None) => break,
                Ok(Some(_)) => {}
            }
        }
        if let Some(Trigger::Client { instructions: Some(i) }) = self.owed.front().cloned() {
            if let (Some(a), Some(b)) = (i.find('"'), i.rfind('"')) {
                if b > a {
                    self.owed.pop_front();
                    let ms = self.shared.config.greeting_ms;
                    if self.speak(&i[a + 1..b], ms).await.is_err() {
                        return false;
                    }
                }
            }
        }
        loop {
            let step = self.shared.config.script.get(*self.shared.position.lock().unwrap()).cloned();
            let Some(step) = step else { break };
            let shared = self.shared.clone();
            let advance = move || *shared.position.lock().unwrap() += 1;
            match step {
                Step::Drop => {
                    advance();
                    return true;
                }
                Step::Error { code, message, close } => {
                    advance();
                    self.log().errors_sent.push(code.clone());
                    let _ = self.out.send(Out::Msg(error_event(Some(&code), &message, None, None)));
                    if close {
                        let _ = self.out.send(Out::Close(CloseCode::Error, String::new()));
                        return false;
                    }
                }
                Step::Expire => {
                    advance();
                    let reason = "Your session hit the maximum duration of 60 minutes.";
                    self.log().errors_sent.push("session_expired".into());
                    let _ = self.out.send(Out::Msg(error_event(Some("session_expired"), reason, None, None)));
                    let _ = self.out.send(Out::Close(CloseCode::Away, reason.into()));
                    return false;
                }
                other => {
                    if self.step(other).await.is_err() {
                        return false;
                    }
                    advance();
                }
            }
        }
        self.log().script_done = true;
        let far = Instant::now() + Duration::from_secs(3600);
        while let Ok(Some(_)) = self.next(far).await {}
        false
    }
}
