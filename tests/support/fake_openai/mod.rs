//! A local stand-in for OpenAI's Realtime API (GA, WebSocket), faithful to the protocol
//! reference: one base for `POST /v1/realtime/client_secrets` (long-lived key in, `ek_…`
//! secret out) and the socket at `/v1/realtime` (bearer secret on the upgrade, beta header
//! refused with close 4000), `session.created` first, strict validation of every client event,
//! server VAD over the appended audio, one active response at a time, and a scripted
//! conversation that survives reconnects. A response is only produced by server VAD or by a
//! `response.create`: a function output alone never makes the fake speak.

mod conn;
mod http;
mod protocol;
mod reader;
mod respond;
pub mod validate;
mod validate_session;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;

/// One step of the scripted conversation.
#[derive(Debug, Clone)]
pub enum Step {
    /// Waits for VAD to hear the user start (`speech_started`) and stop (`speech_stopped`, the
    /// commit and the user item); server VAD then owes a response.
    UserTurn,
    /// The transcription of the last user audio item.
    UserText(String),
    /// Waits for a `conversation.item.create` user message (a typed turn).
    Typed,
    /// Waits until a response is owed (VAD or `response.create`), then speaks `text` as
    /// `ms` of audio paced in real time; user speech during it is a barge-in.
    Reply {
        text: String,
        ms: u32,
    },
    /// Waits until a response is owed, then answers with a function call and, if
    /// `await_output`, waits for its `function_call_output`.
    Call {
        call_id: String,
        name: String,
        args: Value,
        await_output: bool,
    },
    /// Sends a raw JSON event.
    Json(Value),
    Sleep(u64),
    /// Drops the TCP connection without a close frame.
    Drop,
    /// Sends an `error` event; closes (1011) if `close`.
    Error {
        code: String,
        message: String,
        close: bool,
    },
    /// The session hit its maximum duration: `session_expired`, then close 1001.
    Expire,
}

#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The long-lived key the REST endpoint accepts.
    pub key: String,
    /// The client secret it hands out (and the socket accepts).
    pub secret: String,
    pub script: Vec<Step>,
    /// Quoted text in a greeting `response.create` is spoken as this much audio.
    pub greeting_ms: u32,
    pub vad_threshold_dbfs: f32,
    pub vad_onset_ms: u32,
    /// Status the REST endpoint answers with instead of minting (e.g. 500).
    pub mint_status: Option<u16>,
    /// After this many accepted sockets, upgrades are refused with HTTP 503.
    pub max_connections: Option<u32>,
}

impl FakeConfig {
    pub fn new(key: &str, secret: &str, script: Vec<Step>) -> Self {
        FakeConfig {
            key: key.into(),
            secret: secret.into(),
            script,
            greeting_ms: 400,
            vad_threshold_dbfs: -40.0,
            vad_onset_ms: 60,
            mint_status: None,
            max_connections: None,
        }
    }
}

/// Everything the fake observed, for assertions.
#[derive(Debug, Default, Clone)]
pub struct FakeLog {
    pub secrets_minted: u32,
    /// Every client-secret request body.
    pub mint_bodies: Vec<Value>,
    pub mint_refused: u32,
    pub connections: u32,
    pub auth_failures: u32,
    /// Every `session.update` received (valid or not).
    pub session_updates: Vec<Value>,
    /// Every `conversation.item.create` item, per connection index.
    pub items: Vec<(u32, Value)>,
    pub function_outputs: Vec<Value>,
    pub typed: Vec<String>,
    pub response_creates: u32,
    pub truncates: Vec<Value>,
    pub appends: u64,
    pub audio_bytes_in: u64,
    pub audio_bytes_out: u64,
    pub audio_bytes_cut: u64,
    pub barge_ins: u32,
    pub speech_starts: u32,
    /// Codes of every `error` event sent.
    pub errors_sent: Vec<String>,
    pub problems: Vec<String>,
    pub script_done: bool,
    pub client_closed: u32,
}

pub struct FakeOpenAi {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<FakeLog>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeOpenAi {
    pub async fn start(config: FakeConfig) -> FakeOpenAi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake openai");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(FakeLog::default()));
        let shared = Arc::new(conn::Shared { config, log: log.clone(), position: Mutex::new(0) });
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                tokio::spawn(http::dispatch(tcp, shared.clone()));
            }
        });
        FakeOpenAi { addr, log, task }
    }

    /// The one base for REST and the socket (`COMPANION_OPENAI_URL`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/v1/realtime?model=gpt-realtime", self.addr)
    }

    pub fn log(&self) -> FakeLog {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// RMS level of linear16 LE in dBFS.
pub fn dbfs(pcm: &[u8]) -> f32 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for p in pcm.chunks_exact(2) {
        let s = f64::from(i16::from_le_bytes([p[0], p[1]])) / 32768.0;
        sum += s * s;
        n += 1;
    }
    if n == 0 || sum == 0.0 {
        return -120.0;
    }
    (10.0 * (sum / n as f64).log10()) as f32
}

/// How long the fake waits for anything before noting a problem.
pub const WAIT_LIMIT: Duration = Duration::from_secs(30);
