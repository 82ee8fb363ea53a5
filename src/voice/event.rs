//! What a provider reports during a conversation, in terms every provider can express.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// One event of a live link, in the order the provider produced them.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceEvent {
    /// Agent speech as mono linear16 at the requested output rate; chunk sizes are arbitrary
    /// and a chunk may end mid-sample.
    Audio(Bytes),
    /// The final text of what the user said (or a typed turn echoed back).
    UserTranscript(String),
    /// The final text of what the agent said; `role` as the provider names it.
    AgentTranscript {
        role: String,
        content: String,
    },
    /// The provider heard the user start speaking: playback must stop (barge-in).
    UserStartedSpeaking,
    AgentThinking,
    AgentStartedSpeaking(AgentStartedLatency),
    /// The agent has sent all audio of its reply.
    AgentAudioDone,
    /// Functions the language model wants run.
    FunctionCalls(Vec<FunctionCallRequest>),
    /// A function the provider ran itself answered (informational).
    ServerFunctionResult {
        id: String,
        name: String,
        content: String,
    },
    /// Calls the provider no longer wants answered: (id, name).
    FunctionCallsCancelled(Vec<(String, String)>),
    Latency(LatencyReport),
    Warning {
        code: String,
        description: String,
    },
    /// The provider refused a typed turn (e.g. while the agent was speaking).
    TurnRefused(String),
    /// A provider error; the connection may carry on or close next.
    Error {
        code: String,
        description: String,
    },
    /// A frame from the provider that could not be understood; the connection carries on.
    Malformed(String),
    /// Anything else the provider said (acknowledgements, unknown messages): a sign of life.
    Other,
    /// Always the last event of a link.
    Closed {
        code: Option<u16>,
        reason: String,
    },
}

/// One function call the language model asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCallRequest {
    pub id: String,
    pub name: String,
    /// The JSON text of the arguments, exactly as the model produced it (it may be invalid).
    pub arguments: String,
    /// Whether the client must run and answer it.
    pub client_side: bool,
}

/// Per-turn latency figures reported by the service, in seconds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stt_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttt_token_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttt_text_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttt_tool_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttt_thinking_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_latency: Option<f64>,
}

/// The figures a service reports when its agent starts speaking, in seconds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentStartedLatency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_latency: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttt_latency: Option<f64>,
}
