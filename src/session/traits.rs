//! The seams the session is written against besides the voice provider: the control plane
//! (conversation records, intents, metrics), the capture side and the playback side.

use std::future::Future;
use std::time::Instant;

use serde::Serialize;

use super::events::{SessionStats, TurnMetrics};
use crate::voice::{ConversationSetup, Credential, CredentialError};

/// A control-plane failure; messages never contain credentials. The control plane fails the
/// same ways a credential minter does (no key, key refused, unreachable, other), and starting a
/// conversation mints one, so it is the same type.
pub type ControlError = CredentialError;

/// A created conversation, what it starts with, and a short-lived credential for the
/// provider when the control plane minted one with it (valid for the handshake only).
#[derive(Debug, Clone, PartialEq)]
pub struct SessionStart {
    pub session_id: String,
    pub credential: Option<Credential>,
    pub setup: ConversationSetup,
}

/// The in-process control plane. Methods are synchronous (the real one is SQLite behind one
/// writer); the session calls them on blocking threads, never on the audio path.
pub trait ControlPlane: Send + Sync + 'static {
    /// Creates the conversation and builds prompt, context and functions.
    fn start_session(&self, user_id: &str) -> Result<SessionStart, ControlError>;
    fn save_message(&self, session_id: &str, role: &str, content: &str) -> Result<(), ControlError>;
    /// Runs a client-side function call as an intent, idempotent by `call_id`. `Ok` carries the
    /// speakable result, including validation failures; `Err` is an internal failure.
    fn run_intent(
        &self,
        session_id: &str,
        call_id: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<String, ControlError>;
    /// Marks the call cancelled and undoes its effect if it already ran.
    fn cancel_intent(&self, session_id: &str, call_id: &str, name: &str) -> Result<(), ControlError>;
    fn record_turn_metrics(&self, session_id: &str, metrics: &TurnMetrics) -> Result<(), ControlError>;
    fn record_session_stats(&self, session_id: &str, stats: &SessionStats) -> Result<(), ControlError>;
    fn close_session(&self, session_id: &str) -> Result<(), ControlError>;
    /// Remembers the agent's request id of the (latest) connection, for support requests.
    fn set_request_id(&self, _session_id: &str, _request_id: &str) -> Result<(), ControlError> {
        Ok(())
    }
    fn mark_interrupted(&self, session_id: &str, reason: &str) -> Result<(), ControlError>;
    /// Marks the conversation as one where a safety notice was shown for `category` (the
    /// category only: never the user's words). Idempotent per category.
    fn flag_safety(&self, session_id: &str, category: &str) -> Result<(), ControlError>;
}

/// One 20 ms frame of captured audio (mono linear16 LE at the source's rate), already framed
/// and resampled by the audio path; `ready_at` starts the overhead measurement.
pub use crate::voice::Frame;

/// The capture side. `next_frame` must be cancel-safe (like `mpsc::Receiver::recv`).
pub trait FrameSource: Send + 'static {
    fn sample_rate(&self) -> u32;
    /// Called once the agent is ready for audio (after the first `SettingsApplied`); a source
    /// that buffered while the session connected should drop that backlog here.
    fn start(&mut self) {}
    /// The next frame; `None` when the input has ended for good. While muted, it simply
    /// does not resolve.
    fn next_frame(&mut self) -> impl Future<Output = Option<Frame>> + Send;
    /// Frames the capture path dropped so far (ring overflow).
    fn dropped_frames(&self) -> u64;
    /// What the capture path's echo handling measured so far (nothing by default).
    fn echo(&self) -> EchoFigures {
        EchoFigures::default()
    }
}

/// The capture path's echo figures, for the session's stats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EchoFigures {
    /// How much quieter the microphone got while Flux spoke (dB), once measured.
    pub reduction_db: Option<i32>,
    /// The estimated speaker-to-microphone delay (ms).
    pub delay_ms: Option<u32>,
    /// Echo bursts loud enough to be taken for the user that cancellation or muting removed.
    pub false_barge_ins_avoided: u64,
}

/// Counters of the playback side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlaybackStats {
    pub underruns: u64,
}

/// The playback side. All methods must return quickly (they are called from the session loop).
pub trait Playback: Send + 'static {
    /// Output sample rate the playback expects (the Settings output rate).
    fn sample_rate(&self) -> u32;
    /// Queues agent speech: mono linear16 LE; a chunk may end mid-sample.
    fn push_linear16(&mut self, bytes: &[u8]);
    /// Marks the start of a new reply, so `first_sample_played_at` refers to it.
    fn begin_reply(&mut self);
    /// Drops everything queued at once (barge-in).
    fn flush(&mut self);
    /// When the first sample pushed since `begin_reply` actually reached the device.
    fn first_sample_played_at(&self) -> Option<Instant>;
    /// Nothing queued is left to play.
    fn is_drained(&self) -> bool;
    fn stats(&self) -> PlaybackStats;
}
