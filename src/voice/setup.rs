//! What a conversation starts with, and what a resumed connection is told.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The conversation as the control plane decides it: built once by the service, handed to the
/// provider on every connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSetup {
    pub system_prompt: String,
    pub functions: Vec<FunctionDef>,
    pub voice_model: String,
    pub listen_model: String,
    /// The language model's provider as the speech service names it, e.g. `open_ai`.
    pub llm_provider: String,
    pub llm_model: String,
    /// What the agent says first; `None` when it waits for the user.
    pub greeting: Option<String>,
}

/// A function the language model may call, with a JSON Schema for its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionDef {
    pub name: String,
    pub description: String,
    pub parameters: serde_json::Value,
    /// Run only once the user's turn has ended (mutating intents), where the provider can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_until_eot: Option<bool>,
}

/// One earlier entry of the conversation, replayed to a new connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEntry {
    Text {
        role: String,
        content: String,
    },
    /// A client-side function call that was answered (a resumed agent must not run it again).
    Call {
        id: String,
        name: String,
        arguments: String,
        response: String,
    },
}

/// A short-lived credential for one connection. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(String);

impl Credential {
    pub fn new(secret: impl Into<String>) -> Self {
        Credential(secret.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}
