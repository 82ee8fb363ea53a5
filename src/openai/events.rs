//! Client events (client → server) of the Realtime API, GA shape. Every event is one JSON
//! object in a text frame; audio travels base64-encoded inside `input_audio_buffer.append`.

use base64::Engine;
use serde_json::{json, Value};

use super::API_RATE;
use crate::voice::{FunctionDef, HistoryEntry};

/// How the session is configured on every connection.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfig {
    pub instructions: String,
    pub voice: String,
    /// The model that transcribes the user's audio (a separate pass from the conversation).
    pub transcription_model: String,
    pub tools: Vec<FunctionDef>,
    pub vad_threshold: f64,
    pub prefix_padding_ms: u32,
    pub silence_duration_ms: u32,
}

fn pcm_format() -> Value {
    // `rate` must be present even though the SDK types mark it optional.
    json!({"type": "audio/pcm", "rate": API_RATE})
}

/// `session.update`: the whole configuration, so a new connection needs nothing else.
pub fn session_update(config: &SessionConfig) -> Value {
    let tools: Vec<Value> = config
        .tools
        .iter()
        .map(|f| {
            let parameters = if f.parameters.is_object() {
                f.parameters.clone()
            } else {
                json!({"type": "object", "properties": {}})
            };
            json!({"type": "function", "name": f.name, "description": f.description, "parameters": parameters})
        })
        .collect();
    json!({
        "type": "session.update",
        "event_id": "cli_session",
        "session": {
            "type": "realtime",
            "instructions": config.instructions,
            "output_modalities": ["audio"],
            "audio": {
                "input": {
                    "format": pcm_format(),
                    "noise_reduction": {"type": "far_field"},
                    "transcription": {"model": config.transcription_model},
                    "turn_detection": {
                        "type": "server_vad",
                        "threshold": config.vad_threshold,
                        "prefix_padding_ms": config.prefix_padding_ms,
                        "silence_duration_ms": config.silence_duration_ms,
                        "create_response": true,
                        "interrupt_response": true
                    }
                },
                "output": {"format": pcm_format(), "voice": config.voice}
            },
            "tools": tools,
            "tool_choice": "auto"
        }
    })
}

/// `input_audio_buffer.append` for raw PCM16 LE mono 24 kHz bytes (no acknowledgement comes).
pub fn append_audio(pcm: &[u8]) -> String {
    let mut text = String::with_capacity(48 + pcm.len() * 4 / 3);
    text.push_str(r#"{"type":"input_audio_buffer.append","audio":""#);
    base64::engine::general_purpose::STANDARD.encode_string(pcm, &mut text);
    text.push_str(r#""}"#);
    text
}

/// A typed user turn as a conversation item (it does not start a response by itself).
pub fn user_text(text: &str) -> Value {
    json!({"type": "conversation.item.create", "item": {
        "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}})
}

/// An instruction from the app, as a system message in the conversation.
pub fn system_text(text: &str) -> Value {
    json!({"type": "conversation.item.create", "item": {
        "type": "message", "role": "system", "content": [{"type": "input_text", "text": text}]}})
}

/// The result of a function call (it does not start a response by itself).
pub fn function_output(call_id: &str, output: &str) -> Value {
    json!({"type": "conversation.item.create", "item": {
        "type": "function_call_output", "call_id": call_id, "output": output}})
}

/// Starts model inference.
pub fn response_create() -> Value {
    json!({"type": "response.create"})
}

/// A response that speaks the greeting (the first connection of a conversation).
pub fn greeting(text: &str) -> Value {
    json!({"type": "response.create", "response": {
        "instructions": format!("Greet the user by saying exactly \"{text}\" and nothing else.")}})
}

/// Cuts an assistant audio item to what the user heard (ms from the start of that item's audio).
pub fn truncate(item_id: &str, audio_end_ms: u64) -> Value {
    json!({"type": "conversation.item.truncate", "item_id": item_id, "content_index": 0,
        "audio_end_ms": audio_end_ms})
}

/// The conversation so far, as items a new connection starts with. Assistant audio cannot be
/// re-inserted, so every turn goes in as text; an answered call goes in as the call and its
/// output, so the model neither forgets nor repeats it.
pub fn history_items(history: &[HistoryEntry]) -> Vec<Value> {
    let mut items = Vec::new();
    for entry in history {
        match entry {
            HistoryEntry::Text { role, content } if role == "user" => items.push(user_text(content)),
            HistoryEntry::Text { content, .. } => items.push(json!({"type": "conversation.item.create",
                "item": {"type": "message", "role": "assistant",
                         "content": [{"type": "output_text", "text": content}]}})),
            HistoryEntry::Call { id, name, arguments, response } => {
                items.push(json!({"type": "conversation.item.create", "item": {
                    "type": "function_call", "call_id": id, "name": name, "arguments": arguments}}));
                items.push(function_output(id, response));
            }
        }
    }
    items
}
