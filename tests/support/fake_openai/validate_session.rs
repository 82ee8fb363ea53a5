//! Shape checks of `session.update`'s `session` (GA): formats must be objects with a rate for
//! `audio/pcm`, tools are flat, and beta-era names are unknown parameters.

use serde_json::Value;

use super::validate::{bad, missing, object, string, value, wrong, R};

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
