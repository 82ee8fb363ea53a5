//! The socket halves' loops: setup reads, the writer (with KeepAlive) and the reader.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::connection::ServerEvent;
use super::protocol::ServerMessage;
use super::AgentError;

pub(super) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
pub(super) type WsSink = SplitSink<Ws, Message>;
pub(super) type WsStream = SplitStream<Ws>;

const KEEPALIVE: &str = r#"{"type":"KeepAlive"}"#;
const RAW_PREFIX_CHARS: usize = 120;

pub(super) enum Outbound {
    Audio { pcm: Bytes, ready_at: Instant },
    Text(String),
    Close,
}

/// Counters kept by the writer; shared with the session for its statistics.
#[derive(Debug, Default)]
pub struct WriterStats {
    frames_sent: AtomicU64,
    audio_bytes_sent: AtomicU64,
    messages_sent: AtomicU64,
    keepalives_sent: AtomicU64,
    frames_dropped: AtomicU64,
    record_latency: bool,
    latencies_us: Mutex<Vec<u32>>,
}

impl WriterStats {
    pub fn new(record_latency: bool) -> Self {
        WriterStats { record_latency, ..Default::default() }
    }
    pub fn frames_sent(&self) -> u64 {
        self.frames_sent.load(Ordering::Relaxed)
    }
    pub fn audio_bytes_sent(&self) -> u64 {
        self.audio_bytes_sent.load(Ordering::Relaxed)
    }
    pub fn messages_sent(&self) -> u64 {
        self.messages_sent.load(Ordering::Relaxed)
    }
    pub fn keepalives_sent(&self) -> u64 {
        self.keepalives_sent.load(Ordering::Relaxed)
    }
    /// Frames dropped because the writer queue was full.
    pub fn frames_dropped(&self) -> u64 {
        self.frames_dropped.load(Ordering::Relaxed)
    }
    /// Takes the recorded frame-ready → written latencies (empty unless recording was asked).
    pub fn take_write_latencies(&self) -> Vec<Duration> {
        let mut guard = self.latencies_us.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *guard).into_iter().map(|us| Duration::from_micros(u64::from(us))).collect()
    }
    pub(super) fn count_dropped(&self) {
        self.frames_dropped.fetch_add(1, Ordering::Relaxed);
    }
    fn record_frame(&self, bytes: usize, ready_at: Instant) {
        self.frames_sent.fetch_add(1, Ordering::Relaxed);
        self.audio_bytes_sent.fetch_add(bytes as u64, Ordering::Relaxed);
        if self.record_latency {
            let us = u32::try_from(ready_at.elapsed().as_micros()).unwrap_or(u32::MAX);
            self.latencies_us.lock().unwrap_or_else(|p| p.into_inner()).push(us);
        }
    }
}

/// Reads until `Welcome`. An `Error` or a close before it is a setup failure.
pub(super) async fn wait_welcome(stream: &mut WsStream) -> Result<String, AgentError> {
    loop {
        match next_setup_frame(stream).await? {
            Some(ServerEvent::Message(ServerMessage::Welcome { request_id })) => return Ok(request_id),
            Some(other) => tracing::debug!(?other, "ignoring a frame before Welcome"),
            None => continue,
        }
    }
}

/// Reads until `SettingsApplied`, keeping whatever else arrives for later delivery.
pub(super) async fn setup_events(stream: &mut WsStream) -> Result<Vec<ServerEvent>, AgentError> {
    let mut early = Vec::new();
    loop {
        match next_setup_frame(stream).await? {
            Some(ServerEvent::Message(ServerMessage::SettingsApplied)) => return Ok(early),
            Some(event) => early.push(event),
            None => continue,
        }
    }
}

async fn next_setup_frame(stream: &mut WsStream) -> Result<Option<ServerEvent>, AgentError> {
    let event = match stream.next().await {
        None => return Err(AgentError::ClosedDuringSetup("the stream ended".into())),
        Some(Err(e)) => return Err(AgentError::ClosedDuringSetup(e.to_string())),
        Some(Ok(message)) => to_event(message),
    };
    match event {
        Some(ServerEvent::Message(ServerMessage::Error { code, description })) => {
            Err(AgentError::Server { code, description })
        }
        Some(ServerEvent::Closed { code, reason }) => Err(AgentError::ClosedDuringSetup(format!(
            "close code {}: {reason}",
            code.map_or_else(|| "none".to_string(), |c| c.to_string())
        ))),
        other => Ok(other),
    }
}

fn to_event(message: Message) -> Option<ServerEvent> {
    match message {
        Message::Text(text) => Some(match ServerMessage::parse(&text) {
            Ok(parsed) => ServerEvent::Message(parsed),
            Err(error) => ServerEvent::Malformed {
                error: error.to_string(),
                raw_prefix: text.chars().take(RAW_PREFIX_CHARS).collect(),
            },
        }),
        Message::Binary(bytes) => Some(ServerEvent::Audio(bytes)),
        Message::Close(frame) => Some(ServerEvent::Closed {
            code: frame.as_ref().map(|f| u16::from(f.code)),
            reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
        }),
        Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => None,
    }
}

/// Writes JSON before audio (function responses must not queue behind a backlog), and sends a
/// KeepAlive whenever nothing at all was written for `keepalive_every`.
pub(super) async fn write_loop(
    mut sink: WsSink,
    mut control: mpsc::UnboundedReceiver<Outbound>,
    mut audio: mpsc::Receiver<Outbound>,
    stats: Arc<WriterStats>,
    keepalive_every: Duration,
    mut last_sent: Instant,
) {
    let mut audio_open = true;
    loop {
        let deadline = tokio::time::Instant::from_std(last_sent + keepalive_every);
        let next = tokio::select! {
            biased;
            m = control.recv() => m.unwrap_or(Outbound::Close),
            a = audio.recv(), if audio_open => match a {
                Some(frame) => frame,
                None => { audio_open = false; continue; }
            },
            _ = tokio::time::sleep_until(deadline) => Outbound::Text(KEEPALIVE.to_string()),
        };
        let result = match next {
            Outbound::Audio { pcm, ready_at } => {
                let len = pcm.len();
                let sent = sink.send(Message::Binary(pcm)).await;
                if sent.is_ok() {
                    stats.record_frame(len, ready_at);
                }
                sent
            }
            Outbound::Text(text) => {
                let keepalive = text == KEEPALIVE;
                let sent = sink.send(Message::text(text)).await;
                if sent.is_ok() {
                    stats.messages_sent.fetch_add(1, Ordering::Relaxed);
                    if keepalive {
                        stats.keepalives_sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
                sent
            }
            Outbound::Close => {
                if let Err(e) = send_normal_close(&mut sink).await {
                    tracing::debug!(error = %e, "close frame not sent");
                }
                return;
            }
        };
        if let Err(e) = result {
            // The reader reports the closed socket; the writer just stops.
            tracing::debug!(error = %e, "agent socket write failed");
            return;
        }
        last_sent = Instant::now();
    }
}

/// Forwards frames as events and always ends with exactly one `Closed`.
pub(super) async fn read_loop(mut stream: WsStream, events: mpsc::UnboundedSender<ServerEvent>) {
    let closed = loop {
        match stream.next().await {
            Some(Ok(message)) => match to_event(message) {
                Some(closed @ ServerEvent::Closed { .. }) => break closed,
                Some(event) => {
                    let _ = events.send(event);
                }
                None => {}
            },
            Some(Err(e)) => break ServerEvent::Closed { code: None, reason: e.to_string() },
            None => break ServerEvent::Closed { code: None, reason: "the stream ended".into() },
        }
    };
    let _ = events.send(closed);
    // Keep polling briefly so tungstenite can send its reply to the server's close frame.
    let _ =
        tokio::time::timeout(Duration::from_secs(1), async { while stream.next().await.is_some() {} }).await;
}

async fn send_normal_close(sink: &mut WsSink) -> Result<(), WsError> {
    let frame = CloseFrame { code: CloseCode::Normal, reason: "".into() };
    sink.send(Message::Close(Some(frame))).await
}
