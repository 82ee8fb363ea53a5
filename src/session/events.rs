//! What a session tells the outside world: a typed event stream (printed by the CLI, rendered
//! by the desktop app) and the metrics it stores.

use serde::Serialize;

use crate::safety::SafetyNotice;
use crate::voice::{AgentStartedLatency, LatencyReport};

/// Coarse conversation state, for a status indicator.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Connecting,
    Listening,
    UserSpeaking,
    Thinking,
    AgentSpeaking,
    Reconnecting,
    Closed,
}

/// Everything a session reports, tagged by `event` for the UI.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SessionEvent {
    Started {
        session_id: String,
        request_id: String,
    },
    State {
        state: SessionState,
    },
    /// A final turn text; `typed` when the user typed it instead of speaking.
    Transcript {
        role: String,
        content: String,
        typed: bool,
    },
    FunctionCall {
        id: String,
        name: String,
        arguments: String,
    },
    FunctionResult {
        id: String,
        name: String,
        content: String,
        ok: bool,
    },
    FunctionCancelled {
        id: String,
        name: String,
    },
    /// Microphone level, about ten times a second.
    Level {
        dbfs: f32,
    },
    TurnMetrics {
        metrics: TurnMetrics,
    },
    SessionStats {
        stats: SessionStats,
    },
    Warning {
        code: String,
        description: String,
    },
    /// An agent `Error` (code from the service) or a local failure (code chosen here).
    Error {
        code: String,
        description: String,
    },
    /// An emergency phrase was heard: show whom to call (once per category and conversation).
    SafetyNotice {
        notice: SafetyNotice,
    },
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    Ended {
        outcome: SessionEnd,
    },
}

/// How a session ended.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SessionEnd {
    /// Input ended and the agent finished; closed normally.
    Completed,
    /// Stopped on request.
    Stopped,
    /// The conversation could not go on; the session record is marked interrupted.
    Interrupted { reason: String },
}

/// Figures for one user turn and the agent's reply to it. Durations are milliseconds measured
/// on this device; `service_*` are the service's own figures (seconds, as reported).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TurnMetrics {
    pub turn: u32,
    pub typed: bool,
    /// Local VAD end of the user's speech → first agent audio byte received.
    pub speech_end_to_first_audio_ms: Option<f64>,
    /// First agent audio byte received → first agent sample played.
    pub first_audio_to_played_ms: Option<f64>,
    /// End of the user's speech → first agent sample played (what the user perceives).
    pub speech_end_to_played_ms: Option<f64>,
    pub agent_audio_bytes: u64,
    pub barged_in: bool,
    pub service_started: Option<AgentStartedLatency>,
    pub service_report: Option<LatencyReport>,
}

/// Per-session counters, recorded when the session ends.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SessionStats {
    pub frames_sent: u64,
    /// Frames not sent: no connection (reconnecting) or the writer queue was full.
    pub frames_unsent: u64,
    pub capture_drops: u64,
    pub playback_underruns: u64,
    pub barge_ins: u64,
    pub reconnects: u64,
    pub keepalives_sent: u64,
    pub agent_audio_bytes: u64,
    pub turns: u64,
    /// Echo reduction while Flux spoke (dB), estimated speaker-to-microphone delay (ms), and
    /// echo bursts removed that would have been taken for the user (`audio.echo`).
    pub echo_reduction_db: Option<i32>,
    pub echo_delay_ms: Option<u32>,
    pub false_barge_ins_avoided: u64,
}
