//! V1 wire messages. Outbound messages serialise exactly the shapes the service accepts;
//! inbound parsing tolerates unknown types and fields because the service keeps adding them.
//!
//! The `deepgram` crate has no agent module, so these types are our own.

use serde::{Deserialize, Deserializer, Serialize};

use super::settings::SettingsMessage;
use super::AgentError;
pub use crate::voice::{AgentStartedLatency, LatencyReport};

/// Messages the client sends as text frames.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ClientMessage {
    Settings(Box<SettingsMessage>),
    KeepAlive,
    FunctionCallResponse {
        id: String,
        name: String,
        content: String,
    },
    InjectUserMessage {
        content: String,
    },
    InjectAgentMessage {
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        behavior: Option<InjectBehavior>,
    },
    UpdatePrompt {
        prompt: String,
    },
}

/// How an `InjectAgentMessage` behaves while someone is speaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InjectBehavior {
    Default,
    Queue,
    Interrupt,
}

impl ClientMessage {
    /// Serialises the message, refusing empty required strings: the service treats them as a
    /// schema violation and closes the socket.
    pub fn to_json(&self) -> Result<String, AgentError> {
        let empty = match self {
            ClientMessage::FunctionCallResponse { id, name, content } => {
                [("id", id.as_str()), ("name", name.as_str()), ("content", content.as_str())]
                    .into_iter()
                    .find(|(_, v)| v.is_empty())
                    .map(|(k, _)| k)
            }
            ClientMessage::InjectUserMessage { content } => content.is_empty().then_some("content"),
            ClientMessage::InjectAgentMessage { message, .. } => message.is_empty().then_some("message"),
            ClientMessage::UpdatePrompt { prompt } => prompt.is_empty().then_some("prompt"),
            ClientMessage::Settings(_) | ClientMessage::KeepAlive => None,
        };
        if let Some(field) = empty {
            return Err(AgentError::EmptyField(field));
        }
        serde_json::to_string(self).map_err(|e| AgentError::Encode(e.to_string()))
    }
}

/// One call inside a `FunctionCallRequest`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FunctionCall {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The JSON text of the arguments, exactly as the LLM produced it (it may be invalid).
    #[serde(default, deserialize_with = "arguments_text")]
    pub arguments: String,
    /// A missing flag is read as client-side: answering a call that needed no answer is
    /// harmless, leaving a client-side call unanswered stalls the agent.
    #[serde(default)]
    pub client_side: Option<bool>,
}

impl FunctionCall {
    pub fn is_client_side(&self) -> bool {
        self.client_side.unwrap_or(true)
    }
}

/// A call named in `FunctionCallCancelled`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CancelledCall {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// Text frames the service sends. Known types carry their fields, all tolerant of absence;
/// anything else is kept as `Unknown` so the session can log it and carry on.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    Welcome {
        request_id: String,
    },
    SettingsApplied,
    ConversationText {
        role: String,
        content: String,
    },
    UserStartedSpeaking,
    AgentThinking {
        content: String,
    },
    FunctionCallRequest {
        functions: Vec<FunctionCall>,
    },
    FunctionCallResponse {
        id: Option<String>,
        name: String,
        content: String,
    },
    FunctionCallCancelled {
        functions: Vec<CancelledCall>,
    },
    AgentStartedSpeaking(AgentStartedLatency),
    AgentAudioDone,
    LatencyReport(LatencyReport),
    /// `PromptUpdated`, `SpeakUpdated`, `ThinkUpdated`, `ListenUpdated`.
    Ack {
        kind: String,
    },
    InjectionRefused {
        message: String,
    },
    History(serde_json::Value),
    Warning {
        code: String,
        description: String,
    },
    Error {
        code: String,
        description: String,
    },
    Unknown {
        type_name: String,
        raw: serde_json::Value,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Known {
    Welcome {
        #[serde(default)]
        request_id: String,
    },
    SettingsApplied,
    ConversationText {
        #[serde(default)]
        role: String,
        #[serde(default)]
        content: String,
    },
    UserStartedSpeaking,
    AgentThinking {
        #[serde(default)]
        content: String,
    },
    FunctionCallRequest {
        #[serde(default)]
        functions: Vec<FunctionCall>,
    },
    FunctionCallResponse {
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        name: String,
        #[serde(default)]
        content: String,
    },
    FunctionCallCancelled {
        #[serde(default)]
        functions: Vec<CancelledCall>,
    },
    AgentStartedSpeaking(AgentStartedLatency),
    AgentAudioDone,
    LatencyReport(LatencyReport),
    InjectionRefused {
        #[serde(default)]
        message: String,
    },
    Warning {
        #[serde(default)]
        code: String,
        #[serde(default, alias = "message")]
        description: String,
    },
    Error {
        #[serde(default)]
        code: String,
        #[serde(default, alias = "message")]
        description: String,
    },
}

const ACK_TYPES: [&str; 4] = ["PromptUpdated", "SpeakUpdated", "ThinkUpdated", "ListenUpdated"];
const KNOWN_TYPES: [&str; 15] = [
    "Welcome",
    "SettingsApplied",
    "ConversationText",
    "UserStartedSpeaking",
    "AgentThinking",
    "FunctionCallRequest",
    "FunctionCallResponse",
    "FunctionCallCancelled",
    "AgentStartedSpeaking",
    "AgentAudioDone",
    "LatencyReport",
    "InjectionRefused",
    "Warning",
    "Error",
    "History",
];

impl ServerMessage {
    /// Parses one text frame. Never panics: a frame that is not a JSON object with a string
    /// `type`, or a known type whose fields have the wrong types, is a `Malformed` error.
    pub fn parse(text: &str) -> Result<ServerMessage, AgentError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| AgentError::Malformed(e.to_string()))?;
        let type_name = value
            .get("type")
            .and_then(|t| t.as_str())
            .ok_or_else(|| AgentError::Malformed("frame has no string `type`".into()))?
            .to_string();
        if ACK_TYPES.contains(&type_name.as_str()) {
            return Ok(ServerMessage::Ack { kind: type_name });
        }
        if type_name == "History" {
            return Ok(ServerMessage::History(value));
        }
        if !KNOWN_TYPES.contains(&type_name.as_str()) {
            return Ok(ServerMessage::Unknown { type_name, raw: value });
        }
        let known =
            Known::deserialize(&value).map_err(|e| AgentError::Malformed(format!("{type_name}: {e}")))?;
        Ok(known.into())
    }
}

impl From<Known> for ServerMessage {
    fn from(known: Known) -> Self {
        match known {
            Known::Welcome { request_id } => ServerMessage::Welcome { request_id },
            Known::SettingsApplied => ServerMessage::SettingsApplied,
            Known::ConversationText { role, content } => ServerMessage::ConversationText { role, content },
            Known::UserStartedSpeaking => ServerMessage::UserStartedSpeaking,
            Known::AgentThinking { content } => ServerMessage::AgentThinking { content },
            Known::FunctionCallRequest { functions } => ServerMessage::FunctionCallRequest { functions },
            Known::FunctionCallResponse { id, name, content } => {
                ServerMessage::FunctionCallResponse { id, name, content }
            }
            Known::FunctionCallCancelled { functions } => ServerMessage::FunctionCallCancelled { functions },
            Known::AgentStartedSpeaking(l) => ServerMessage::AgentStartedSpeaking(l),
            Known::AgentAudioDone => ServerMessage::AgentAudioDone,
            Known::LatencyReport(l) => ServerMessage::LatencyReport(l),
            Known::InjectionRefused { message } => ServerMessage::InjectionRefused { message },
            Known::Warning { code, description } => ServerMessage::Warning { code, description },
            Known::Error { code, description } => ServerMessage::Error { code, description },
        }
    }
}

/// `arguments` is specified as a JSON string; an object is accepted too and re-encoded, so a
/// service-side change of representation does not break calls.
fn arguments_text<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let value = serde_json::Value::deserialize(de)?;
    Ok(match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}
