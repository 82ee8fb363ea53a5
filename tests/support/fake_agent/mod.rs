//! A local stand-in for the Deepgram Voice Agent (V1), faithful to the protocol reference:
//! bearer auth on the upgrade, `Welcome`, strict `Settings`, one Settings per socket, idle
//! timeout, an energy VAD over the received linear16 audio, and a scripted conversation that
//! survives reconnects (the script position is shared by all connections).

mod conn;
mod reader;
pub mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

/// One step of the scripted conversation.
#[derive(Debug, Clone)]
pub enum Step {
    /// Waits for the user to speak (VAD start: `UserStartedSpeaking`) and to stop (VAD end).
    UserTurn,
    /// Sends the user's final transcript.
    UserText(String),
    /// Sends the agent's text.
    AgentText(String),
    /// Sends a client-side `FunctionCallRequest` and, if `await_response`, waits for the answer.
    Call {
        id: String,
        name: String,
        args: Value,
        await_response: bool,
    },
    /// Sends `FunctionCallCancelled` for a call.
    Cancel {
        id: String,
        name: String,
    },
    /// `AgentStartedSpeaking`, `ms` of agent audio paced in real time, `AgentAudioDone`,
    /// `LatencyReport`. User speech during it is a barge-in: `UserStartedSpeaking`, audio stops.
    Reply {
        ms: u32,
    },
    /// Waits for an `InjectUserMessage` and echoes it as the user's `ConversationText`.
    Typed,
    /// Sends a raw JSON text frame.
    Json(Value),
    /// Sends a text frame verbatim (e.g. not JSON at all).
    Raw(String),
    Sleep(u64),
    /// Drops the TCP connection without a close frame.
    Drop,
    /// Sends `Error` and closes.
    Error {
        code: String,
        description: String,
    },
}

impl Step {
    /// A function call the fake waits for the client to answer.
    pub fn call(id: &str, name: &str, args: serde_json::Value) -> Step {
        Step::Call { id: id.into(), name: name.into(), args, await_response: true }
    }
}

#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub token: String,
    pub idle_timeout: Duration,
    pub script: Vec<Step>,
    pub greeting_ms: u32,
    pub vad_threshold_dbfs: f32,
    pub vad_onset_ms: u32,
    pub vad_hangover_ms: u32,
    /// After this many accepted connections, upgrades are refused with HTTP 503 (the service
    /// being down), to exercise bounded reconnects.
    pub max_connections: Option<u32>,
    /// 24 kHz samples the replies speak (looped); a 440 Hz tone when empty.
    pub reply_voice: Arc<Vec<i16>>,
}

impl FakeConfig {
    pub fn new(token: &str, script: Vec<Step>) -> Self {
        FakeConfig {
            token: token.into(),
            idle_timeout: Duration::from_secs(10),
            script,
            greeting_ms: 400,
            vad_threshold_dbfs: -40.0,
            vad_onset_ms: 60,
            vad_hangover_ms: 700,
            max_connections: None,
            reply_voice: Arc::default(),
        }
    }
}

/// Everything the fake observed, for assertions.
#[derive(Debug, Default, Clone)]
pub struct FakeLog {
    pub connections: u32,
    pub auth_failures: u32,
    pub refused_unavailable: u32,
    /// Every Settings received, in order (valid or not).
    pub settings: Vec<Value>,
    pub function_responses: Vec<Value>,
    pub injected: Vec<String>,
    /// The `prompt` of every `UpdatePrompt`.
    pub prompt_updates: Vec<String>,
    pub keepalives: u32,
    pub audio_bytes_in: u64,
    /// Agent audio bytes sent, and bytes a barge-in kept from being sent.
    pub audio_bytes_out: u64,
    pub audio_bytes_cut: u64,
    pub barge_ins: u32,
    pub speech_starts: u32,
    pub errors_sent: Vec<String>,
    pub problems: Vec<String>,
    pub script_done: bool,
    pub client_closed_normally: u32,
}

pub struct FakeAgent {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<FakeLog>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeAgent {
    pub async fn start(config: FakeConfig) -> FakeAgent {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake agent");
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(FakeLog::default()));
        let shared = Arc::new(conn::Shared { config, log: log.clone(), position: Mutex::new(0) });
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let expected = format!("Bearer {}", shared.config.token);
                    let log = shared.log.clone();
                    let max = shared.config.max_connections;
                    #[allow(clippy::result_large_err)] // the handshake callback's signature
                    let check = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
                        let ok = req.headers().get("authorization").and_then(|v| v.to_str().ok())
                            == Some(expected.as_str());
                        let full = max.is_some_and(|m| log.lock().unwrap().connections >= m);
                        if ok && full {
                            log.lock().unwrap().refused_unavailable += 1;
                            let mut e = ErrorResponse::new(Some("unavailable".into()));
                            *e.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                            Err(e)
                        } else if ok {
                            Ok(resp)
                        } else {
                            log.lock().unwrap().auth_failures += 1;
                            let mut e = ErrorResponse::new(Some("unauthorized".into()));
                            *e.status_mut() = StatusCode::UNAUTHORIZED;
                            Err(e)
                        }
                    };
                    if let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, check).await {
                        shared.log.lock().unwrap().connections += 1;
                        conn::serve(ws, shared).await;
                    }
                });
            }
        });
        FakeAgent { addr, log, task }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/v1/agent/converse", self.addr)
    }

    pub fn log(&self) -> FakeLog {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for FakeAgent {
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
