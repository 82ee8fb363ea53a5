//! One realtime socket: the handshake with a client secret, `session.created` →
//! `session.update` → `session.updated`, then a writer task (audio resampled to 24 kHz and
//! base64-encoded, JSON events, pings) and a reader task turning frames into [`Incoming`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::AUTHORIZATION;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::pcm::PcmConverter;
use super::server::{parse, ServerEvent};
use super::{events, OpenAiError, API_RATE};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type WsSink = SplitSink<Ws, Message>;
type WsStream = SplitStream<Ws>;

/// How to reach the API, how to configure its sessions and how patient to be.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// One base for the REST call and the socket, e.g. `https://api.openai.com`.
    pub base_url: String,
    pub model: String,
    pub voice: String,
    pub transcription_model: String,
    pub vad_threshold: f64,
    pub prefix_padding_ms: u32,
    pub silence_duration_ms: u32,
    pub connect_timeout: Duration,
    pub setup_timeout: Duration,
    /// A WebSocket ping when nothing was written for this long.
    pub ping_every: Duration,
    /// Audio frames queued for the writer before new ones are dropped.
    pub audio_queue: usize,
    /// Keep every frame-ready → written latency (for the benchmark).
    pub record_write_latency: bool,
}

impl ConnectConfig {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>, voice: impl Into<String>) -> Self {
        ConnectConfig {
            base_url: base_url.into(),
            model: model.into(),
            voice: voice.into(),
            transcription_model: "gpt-4o-mini-transcribe".into(),
            vad_threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            connect_timeout: Duration::from_secs(10),
            setup_timeout: Duration::from_secs(10),
            ping_every: Duration::from_secs(5),
            audio_queue: 50,
            record_write_latency: false,
        }
    }
}

/// What the reader hands over.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Incoming {
    Event(ServerEvent),
    Malformed(String),
    /// Always the last one.
    Closed {
        code: Option<u16>,
        reason: String,
    },
}

pub(super) enum Outbound {
    Audio { pcm: Bytes, ready_at: Instant },
    Text(String),
    Close,
}

/// Counters kept by the writer.
#[derive(Debug, Default)]
pub(super) struct Stats {
    pub frames_sent: AtomicU64,
    pub frames_dropped: AtomicU64,
    pub pings_sent: AtomicU64,
    record_latency: bool,
    latencies_us: Mutex<Vec<u32>>,
}

impl Stats {
    pub(super) fn take_latencies(&self) -> Vec<Duration> {
        let mut guard = self.latencies_us.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *guard).into_iter().map(|us| Duration::from_micros(u64::from(us))).collect()
    }
}

/// A configured socket: `session.updated` has arrived.
pub(super) struct Connection {
    pub session_id: String,
    pub control: mpsc::UnboundedSender<Outbound>,
    pub audio: mpsc::Sender<Outbound>,
    pub events: mpsc::UnboundedReceiver<Incoming>,
    pub stats: Arc<Stats>,
    pub tasks: [tokio::task::JoinHandle<()>; 2],
}

/// Opens and configures a socket; `after_setup` (history items, a greeting) goes out before
/// any audio.
pub(super) async fn open(
    config: &ConnectConfig,
    secret: &str,
    session: &Value,
    after_setup: &[Value],
    input_rate: u32,
) -> Result<Connection, OpenAiError> {
    let url = super::realtime_url(&config.base_url, &config.model)?;
    let mut request = url.as_str().into_client_request().map_err(|e| OpenAiError::BadUrl(e.to_string()))?;
    let mut auth =
        HeaderValue::from_str(&format!("Bearer {secret}")).map_err(|_| OpenAiError::BadCredential)?;
    auth.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, auth);
    let mut converter = PcmConverter::new(input_rate, API_RATE).map_err(OpenAiError::Socket)?;
    // Nagle would hold 20 ms frames back; latency matters more than packets.
    let handshake = tokio_tungstenite::connect_async_with_config(request, None, true);
    let (ws, _) = tokio::time::timeout(config.connect_timeout, handshake)
        .await
        .map_err(|_| OpenAiError::Timeout("the websocket handshake"))?
        .map_err(classify_handshake)?;
    let (mut sink, mut stream) = ws.split();
    let setup = async {
        let session_id = loop {
            if let ServerEvent::SessionCreated { id } = setup_event(&mut stream).await? {
                break id;
            }
        };
        send_json(&mut sink, session).await?;
        while setup_event(&mut stream).await? != ServerEvent::SessionUpdated {}
        for item in after_setup {
            send_json(&mut sink, item).await?;
        }
        Ok::<_, OpenAiError>(session_id)
    };
    let session_id = tokio::time::timeout(config.setup_timeout, setup)
        .await
        .map_err(|_| OpenAiError::Timeout("session.created and session.updated"))??;
    let stats = Arc::new(Stats { record_latency: config.record_write_latency, ..Default::default() });
    let (control, control_rx) = mpsc::unbounded_channel();
    let (audio, audio_rx) = mpsc::channel(config.audio_queue.max(1));
    let (events_tx, events) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_loop(
        sink,
        control_rx,
        audio_rx,
        stats.clone(),
        config.ping_every,
        move |pcm, out| converter.convert(pcm, out),
    ));
    let reader = tokio::spawn(read_loop(stream, events_tx));
    Ok(Connection { session_id, control, audio, events, stats, tasks: [writer, reader] })
}

async fn send_json(sink: &mut WsSink, value: &Value) -> Result<(), OpenAiError> {
    sink.send(Message::text(value.to_string())).await.map_err(|e| OpenAiError::Socket(e.to_string()))
}

/// The next event during setup; an `error` or a close is a setup failure.
async fn setup_event(stream: &mut WsStream) -> Result<ServerEvent, OpenAiError> {
    loop {
        match stream.next().await {
            None => return Err(OpenAiError::ClosedDuringSetup("the stream ended".into())),
            Some(Err(e)) => return Err(OpenAiError::ClosedDuringSetup(e.to_string())),
            Some(Ok(m)) => match to_incoming(m) {
                Some(Incoming::Event(ServerEvent::Error { code, message })) => {
                    return Err(OpenAiError::Server { code, message })
                }
                Some(Incoming::Event(event)) => return Ok(event),
                Some(Incoming::Closed { code, reason }) => {
                    let code = code.map_or_else(|| "none".to_string(), |c| c.to_string());
                    return Err(OpenAiError::ClosedDuringSetup(format!("close code {code}: {reason}")));
                }
                Some(Incoming::Malformed(e)) => tracing::debug!(error = %e, "malformed frame during setup"),
                None => {}
            },
        }
    }
}

fn to_incoming(message: Message) -> Option<Incoming> {
    match message {
        Message::Text(text) => Some(match parse(&text) {
            Ok(event) => Incoming::Event(event),
            Err(e) => Incoming::Malformed(e),
        }),
        Message::Binary(_) => Some(Incoming::Malformed("a binary frame (the API sends only text)".into())),
        Message::Close(frame) => Some(Incoming::Closed {
            code: frame.as_ref().map(|f| u16::from(f.code)),
            reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
        }),
        _ => None,
    }
}

/// JSON events go before audio (a function result must not queue behind a backlog).
async fn write_loop(
    mut sink: WsSink,
    mut control: mpsc::UnboundedReceiver<Outbound>,
    mut audio: mpsc::Receiver<Outbound>,
    stats: Arc<Stats>,
    ping_every: Duration,
    mut convert: impl FnMut(&[u8], &mut Vec<u8>) + Send,
) {
    let mut last_sent = Instant::now();
    let mut pcm24 = Vec::new();
    loop {
        let deadline = tokio::time::Instant::from_std(last_sent + ping_every);
        let next = tokio::select! {
            biased;
            m = control.recv() => m.unwrap_or(Outbound::Close),
            Some(a) = audio.recv() => a,
            _ = tokio::time::sleep_until(deadline) => {
                stats.pings_sent.fetch_add(1, Ordering::Relaxed);
                if sink.send(Message::Ping(Bytes::new())).await.is_err() { return; }
                last_sent = Instant::now();
                continue;
            }
        };
        let result = match next {
            Outbound::Audio { pcm, ready_at } => {
                pcm24.clear();
                convert(&pcm, &mut pcm24);
                if pcm24.is_empty() {
                    continue;
                }
                let sent = sink.send(Message::text(events::append_audio(&pcm24))).await;
                if sent.is_ok() {
                    stats.frames_sent.fetch_add(1, Ordering::Relaxed);
                    if stats.record_latency {
                        let us = u32::try_from(ready_at.elapsed().as_micros()).unwrap_or(u32::MAX);
                        stats.latencies_us.lock().unwrap_or_else(|p| p.into_inner()).push(us);
                    }
                }
                sent
            }
            Outbound::Text(text) => sink.send(Message::text(text)).await,
            Outbound::Close => {
                let _ = sink.send(Message::Close(None)).await;
                return;
            }
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, "realtime socket write failed");
            return;
        }
        last_sent = Instant::now();
    }
}

/// Forwards frames and always ends with exactly one `Closed`.
async fn read_loop(mut stream: WsStream, events: mpsc::UnboundedSender<Incoming>) {
    let closed = loop {
        match stream.next().await {
            Some(Ok(m)) => match to_incoming(m) {
                Some(closed @ Incoming::Closed { .. }) => break closed,
                Some(other) => {
                    let _ = events.send(other);
                }
                None => {}
            },
            Some(Err(e)) => break Incoming::Closed { code: None, reason: e.to_string() },
            None => break Incoming::Closed { code: None, reason: "the stream ended".into() },
        }
    };
    let _ = events.send(closed);
    // Keep polling briefly so the close handshake completes.
    let _ =
        tokio::time::timeout(Duration::from_secs(1), async { while stream.next().await.is_some() {} }).await;
}

fn classify_handshake(error: WsError) -> OpenAiError {
    match error {
        WsError::Http(response) => match response.status().as_u16() {
            status @ (401 | 403) => OpenAiError::Unauthorized { status },
            status => OpenAiError::HandshakeRejected { status },
        },
        WsError::Url(e) => OpenAiError::BadUrl(e.to_string()),
        WsError::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => OpenAiError::Refused,
        WsError::Io(e) => OpenAiError::Unreachable(e.to_string()),
        WsError::Tls(e) => OpenAiError::Unreachable(format!("TLS: {e}")),
        other => OpenAiError::Socket(other.to_string()),
    }
}
