use serde_json::json;

use super::events::{self, SessionConfig};
use super::server::{parse, ServerEvent};
use super::{client_secrets_url, realtime_url};
use crate::voice::{FunctionDef, HistoryEntry};

#[test]
fn one_base_for_rest_and_socket() {
    assert_eq!(
        client_secrets_url("https://api.openai.com/"),
        "https://api.openai.com/v1/realtime/client_secrets"
    );
    assert_eq!(
        realtime_url("https://api.openai.com", "gpt-realtime").unwrap(),
        "wss://api.openai.com/v1/realtime?model=gpt-realtime"
    );
    assert_eq!(
        realtime_url("http://127.0.0.1:9/", "a b").unwrap(),
        "ws://127.0.0.1:9/v1/realtime?model=a%20b"
    );
    assert!(realtime_url("ftp://x", "m").is_err());
}

#[test]
fn session_update_is_ga_shaped() {
    let config = SessionConfig {
        instructions: "Be brief.".into(),
        voice: "marin".into(),
        transcription_model: "gpt-4o-mini-transcribe".into(),
        tools: vec![FunctionDef {
            name: "create_task".into(),
            description: "Add a task".into(),
            parameters: json!({"type": "object", "properties": {"title": {"type": "string"}}}),
            defer_until_eot: Some(true),
        }],
        vad_threshold: 0.5,
        prefix_padding_ms: 300,
        silence_duration_ms: 500,
    };
    let v = events::session_update(&config);
    let s = &v["session"];
    assert_eq!(s["type"], "realtime");
    assert_eq!(s["audio"]["input"]["format"], json!({"type": "audio/pcm", "rate": 24000}));
    assert_eq!(s["audio"]["output"]["voice"], "marin");
    assert_eq!(s["audio"]["input"]["turn_detection"]["type"], "server_vad");
    assert_eq!(s["audio"]["input"]["turn_detection"]["silence_duration_ms"], 500);
    let tool = &s["tools"][0];
    assert_eq!(tool.as_object().unwrap().len(), 4, "flat tool with four fields: {tool}");
    assert_eq!(tool["type"], "function");
    for beta in ["modalities", "voice", "turn_detection", "input_audio_format", "temperature"] {
        assert!(s.get(beta).is_none(), "{beta}");
    }
}

#[test]
fn audio_goes_up_as_base64_json() {
    let text = events::append_audio(&[1, 0, 255, 255]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, json!({"type": "input_audio_buffer.append", "audio": "AQD//w=="}));
}

#[test]
fn history_becomes_items() {
    let items = events::history_items(&[
        HistoryEntry::Text { role: "assistant".into(), content: "Hi".into() },
        HistoryEntry::Text { role: "user".into(), content: "Add tea".into() },
        HistoryEntry::Call {
            id: "c1".into(),
            name: "create_task".into(),
            arguments: "{}".into(),
            response: "ok".into(),
        },
    ]);
    let kinds: Vec<&str> = items.iter().map(|i| i["item"]["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["message", "message", "function_call", "function_call_output"]);
    assert_eq!(items[0]["item"]["content"][0]["type"], "output_text");
    assert_eq!(items[1]["item"]["content"][0]["type"], "input_text");
}

#[test]
fn server_events_tolerate_extras() {
    let delta = r#"{"type":"response.output_audio.delta","event_id":"e","item_id":"i1","delta":"AAA=","obfuscation":"x"}"#;
    assert_eq!(parse(delta).unwrap(), ServerEvent::AudioDelta { item_id: "i1".into(), delta: "AAA=".into() });
    let args = r#"{"type":"response.function_call_arguments.done","call_id":"c","arguments":"{}"}"#;
    assert_eq!(
        parse(args).unwrap(),
        ServerEvent::CallArguments { call_id: "c".into(), name: None, arguments: "{}".into() }
    );
    let err = r#"{"type":"error","error":{"type":"invalid_request_error","code":null,"message":"m","event_id":null}}"#;
    assert_eq!(
        parse(err).unwrap(),
        ServerEvent::Error { code: "invalid_request_error".into(), message: "m".into() }
    );
    assert_eq!(parse(r#"{"type":"mcp.future"}"#).unwrap(), ServerEvent::Other("mcp.future".into()));
    assert!(parse("[1]").is_err() && parse("nope").is_err());
    let failed = r#"{"type":"response.done","response":{"id":"r","status":"failed","status_details":{"type":"failed","error":{"type":"invalid_request_error","code":"model_not_found","message":"no"}}}}"#;
    assert_eq!(
        parse(failed).unwrap(),
        ServerEvent::ResponseDone {
            id: "r".into(),
            status: "failed".into(),
            error: Some(("model_not_found".into(), "no".into()))
        }
    );
}
