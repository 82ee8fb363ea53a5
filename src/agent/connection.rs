//! One WebSocket connection to the agent: handshake with credentials, `Welcome` →
//! `Settings` → `SettingsApplied`, then a writer task (audio, JSON, KeepAlive) and a reader
//! task turning frames into [`ServerEvent`]s.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::AUTHORIZATION;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message};

pub use super::connection_io::WriterStats;
use super::connection_io::{read_loop, setup_events, wait_welcome, write_loop, Outbound};
use super::protocol::{ClientMessage, ServerMessage};
use super::settings::SettingsMessage;
use super::AgentError;
use crate::voice::SendError;

/// Credentials for the handshake. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// A short-lived token minted by the control plane (`Authorization: Bearer …`).
    Bearer(String),
    /// A raw API key (`Authorization: Token …`), for servers and diagnostics.
    Token(String),
}

impl Auth {
    fn header_value(&self) -> Result<HeaderValue, AgentError> {
        let text = match self {
            Auth::Bearer(t) => format!("Bearer {t}"),
            Auth::Token(k) => format!("Token {k}"),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            AgentError::InvalidSetup("the credential has characters not allowed in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// How to reach the agent and how patient to be.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    pub url: String,
    pub auth: Auth,
    pub connect_timeout: Duration,
    pub welcome_timeout: Duration,
    pub settings_timeout: Duration,
    /// The service closes an idle socket after roughly 10 s; 5 s leaves room for one late tick.
    pub keepalive_every: Duration,
    /// Audio frames queued for the writer before new ones are dropped (a stalled socket must
    /// not grow memory or delay fresher audio).
    pub audio_queue: usize,
    /// Keep every frame-ready → written latency (for the benchmark).
    pub record_write_latency: bool,
}

impl ConnectConfig {
    pub fn new(url: impl Into<String>, auth: Auth) -> Self {
        ConnectConfig {
            url: url.into(),
            auth,
            connect_timeout: Duration::from_secs(10),
            welcome_timeout: Duration::from_secs(10),
            settings_timeout: Duration::from_secs(10),
            keepalive_every: Duration::from_secs(5),
            audio_queue: 50,
            record_write_latency: false,
        }
    }
}

/// What the reader hands to the session.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    Message(ServerMessage),
    /// Agent speech in the negotiated output format; chunk sizes are arbitrary.
    Audio(Bytes),
    /// A text frame that could not be understood; the connection carries on.
    Malformed {
        error: String,
        raw_prefix: String,
    },
    /// Always the last event of a connection.
    Closed {
        code: Option<u16>,
        reason: String,
    },
}

/// Cheap handle for sending on the connection from any task.
#[derive(Clone)]
pub struct AgentSender {
    control: mpsc::UnboundedSender<Outbound>,
    audio: mpsc::Sender<Outbound>,
    stats: Arc<WriterStats>,
}

impl AgentSender {
    /// Queues one audio frame without waiting; the capture path must never wait on the
    /// network, so a frame that finds the writer behind is dropped (and counted) instead.
    pub fn send_audio(&self, pcm: Bytes, ready_at: Instant) -> Result<(), SendError> {
        match self.audio.try_send(Outbound::Audio { pcm, ready_at }) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.stats.count_dropped();
                Err(SendError::Full)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SendError::Closed),
        }
    }

    /// Queues a JSON message; these are never dropped.
    pub fn send(&self, message: &ClientMessage) -> Result<(), AgentError> {
        let text = message.to_json()?;
        self.control.send(Outbound::Text(text)).map_err(|_| AgentError::Closed)
    }

    /// Asks the writer to send a normal close (1000).
    pub fn close(&self) {
        let _ = self.control.send(Outbound::Close);
    }

    pub fn stats(&self) -> Arc<WriterStats> {
        self.stats.clone()
    }
}

/// A live, configured connection (SettingsApplied has been received).
pub struct AgentConnection {
    pub request_id: String,
    sender: AgentSender,
    events: mpsc::UnboundedReceiver<ServerEvent>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl AgentConnection {
    pub fn sender(&self) -> AgentSender {
        self.sender.clone()
    }

    /// The next event; `None` only after `Closed` was delivered.
    pub async fn next_event(&mut self) -> Option<ServerEvent> {
        self.events.recv().await
    }

    /// Polls for the next event (see [`AgentConnection::next_event`]).
    pub fn poll_event(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<ServerEvent>> {
        self.events.poll_recv(cx)
    }

    /// Closes with 1000 and waits (bounded) for the server's close, discarding late events.
    /// Returns whether the close completed in time.
    pub async fn close(&mut self, wait: Duration) -> bool {
        self.sender.close();
        let drain = async {
            while let Some(event) = self.events.recv().await {
                if matches!(event, ServerEvent::Closed { .. }) {
                    return;
                }
            }
        };
        tokio::time::timeout(wait, drain).await.is_ok()
    }
}

impl Drop for AgentConnection {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

/// Opens the socket, authenticates, and performs the Welcome → Settings → SettingsApplied
/// exchange. Events that arrive before `SettingsApplied` (a greeting may) are kept and
/// delivered first.
pub async fn connect(
    config: &ConnectConfig,
    settings: &SettingsMessage,
) -> Result<AgentConnection, AgentError> {
    let mut request =
        config.url.as_str().into_client_request().map_err(|e| AgentError::BadUrl(e.to_string()))?;
    request.headers_mut().insert(AUTHORIZATION, config.auth.header_value()?);

    // Nagle would hold 20 ms frames back for up to 40 ms; latency matters more than packets.
    let handshake = tokio_tungstenite::connect_async_with_config(request, None, true);
    let (ws, _response) = tokio::time::timeout(config.connect_timeout, handshake)
        .await
        .map_err(|_| AgentError::Timeout("the websocket handshake"))?
        .map_err(classify_handshake)?;
    let (mut sink, mut stream) = ws.split();

    let request_id = tokio::time::timeout(config.welcome_timeout, wait_welcome(&mut stream))
        .await
        .map_err(|_| AgentError::Timeout("Welcome"))??;
    tracing::debug!(%request_id, "agent welcomed us");

    let body = ClientMessage::Settings(Box::new(settings.clone())).to_json()?;
    sink.send(Message::text(body)).await.map_err(|e| AgentError::Socket(e.to_string()))?;
    let last_sent = Instant::now();

    let early = tokio::time::timeout(config.settings_timeout, setup_events(&mut stream))
        .await
        .map_err(|_| AgentError::Timeout("SettingsApplied"))??;

    let stats = Arc::new(WriterStats::new(config.record_write_latency));
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    let (audio_tx, audio_rx) = mpsc::channel(config.audio_queue.max(1));
    let (event_tx, events) = mpsc::unbounded_channel();
    for event in early {
        let _ = event_tx.send(event);
    }
    let writer = tokio::spawn(write_loop(
        sink,
        control_rx,
        audio_rx,
        stats.clone(),
        config.keepalive_every,
        last_sent,
    ));
    let reader = tokio::spawn(read_loop(stream, event_tx));
    Ok(AgentConnection {
        request_id,
        sender: AgentSender { control: control_tx, audio: audio_tx, stats },
        events,
        reader,
        writer,
    })
}

fn classify_handshake(error: WsError) -> AgentError {
    match error {
        WsError::Http(response) => {
            let status = response.status().as_u16();
            if status == 401 || status == 403 {
                AgentError::Unauthorized { status }
            } else {
                AgentError::HandshakeRejected { status }
            }
        }
        WsError::Url(e) => AgentError::BadUrl(e.to_string()),
        WsError::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => AgentError::Refused,
        WsError::Io(e) => AgentError::Unreachable(e.to_string()),
        WsError::Tls(e) => AgentError::Unreachable(format!("TLS: {e}")),
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            AgentError::ClosedDuringSetup("closed during the handshake".into())
        }
        other => AgentError::Socket(other.to_string()),
    }
}
