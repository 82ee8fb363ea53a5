//! Server events (server → client) of the Realtime API, reduced to what a voice client acts
//! on. Unknown event types and unknown fields are tolerated (the live service adds both, e.g.
//! an `obfuscation` field on deltas); a text frame that is not a JSON object with a string
//! `type` is malformed.

use serde_json::Value;

/// One server event, as far as the client cares.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent {
    /// Always first on a connection; `id` names the session (for support requests).
    SessionCreated {
        id: String,
    },
    SessionUpdated,
    /// Server VAD heard the user start speaking (barge-in when the agent is talking).
    SpeechStarted,
    SpeechStopped,
    /// The user's audio became an item; its transcript follows (asynchronously).
    Committed,
    /// The transcript of a user audio item (asynchronous: it may follow the reply).
    UserTranscript {
        transcript: String,
    },
    TranscriptionFailed {
        code: String,
        message: String,
    },
    ResponseCreated {
        id: String,
    },
    /// A chunk of assistant speech for `item_id` (base64 PCM16 24 kHz).
    AudioDelta {
        item_id: String,
        delta: String,
    },
    /// The full transcript of an assistant audio item (also sent when it was interrupted).
    AgentTranscript {
        transcript: String,
    },
    /// A function call's complete arguments; `name` may be missing.
    CallArguments {
        call_id: String,
        name: Option<String>,
        arguments: String,
    },
    /// A function-call item entered the response (it carries the name).
    CallItem {
        call_id: String,
        name: String,
    },
    /// Always the end of a response, whatever its status.
    ResponseDone {
        id: String,
        status: String,
        error: Option<(String, String)>,
    },
    Error {
        code: String,
        message: String,
    },
    /// Any other event: a sign of life.
    Other(String),
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Parses one text frame.
pub fn parse(frame: &str) -> Result<ServerEvent, String> {
    let v: Value = serde_json::from_str(frame).map_err(|e| format!("not JSON: {e}"))?;
    let kind = v.get("type").and_then(Value::as_str).ok_or("no string `type` field")?;
    Ok(match kind {
        "session.created" => ServerEvent::SessionCreated { id: text(&v["session"], "id") },
        "session.updated" => ServerEvent::SessionUpdated,
        "input_audio_buffer.speech_started" => ServerEvent::SpeechStarted,
        "input_audio_buffer.speech_stopped" => ServerEvent::SpeechStopped,
        "input_audio_buffer.committed" => ServerEvent::Committed,
        "conversation.item.input_audio_transcription.completed" => {
            ServerEvent::UserTranscript { transcript: text(&v, "transcript") }
        }
        "conversation.item.input_audio_transcription.failed" => ServerEvent::TranscriptionFailed {
            code: text(&v["error"], "code"),
            message: text(&v["error"], "message"),
        },
        "response.created" => ServerEvent::ResponseCreated { id: text(&v["response"], "id") },
        "response.output_audio.delta" => {
            ServerEvent::AudioDelta { item_id: text(&v, "item_id"), delta: text(&v, "delta") }
        }
        "response.output_audio_transcript.done" => {
            ServerEvent::AgentTranscript { transcript: text(&v, "transcript") }
        }
        "response.function_call_arguments.done" => ServerEvent::CallArguments {
            call_id: text(&v, "call_id"),
            name: v.get("name").and_then(Value::as_str).map(str::to_string),
            arguments: text(&v, "arguments"),
        },
        "response.output_item.added" | "response.output_item.done"
            if v["item"]["type"] == "function_call" =>
        {
            ServerEvent::CallItem { call_id: text(&v["item"], "call_id"), name: text(&v["item"], "name") }
        }
        "response.done" => {
            let r = &v["response"];
            let error = r["status_details"].get("error").filter(|e| e.is_object()).map(|e| {
                let code = text(e, "code");
                (if code.is_empty() { text(e, "type") } else { code }, text(e, "message"))
            });
            ServerEvent::ResponseDone { id: text(r, "id"), status: text(r, "status"), error }
        }
        "error" => {
            let e = &v["error"];
            let code = text(e, "code");
            let code = if code.is_empty() { text(e, "type") } else { code };
            ServerEvent::Error {
                code: if code.is_empty() { "unknown_error".into() } else { code },
                message: text(e, "message"),
            }
        }
        other => ServerEvent::Other(other.to_string()),
    })
}
