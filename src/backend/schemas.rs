//! Request and response bodies of the control plane, exactly as the hosted plane's REST contract
//! shapes them (served as `/openapi.json`). Unknown request fields are ignored, as the hosted
//! (FastAPI) service does.

use crate::intents::IntentOutcome;
use crate::voice::{ConversationSetup, FunctionDef};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CreateSessionRequest {
    pub user_id: String,
}

/// The `config` of a created session on the wire; built from the domain's
/// [`ConversationSetup`](crate::voice::ConversationSetup) by the HTTP layer only.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct SessionConfig {
    pub system_prompt: String,
    pub functions: Vec<FunctionDef>,
    pub voice_model: String,
    pub listen_model: String,
    pub llm_model: String,
    pub greeting: String,
}

impl From<&ConversationSetup> for SessionConfig {
    fn from(setup: &ConversationSetup) -> Self {
        SessionConfig {
            system_prompt: setup.system_prompt.clone(),
            functions: setup.functions.clone(),
            voice_model: setup.voice_model.clone(),
            listen_model: setup.listen_model.clone(),
            llm_model: setup.llm_model.clone(),
            greeting: setup.greeting.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SessionCreated {
    pub session_id: String,
    pub deepgram_token: String,
    pub config: SessionConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SaveMessageRequest {
    pub session_id: String,
    pub role: String,
    pub content: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct MessageSaved {
    pub message_id: String,
    pub status: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct MessageOut {
    pub id: String,
    pub role: String,
    pub content: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct SessionMessages {
    pub session_id: String,
    pub messages: Vec<MessageOut>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IntentRequest {
    pub session_id: String,
    pub function_call_id: String,
    pub function_name: String,
    /// An object; a string holding a JSON object (as Deepgram's `arguments`) is accepted too.
    pub input: Value,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct IntentResponse {
    pub function_call_id: String,
    pub result: String,
}

impl From<&IntentOutcome> for IntentResponse {
    fn from(out: &IntentOutcome) -> Self {
        IntentResponse { function_call_id: out.function_call_id.clone(), result: out.result.clone() }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct SessionClosed {
    pub session_id: String,
    pub status: String,
    pub message_count: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Health {
    pub status: String,
    pub service: String,
    pub version: String,
}
