//! The V1 `Settings` message ([`SettingsMessage`]), built from an [`AgentSetup`].
//!
//! The service deserialises strictly: an unknown, misplaced, `null` or empty field closes the
//! socket with `UNPARSABLE_CLIENT_MESSAGE`. So every optional field here is skipped when absent,
//! and empty strings or lists are turned into "absent" before serialising.

use serde::{Deserialize, Serialize};

use super::AgentError;

/// Everything the client decides about one agent conversation. The control plane supplies the
/// prompt, functions, models and greeting; the audio path supplies the input rate.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSetup {
    pub input_sample_rate: u32,
    pub output_sample_rate: u32,
    pub listen_model: String,
    pub llm_provider: String,
    pub llm_model: String,
    pub voice_model: String,
    pub prompt: String,
    pub functions: Vec<ThinkFunction>,
    pub greeting: Option<String>,
    pub context: Vec<ContextMessage>,
}

/// A function in `agent.think.functions[]`: the domain's `voice::FunctionDef` with empty fields
/// left out, as the service requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThinkFunction {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "is_empty_json")]
    pub parameters: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_until_eot: Option<bool>,
}

/// One prior turn, replayed in `agent.context.messages` when a conversation resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "History")]
pub struct HistoryItem {
    pub role: String,
    pub content: String,
}

/// Client-side function calls already answered, replayed so a resumed agent knows their effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "History")]
pub struct HistoryCalls {
    pub function_calls: Vec<HistoryCall>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCall {
    pub id: String,
    pub name: String,
    pub client_side: bool,
    /// The arguments' JSON text, as the agent sent it.
    pub arguments: String,
    /// What the agent was told.
    pub response: String,
}

/// One entry of `agent.context.messages`: a turn's text or answered function calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ContextMessage {
    Text(HistoryItem),
    Calls(HistoryCalls),
}

impl From<HistoryItem> for ContextMessage {
    fn from(item: HistoryItem) -> Self {
        ContextMessage::Text(item)
    }
}

impl ContextMessage {
    /// Entries the service would reject (empty strings or lists) are never sent.
    fn is_sendable(&self) -> bool {
        match self {
            ContextMessage::Text(h) => !h.role.trim().is_empty() && !h.content.trim().is_empty(),
            ContextMessage::Calls(c) => {
                !c.function_calls.is_empty()
                    && c.function_calls.iter().all(|f| {
                        !f.id.is_empty()
                            && !f.name.is_empty()
                            && !f.arguments.is_empty()
                            && !f.response.is_empty()
                    })
            }
        }
    }
}

/// The serialisable body of `Settings` (the `type` tag is added by `ClientMessage`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingsMessage {
    audio: AudioConfig,
    agent: AgentConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct AudioConfig {
    input: AudioInput,
    output: AudioOutput,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct AudioInput {
    encoding: &'static str,
    sample_rate: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct AudioOutput {
    encoding: &'static str,
    sample_rate: u32,
    // `none` is the only container that keeps the binary frames pure PCM: any other wraps each
    // chunk in a header the playback would play as noise.
    container: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct AgentConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<Context>,
    listen: Listen,
    think: Think,
    speak: Speak,
    #[serde(skip_serializing_if = "Option::is_none")]
    greeting: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Context {
    messages: Vec<ContextMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Listen {
    provider: ListenProvider,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct ListenProvider {
    #[serde(rename = "type")]
    kind: &'static str,
    version: &'static str,
    model: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Think {
    provider: ModelProvider,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    functions: Option<Vec<ThinkFunction>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Speak {
    provider: ModelProvider,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct ModelProvider {
    #[serde(rename = "type")]
    kind: String,
    model: String,
}

impl SettingsMessage {
    /// Builds the Settings body, refusing values the service would reject rather than sending
    /// them and losing the socket.
    pub fn from_setup(setup: &AgentSetup) -> Result<Self, AgentError> {
        if setup.input_sample_rate == 0 || setup.output_sample_rate == 0 {
            return Err(AgentError::InvalidSetup("sample rates must be positive".into()));
        }
        let listen_model = required(&setup.listen_model, "listen_model")?;
        let llm_provider = required(&setup.llm_provider, "llm_provider")?;
        let llm_model = required(&setup.llm_model, "llm_model")?;
        let voice_model = required(&setup.voice_model, "voice_model")?;
        if let Some(f) = setup.functions.iter().find(|f| f.name.trim().is_empty()) {
            return Err(AgentError::InvalidSetup(format!(
                "a function has an empty name (description: {:?})",
                f.description
            )));
        }
        let context: Vec<ContextMessage> =
            setup.context.iter().filter(|m| m.is_sendable()).cloned().collect();
        Ok(SettingsMessage {
            audio: AudioConfig {
                input: AudioInput { encoding: "linear16", sample_rate: setup.input_sample_rate },
                output: AudioOutput {
                    encoding: "linear16",
                    sample_rate: setup.output_sample_rate,
                    container: "none",
                },
            },
            agent: AgentConfig {
                context: (!context.is_empty()).then_some(Context { messages: context }),
                listen: Listen {
                    provider: ListenProvider {
                        kind: "deepgram",
                        version: listen_version(&listen_model),
                        model: listen_model,
                    },
                },
                think: Think {
                    provider: ModelProvider { kind: llm_provider, model: llm_model },
                    prompt: non_empty(&setup.prompt),
                    functions: (!setup.functions.is_empty()).then(|| setup.functions.clone()),
                },
                speak: Speak { provider: ModelProvider { kind: "deepgram".into(), model: voice_model } },
                greeting: setup.greeting.as_deref().and_then(non_empty),
            },
        })
    }
}

/// Flux models are only reachable through listen provider version `v2`.
fn listen_version(model: &str) -> &'static str {
    if model.starts_with("flux") {
        "v2"
    } else {
        "v1"
    }
}

fn required(value: &str, field: &str) -> Result<String, AgentError> {
    non_empty(value).ok_or_else(|| AgentError::InvalidSetup(format!("{field} is empty")))
}

fn non_empty(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn is_empty_json(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Object(map) => map.is_empty(),
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::String(s) => s.is_empty(),
        _ => false,
    }
}
