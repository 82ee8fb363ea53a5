//! The live conversation: ties the audio path, the agent connection and the control plane
//! together and reports what happens as a stream of [`SessionEvent`]s.
//!
//! [`run`] starts a conversation through the [`ControlPlane`], connects to the agent, streams
//! frames from a [`FrameSource`], plays agent speech through a [`Playback`], stores transcript
//! and metrics off the audio path, answers function calls, reconnects when the socket drops,
//! and returns a [`SessionReport`].

pub mod adapters;
mod handlers;
mod lifecycle;
mod link;
pub mod memory;
mod runner;
mod turns;
mod worker;

pub mod events;
pub mod traits;
pub mod vad;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

pub use events::{SessionEnd, SessionEvent, SessionState, SessionStats, TurnMetrics};
pub use traits::{
    ControlError, ControlPlane, Frame, FrameSource, Playback, PlaybackStats, SessionConfig, SessionStart,
};

pub use adapters::ServiceControl;

use crate::agent::AgentError;

/// Tunables of a session. `SessionOptions::new` gives the product defaults.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub agent_url: String,
    pub user_id: String,
    /// Agent speech rate asked for in Settings (linear16, `container: none`).
    pub output_sample_rate: u32,
    /// Reconnect attempts after the socket drops, before the session is given up.
    pub max_reconnects: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub keepalive_every: Duration,
    /// After the input ended: how long the agent must have been quiet before closing.
    pub settle: Duration,
    /// After the input ended: how long to wait for an expected reply that never comes.
    pub reply_timeout: Duration,
    /// How long a normal close may take.
    pub close_wait: Duration,
    pub connect_timeout: Duration,
    /// Keep every frame-ready → written latency (benchmark only).
    pub record_write_latency: bool,
}

impl SessionOptions {
    pub fn new(agent_url: impl Into<String>, user_id: impl Into<String>) -> Self {
        SessionOptions {
            agent_url: agent_url.into(),
            user_id: user_id.into(),
            output_sample_rate: 24_000,
            max_reconnects: 5,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(4),
            keepalive_every: Duration::from_secs(5),
            settle: Duration::from_millis(1200),
            reply_timeout: Duration::from_secs(10),
            close_wait: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(10),
            record_write_latency: false,
        }
    }
}

/// What a client can ask of a running session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// A typed user turn, sent as `InjectUserMessage` when the agent is not mid-reply.
    Say(String),
    /// Close the session gracefully (Ctrl-C, the stop button).
    Stop,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranscriptLine {
    pub role: String,
    pub content: String,
    pub typed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    pub id: String,
    pub name: String,
    pub arguments: String,
    /// What the agent was told; `None` if it was cancelled first or never answered.
    pub result: Option<String>,
    pub ok: bool,
    pub cancelled: bool,
    pub client_side: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorRecord {
    pub code: String,
    pub description: String,
}

/// Everything a finished session knows about itself (the CLI's summary).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionReport {
    pub session_id: String,
    pub request_ids: Vec<String>,
    pub end: SessionEnd,
    pub transcript: Vec<TranscriptLine>,
    pub function_calls: Vec<CallRecord>,
    pub turns: Vec<TurnMetrics>,
    pub stats: SessionStats,
    pub errors: Vec<ErrorRecord>,
    pub warnings: Vec<ErrorRecord>,
    /// Frame ready → written to the socket, µs (only with `record_write_latency`).
    #[serde(skip)]
    pub write_latencies_us: Vec<u32>,
}

/// Why a session could not get going.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("could not start the conversation: {0}")]
    Start(ControlError),
    /// The conversation was created (and is now marked interrupted) but the agent could not be
    /// reached or refused us.
    #[error("{error}")]
    Connect { session_id: String, error: AgentError },
    #[error("could not get an agent token: {0}")]
    Token(ControlError),
}

/// Runs one conversation to its end. Events go to `events` (dropped if nobody listens).
pub async fn run<S: FrameSource>(
    control: Arc<dyn ControlPlane>,
    source: S,
    playback: Box<dyn Playback>,
    options: SessionOptions,
    commands: mpsc::UnboundedReceiver<SessionCommand>,
    events: mpsc::UnboundedSender<SessionEvent>,
) -> Result<SessionReport, SessionError> {
    runner::run(control, source, playback, options, commands, events).await
}
