//! The live conversation: ties a capture side, a voice provider, a playback side and the
//! control plane together and reports what happens as a stream of [`SessionEvent`]s.
//!
//! [`run`] starts a conversation through the [`ControlPlane`], connects through a
//! [`VoiceProvider`], streams frames from a [`FrameSource`], plays agent speech through a
//! [`Playback`], stores transcript and metrics off the audio path, answers function calls,
//! reconnects when the link drops, and returns a [`SessionReport`]. The conversation's course
//! (listening, thinking, speaking, reconnecting …) is the state machine in [`machine`].
//!
//! This room depends only on its own seams, the provider seam ([`crate::voice`]) and the
//! emergency-phrase detector ([`crate::safety`], pure logic); the concrete devices, providers
//! and control plane are wired in by the `launch` room.

mod handlers;
mod lifecycle;
pub mod machine;
#[cfg(feature = "test-support")]
pub mod memory;
mod recent;
mod runner;
mod safety;
pub mod saving;
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
pub use recent::{Earlier, HISTORY_KEEP, REPORT_KEEP};
pub use traits::{
    ControlError, ControlPlane, EchoFigures, Frame, FrameSource, Playback, PlaybackStats, SessionStart,
};

use crate::voice::{ConnectError, VoiceProvider};

/// Tunables of a session. `SessionOptions::new` gives the product defaults.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub user_id: String,
    /// Agent speech rate asked for in Settings (linear16, `container: none`).
    pub output_sample_rate: u32,
    /// Reconnect attempts after the socket drops, before the session is given up.
    pub max_reconnects: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// After the input ended: how long the agent must have been quiet before closing.
    pub settle: Duration,
    /// After the input ended: how long to wait for an expected reply that never comes.
    pub reply_timeout: Duration,
    /// How long a normal close may take.
    pub close_wait: Duration,
    /// Emergency phrases to listen for in the user's words, and whom to tell them to call;
    /// `None` listens for none.
    pub safety: Option<Arc<crate::safety::SafetyGuard>>,
    /// How many times faster than real time the input and playback run (a sped-up file run;
    /// 1 for a person talking). Set with [`SessionOptions::paced`].
    pub pace: u32,
}

impl SessionOptions {
    pub fn new(user_id: impl Into<String>) -> Self {
        SessionOptions {
            user_id: user_id.into(),
            output_sample_rate: 24_000,
            max_reconnects: 5,
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(4),
            settle: Duration::from_millis(1200),
            reply_timeout: Duration::from_secs(10),
            close_wait: Duration::from_secs(2),
            // The built-in phrases and the default region, until the caller sets the user's.
            safety: Some(Arc::new(crate::safety::SafetyGuard::builtin_default())),
            pace: 1,
        }
    }

    /// A conversation running `times` faster than real time (0 is taken as 1): the 20 ms
    /// housekeeping tick, the silence streamed after the input, `settle` and `reply_timeout`
    /// are conversation time and shrink by that factor. Reconnect backoff and `close_wait` are
    /// network time and stay.
    pub fn paced(mut self, times: u32) -> Self {
        self.pace = times.max(1);
        self.settle /= self.pace;
        self.reply_timeout /= self.pace;
        self
    }
}

/// What a client can ask of a running session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// A typed user turn, sent when the agent is not mid-reply.
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
    /// The most recent lines, calls and turns ([`REPORT_KEEP`]); `earlier` counts the others.
    pub transcript: Vec<TranscriptLine>,
    pub function_calls: Vec<CallRecord>,
    pub turns: Vec<TurnMetrics>,
    pub earlier: Earlier,
    pub stats: SessionStats,
    pub errors: Vec<ErrorRecord>,
    pub warnings: Vec<ErrorRecord>,
    /// Frame ready → written to the socket, µs (only when the provider records them).
    #[serde(skip)]
    pub write_latencies_us: Vec<u32>,
}

impl SessionReport {
    pub(crate) fn new(session_id: String) -> Self {
        SessionReport {
            session_id,
            request_ids: Vec::new(),
            end: SessionEnd::Completed,
            transcript: Vec::new(),
            function_calls: Vec::new(),
            turns: Vec::new(),
            earlier: Earlier::default(),
            stats: SessionStats::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            write_latencies_us: Vec::new(),
        }
    }
}

/// Why a session could not get going.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("could not start the conversation: {0}")]
    Start(ControlError),
    /// The conversation was created (and is now marked interrupted) but the provider could not
    /// be reached or refused us.
    #[error("{error}")]
    Connect { session_id: String, error: ConnectError },
    #[error("could not get an agent token: {0}")]
    Token(ControlError),
}

/// Runs one conversation to its end. Events go to `events` (dropped if nobody listens).
pub async fn run<S: FrameSource>(
    control: Arc<dyn ControlPlane>,
    provider: Arc<dyn VoiceProvider>,
    source: S,
    playback: Box<dyn Playback>,
    options: SessionOptions,
    commands: mpsc::UnboundedReceiver<SessionCommand>,
    events: mpsc::UnboundedSender<SessionEvent>,
) -> Result<SessionReport, SessionError> {
    runner::run(control, provider, source, playback, options, commands, events).await
}
