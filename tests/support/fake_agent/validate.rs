//! Strict checks of client messages, as the real service does: unknown, misplaced, `null` or
//! empty fields make a message unparsable.

use serde_json::{Map, Value};

type Check = fn(&Value, &str) -> Result<(), String>;

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, String> {
    let m = v.as_object().ok_or_else(|| format!("{path} must be an object"))?;
    if m.is_empty() {
        return Err(format!("{path} is an empty object"));
    }
    Ok(m)
}

/// Checks that `v` is a non-empty object with only `fields` (name, required, check).
fn fields(v: &Value, path: &str, spec: &[(&str, bool, Check)]) -> Result<(), String> {
    let m = obj(v, path)?;
    for key in m.keys() {
        if !spec.iter().any(|(k, _, _)| k == key) {
            return Err(format!("Check the {path}.{key} field against the API spec (unknown field)."));
        }
    }
    for (key, required, check) in spec {
        match m.get(*key) {
            None if *required => return Err(format!("{path}.{key} is required")),
            None => {}
            Some(Value::Null) => return Err(format!("{path}.{key} is null")),
            Some(value) => check(value, &format!("{path}.{key}"))?,
        }
    }
    Ok(())
}

fn string(v: &Value, path: &str) -> Result<(), String> {
    match v.as_str() {
        Some(s) if !s.is_empty() => Ok(()),
        Some(_) => Err(format!("{path} is an empty string")),
        None => Err(format!("{path} must be a string")),
    }
}

fn uint(v: &Value, path: &str) -> Result<(), String> {
    v.as_u64().filter(|n| *n > 0).map(|_| ()).ok_or_else(|| format!("{path} must be a positive integer"))
}

fn number(v: &Value, path: &str) -> Result<(), String> {
    v.as_f64().map(|_| ()).ok_or_else(|| format!("{path} must be a number"))
}

fn boolean(v: &Value, path: &str) -> Result<(), String> {
    v.as_bool().map(|_| ()).ok_or_else(|| format!("{path} must be a boolean"))
}

fn strings(v: &Value, path: &str) -> Result<(), String> {
    let a = v.as_array().ok_or_else(|| format!("{path} must be an array"))?;
    if a.is_empty() {
        return Err(format!("{path} is an empty array"));
    }
    a.iter().enumerate().try_for_each(|(i, s)| string(s, &format!("{path}[{i}]")))
}

fn any_object(v: &Value, path: &str) -> Result<(), String> {
    obj(v, path).map(|_| ())
}

fn settings_type(v: &Value, path: &str) -> Result<(), String> {
    (v == "Settings").then_some(()).ok_or_else(|| format!("{path} must be Settings"))
}

fn audio(v: &Value, p: &str) -> Result<(), String> {
    fields(v, p, &[("input", true, audio_input), ("output", false, audio_output)])
}

fn audio_input(v: &Value, p: &str) -> Result<(), String> {
    fields(v, p, &[("encoding", true, string), ("sample_rate", true, uint)])
}

fn audio_output(v: &Value, p: &str) -> Result<(), String> {
    fields(
        v,
        p,
        &[
            ("encoding", false, string),
            ("sample_rate", false, uint),
            ("bitrate", false, uint),
            ("container", false, string),
        ],
    )
}

fn agent(v: &Value, p: &str) -> Result<(), String> {
    fields(
        v,
        p,
        &[
            ("language", false, string),
            ("context", false, context),
            ("listen", false, listen),
            ("think", false, think),
            ("speak", false, speak),
            ("greeting", false, string),
        ],
    )
}

fn context(v: &Value, p: &str) -> Result<(), String> {
    fields(v, p, &[("messages", true, history_items)])
}

fn history_items(v: &Value, p: &str) -> Result<(), String> {
    let a = v.as_array().ok_or_else(|| format!("{p} must be an array"))?;
    if a.is_empty() {
        return Err(format!("{p} is an empty array"));
    }
    for (i, item) in a.iter().enumerate() {
        let path = format!("{p}[{i}]");
        if item.get("function_calls").is_some() {
            fields(item, &path, &[("type", true, history_type), ("function_calls", true, history_calls)])?;
        } else {
            fields(
                item,
                &path,
                &[("type", true, history_type), ("role", true, role), ("content", true, string)],
            )?;
        }
    }
    Ok(())
}

fn history_calls(v: &Value, p: &str) -> Result<(), String> {
    any_array(v, p)?;
    v.as_array().into_iter().flatten().enumerate().try_for_each(|(i, c)| {
        fields(
            c,
            &format!("{p}[{i}]"),
            &[
                ("id", true, string),
                ("name", true, string),
                ("client_side", true, boolean),
                ("arguments", true, string),
                ("response", true, string),
                ("thought_signature", false, string),
            ],
        )
    })
}

fn any_array(v: &Value, p: &str) -> Result<(), String> {
    v.as_array().filter(|a| !a.is_empty()).map(|_| ()).ok_or_else(|| format!("{p} must be a non-empty array"))
}

fn history_type(v: &Value, p: &str) -> Result<(), String> {
    (v == "History").then_some(()).ok_or_else(|| format!("{p} must be History"))
}

fn role(v: &Value, p: &str) -> Result<(), String> {
    matches!(v.as_str(), Some("user" | "assistant"))
        .then_some(())
        .ok_or_else(|| format!("{p} must be user or assistant"))
}

fn listen(v: &Value, p: &str) -> Result<(), String> {
    fields(v, p, &[("provider", true, listen_provider)])
}

fn listen_provider(v: &Value, p: &str) -> Result<(), String> {
    fields(
        v,
        p,
        &[
            ("type", true, string),
            ("version", false, string),
            ("model", false, string),
            ("language", false, string),
            ("keyterms", false, strings),
            ("smart_format", false, boolean),
            ("eot_threshold", false, number),
            ("eager_eot_threshold", false, number),
            ("eot_timeout_ms", false, uint),
            ("language_hints", false, strings),
        ],
    )
}

fn think(v: &Value, p: &str) -> Result<(), String> {
    fields(
        v,
        p,
        &[
            ("provider", true, model_provider),
            ("endpoint", false, any_object),
            ("prompt", false, string),
            ("functions", false, functions),
            ("context_length", false, uint),
        ],
    )
}

fn model_provider(v: &Value, p: &str) -> Result<(), String> {
    fields(
        v,
        p,
        &[
            ("type", true, string),
            ("model", false, string),
            ("temperature", false, number),
            ("version", false, string),
        ],
    )
}

fn functions(v: &Value, p: &str) -> Result<(), String> {
    let a = v.as_array().ok_or_else(|| format!("{p} must be an array"))?;
    if a.is_empty() {
        return Err(format!("{p} is an empty array"));
    }
    a.iter().enumerate().try_for_each(|(i, f)| {
        fields(
            f,
            &format!("{p}[{i}]"),
            &[
                ("name", true, string),
                ("description", false, string),
                ("parameters", false, any_object),
                ("endpoint", false, any_object),
                ("defer_until_eot", false, boolean),
            ],
        )
    })
}

fn speak(v: &Value, p: &str) -> Result<(), String> {
    fields(v, p, &[("provider", true, model_provider), ("endpoint", false, any_object)])
}

/// The whole Settings message.
pub fn settings(v: &Value) -> Result<(), String> {
    fields(
        v,
        "Settings",
        &[
            ("type", true, settings_type),
            ("audio", true, audio),
            ("agent", true, agent),
            ("tags", false, strings),
            ("experimental", false, boolean),
            ("mip_opt_out", false, boolean),
            ("flags", false, any_object),
        ],
    )
}

fn any_type(_: &Value, _: &str) -> Result<(), String> {
    Ok(())
}

fn content_string(v: &Value, p: &str) -> Result<(), String> {
    // A function result may legitimately be short but never absent or empty.
    string(v, p)
}

/// Any other client message, by its `type`.
pub fn message(v: &Value) -> Result<(), String> {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or_default();
    let spec: &[(&str, bool, Check)] = match kind {
        "KeepAlive" => &[("type", true, any_type)],
        "FunctionCallResponse" => &[
            ("type", true, any_type),
            ("id", true, string),
            ("name", true, string),
            ("content", true, content_string),
        ],
        "InjectUserMessage" => &[("type", true, any_type), ("content", true, string)],
        "InjectAgentMessage" => {
            &[("type", true, any_type), ("message", true, string), ("behavior", false, string)]
        }
        "UpdatePrompt" => &[("type", true, any_type), ("prompt", true, string)],
        _ => {
            return Err("Text message received from client did not match any of the formats we expect.".into())
        }
    };
    fields(v, kind, spec)
}
