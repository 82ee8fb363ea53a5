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

type R = Result<(), Invalid>;

fn bad(code: &'static str, param: &str, message: String) -> Invalid {
    Invalid { code, message, param: param.to_string() }
}
fn unknown(param: &str) -> Invalid {
    bad("unknown_parameter", param, format!("Unknown parameter: '{param}'."))
}
fn missing(param: &str) -> Invalid {
    bad("missing_required_parameter", param, format!("Missing required parameter: '{param}'."))
}
fn wrong(param: &str, expected: &str, v: &Value) -> Invalid {
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
fn value(param: &str, v: &Value) -> Invalid {
    bad("invalid_value", param, format!("Invalid value for '{param}': {v}."))
}

/// An object with only `allowed` keys and all `required` ones.
fn object<'a>(
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

fn string(m: &Map<String, Value>, path: &str, key: &str) -> R {
    match m.get(key) {
        None => Ok(()),
        Some(Value::String(_)) => Ok(()),
        Some(v) => Err(wrong(&format!("{path}.{key}"), "a string", v)),
    }
}

fn format(v: &Value, path: &str) -> R {
    let m = object(v, path, &["type", "rate"], &["type"])?;
    match m["type"].as_str() {
        Some("audio/pcm") => match m.get("rate") {
            None => Err(missing(&format!("{path}.rate"))),
            Some(r) if r.as_u64() == Some(24_000) => Ok(()),
            Some(r) => Err(value(&format!("{path}.rate"), r)),
        },
        Some("audio/pcmu" | "audio/pcma") => Ok(()),
        _ => Err(value(&format!("{path}.type"), &m["type"])),
    }
}

fn turn_detection(v: &Value, p: &str) -> R {
    if v.is_null() {
        return Ok(());
    }
    let server = [
        "type",
        "threshold",
        "prefix_padding_ms",
        "silence_duration_ms",
        "idle_timeout_ms",
        "create_response",
        "interrupt_response",
    ];
    let m = v.as_object().ok_or_else(|| wrong(p, "an object", v))?;
    match m.get("type").and_then(Value::as_str) {
        Some("server_vad") => object(v, p, &server, &["type"]).map(|_| ()),
        Some("semantic_vad") => {
            object(v, p, &["type", "eagerness", "create_response", "interrupt_response"], &["type"])
                .map(|_| ())
        }
        _ => Err(value(&format!("{p}.type"), &m.get("type").cloned().unwrap_or(Value::Null))),
    }
}

fn audio(v: &Value, p: &str) -> R {
    let m = object(v, p, &["input", "output"], &[])?;
    if let Some(i) = m.get("input") {
        let pi = format!("{p}.input");
        let im = object(i, &pi, &["format", "noise_reduction", "transcription", "turn_detection"], &[])?;
        if let Some(f) = im.get("format") {
            format(f, &format!("{pi}.format"))?;
        }
        if let Some(n) = im.get("noise_reduction").filter(|n| !n.is_null()) {
            let nm = object(n, &format!("{pi}.noise_reduction"), &["type"], &["type"])?;
            if !matches!(nm["type"].as_str(), Some("near_field" | "far_field")) {
                return Err(value(&format!("{pi}.noise_reduction.type"), &nm["type"]));
            }
        }
        if let Some(t) = im.get("transcription").filter(|t| !t.is_null()) {
            let pt = format!("{pi}.transcription");
            let tm = object(t, &pt, &["model", "language", "prompt"], &["model"])?;
            string(tm, &pt, "model")?;
        }
        if let Some(t) = im.get("turn_detection") {
            turn_detection(t, &format!("{pi}.turn_detection"))?;
        }
    }
    if let Some(o) = m.get("output") {
        let po = format!("{p}.output");
        let om = object(o, &po, &["format", "voice", "speed"], &[])?;
        if let Some(f) = om.get("format") {
            format(f, &format!("{po}.format"))?;
        }
    }
    Ok(())
}

fn tools(v: &Value, p: &str) -> R {
    let a = v.as_array().ok_or_else(|| wrong(p, "an array", v))?;
    for (i, t) in a.iter().enumerate() {
        let pt = format!("{p}[{i}]");
        let m = object(t, &pt, &["type", "name", "description", "parameters"], &["type", "name"])?;
        if m["type"] != "function" {
            return Err(value(&format!("{pt}.type"), &m["type"]));
        }
        string(m, &pt, "name")?;
        string(m, &pt, "description")?;
        if let Some(params) = m.get("parameters").filter(|x| !x.is_object()) {
            return Err(wrong(&format!("{pt}.parameters"), "an object", params));
        }
    }
    Ok(())
}

/// `session.update`'s `session`.
pub fn session(v: &Value) -> R {
    let allowed = [
        "type",
        "model",
        "instructions",
        "output_modalities",
        "audio",
        "tools",
        "tool_choice",
        "max_output_tokens",
        "truncation",
        "include",
        "tracing",
        "prompt",
    ];
    let m = object(v, "session", &allowed, &["type"])?;
    if !matches!(m["type"].as_str(), Some("realtime" | "transcription")) {
        return Err(bad(
            "invalid_value",
            "session.type",
            format!("Invalid value: '{}'. Supported values are: 'realtime' and 'transcription'.", m["type"]),
        ));
    }
    string(m, "session", "instructions")?;
    if let Some(o) = m.get("output_modalities") {
        if o != &serde_json::json!(["audio"]) && o != &serde_json::json!(["text"]) {
            return Err(value("session.output_modalities", o));
        }
    }
    if let Some(a) = m.get("audio") {
        audio(a, "session.audio")?;
    }
    if let Some(t) = m.get("tools") {
        tools(t, "session.tools")?;
    }
    Ok(())
}

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
