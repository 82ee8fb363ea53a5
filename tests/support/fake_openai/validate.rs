//! Shape checks of client events as the GA server applies them: unknown fields (beta names
//! included) are `unknown_parameter`, a wrong type is `invalid_type`, a missing field is
//! `missing_required_parameter`, an unknown event is `invalid_event`. An invalid
//! `session.update` is rejected whole.

use base64::Engine;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
    pub param: String,
}

pub(super) type R = Result<(), Invalid>;

pub(super) fn bad(code: &'static str, param: &str, message: String) -> Invalid {
    Invalid { code, message, param: param.to_string() }
}
pub(super) fn unknown(param: &str) -> Invalid {
    bad("unknown_parameter", param, format!("Unknown parameter: '{param}'."))
}
pub(super) fn missing(param: &str) -> Invalid {
    bad("missing_required_parameter", param, format!("Missing required parameter: '{param}'."))
}
pub(super) fn wrong(param: &str, expected: &str, v: &Value) -> Invalid {
    let got = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    bad(
        "invalid_type",
        param,
        format!("Invalid type for '{param}': expected {expected}, but got {got} instead."),
    )
}
pub(super) fn value(param: &str, v: &Value) -> Invalid {
    bad("invalid_value", param, format!("Invalid value for '{param}': {v}."))
}

/// An object with only `allowed` keys and all `required` ones.
pub(super) fn object<'a>(
    v: &'a Value,
    path: &str,
    allowed: &[&str],
    required: &[&str],
) -> Result<&'a Map<String, Value>, Invalid> {
    let m = v.as_object().ok_or_else(|| wrong(path, "an object", v))?;
    if let Some(k) = m.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(unknown(&format!("{path}.{k}")));
    }
    if let Some(k) = required.iter().find(|k| !m.contains_key(**k)) {
        return Err(missing(&format!("{path}.{k}")));
    }
    Ok(m)
}

pub(super) fn string(m: &Map<String, Value>, path: &str, key: &str) -> R {
    match m.get(key) {
        None => Ok(()),
        Some(Value::String(_)) => Ok(()),
        Some(v) => Err(wrong(&format!("{path}.{key}"), "a string", v)),
    }
}

pub use super::validate_session::session;

fn item(v: &Value) -> R {
    let m = v.as_object().ok_or_else(|| wrong("item", "an object", v))?;
    match m.get("type").and_then(Value::as_str) {
        Some("message") => {
            let m = object(
                v,
                "item",
                &["type", "id", "role", "content", "status", "object"],
                &["role", "content"],
            )?;
            let content_type = match m["role"].as_str() {
                Some("user" | "system") => "input_text",
                Some("assistant") => "output_text",
                _ => return Err(value("item.role", &m["role"])),
            };
            let parts =
                m["content"].as_array().ok_or_else(|| wrong("item.content", "an array", &m["content"]))?;
            for (i, part) in parts.iter().enumerate() {
                let pp = format!("item.content[{i}]");
                let allowed: &[&str] = if m["role"] == "user" {
                    &["type", "text", "audio", "image_url"]
                } else {
                    &["type", "text"]
                };
                let pm = object(part, &pp, allowed, &["type"])?;
                let t = pm["type"].as_str().unwrap_or("");
                if t != content_type && !(m["role"] == "user" && matches!(t, "input_audio" | "input_image")) {
                    return Err(value(&format!("{pp}.type"), &pm["type"]));
                }
                string(pm, &pp, "text")?;
            }
            Ok(())
        }
        Some("function_call") => {
            let m = object(
                v,
                "item",
                &["type", "id", "call_id", "name", "arguments", "status"],
                &["call_id", "name", "arguments"],
            )?;
            ["call_id", "name", "arguments"].iter().try_for_each(|k| string(m, "item", k))
        }
        Some("function_call_output") => {
            let m = object(v, "item", &["type", "id", "call_id", "output"], &["call_id", "output"])?;
            string(m, "item", "call_id")?;
            string(m, "item", "output")
        }
        _ => Err(value("item.type", m.get("type").unwrap_or(&Value::Null))),
    }
}

/// Any client event.
pub fn event(v: &Value) -> R {
    let Some(kind) = v.get("type").and_then(Value::as_str) else {
        return Err(bad("invalid_event", "type", "The 'type' field is missing.".into()));
    };
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut all = vec!["type", "event_id"];
        all.extend_from_slice(extra);
        all
    };
    match kind {
        "session.update" => {
            object(v, "", &with(&["session"]), &["session"]).map_err(strip)?;
            session(&v["session"])
        }
        "input_audio_buffer.append" => {
            object(v, "", &with(&["audio"]), &["audio"]).map_err(strip)?;
            let text = v["audio"].as_str().ok_or_else(|| wrong("audio", "a string", &v["audio"]))?;
            match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(b) if b.len() % 2 == 0 => Ok(()),
                _ => Err(bad("invalid_value", "audio",
                    "Invalid 'audio'. Expected base64-encoded audio bytes (mono PCM16 at 24kHz) but got an invalid value.".into())),
            }
        }
        "input_audio_buffer.commit" | "input_audio_buffer.clear" => {
            object(v, "", &with(&[]), &[]).map(|_| ()).map_err(strip)
        }
        "conversation.item.create" => {
            object(v, "", &with(&["item", "previous_item_id"]), &["item"]).map_err(strip)?;
            item(&v["item"])
        }
        "response.create" => {
            let m = object(v, "", &with(&["response"]), &[]).map_err(strip)?;
            if let Some(r) = m.get("response") {
                let allowed = [
                    "instructions",
                    "output_modalities",
                    "tool_choice",
                    "tools",
                    "max_output_tokens",
                    "metadata",
                    "conversation",
                    "audio",
                    "input",
                    "prompt",
                ];
                object(r, "response", &allowed, &[])?;
            }
            Ok(())
        }
        "response.cancel" => object(v, "", &with(&["response_id"]), &[]).map(|_| ()).map_err(strip),
        "conversation.item.truncate" => {
            let m = object(
                v,
                "",
                &with(&["item_id", "content_index", "audio_end_ms"]),
                &["item_id", "content_index", "audio_end_ms"],
            )
            .map_err(strip)?;
            string(m, "", "item_id").map_err(strip)?;
            for k in ["content_index", "audio_end_ms"] {
                if m[k].as_u64().is_none() {
                    return Err(wrong(k, "an integer", &m[k]));
                }
            }
            Ok(())
        }
        "conversation.item.delete" | "conversation.item.retrieve" => {
            object(v, "", &with(&["item_id"]), &["item_id"]).map(|_| ()).map_err(strip)
        }
        other => Err(bad(
            "invalid_event",
            "type",
            format!("Invalid value: '{other}'. Supported values are client event types."),
        )),
    }
}

/// Top-level paths have no leading dot.
fn strip(mut e: Invalid) -> Invalid {
    e.param = e.param.trim_start_matches('.').to_string();
    e.message = e.message.replacen("'.", "'", 1);
    e
}
