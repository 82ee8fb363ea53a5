//! The OpenAI Realtime fake itself behaves like the service: the client-secret endpoint, auth
//! and the beta header on the upgrade, strict client events, one active response, VAD, and
//! no speech from a function output that no `response.create` follows.

mod support;

use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use support::fake_openai::{FakeConfig, FakeOpenAi, Step};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const KEY: &str = "sk-strict-key";
const SECRET: &str = "ek_strict_secret";

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(
    fake: &FakeOpenAi,
    secret: &str,
    beta: bool,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut req = fake.ws_url().into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {secret}").parse().unwrap());
    if beta {
        req.headers_mut().insert("openai-beta", "realtime=v1".parse().unwrap());
    }
    tokio_tungstenite::connect_async(req).await.map(|(ws, _)| ws)
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// Events until `ms` of quiet (or a close, reported as `{"type":"close","code":…}`).
async fn events(ws: &mut Ws, ms: u64) -> Vec<Value> {
    let mut out = Vec::new();
    while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_millis(ms), ws.next()).await {
        match m {
            Message::Text(t) => out.push(serde_json::from_str(&t).unwrap()),
            Message::Close(f) => {
                out.push(json!({"type": "close", "code": f.map(|f| u16::from(f.code))}));
                break;
            }
            _ => {}
        }
    }
    out
}

fn kinds(evs: &[Value]) -> Vec<String> {
    evs.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

fn codes(evs: &[Value]) -> Vec<Value> {
    evs.iter().filter(|e| e["type"] == "error").map(|e| e["error"]["code"].clone()).collect()
}

fn good_session() -> Value {
    json!({"type": "session.update", "session": {"type": "realtime", "instructions": "Hi",
        "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000},
                            "turn_detection": {"type": "server_vad", "silence_duration_ms": 300}},
                  "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin"}},
        "tools": [{"type": "function", "name": "create_task", "description": "d",
                   "parameters": {"type": "object", "properties": {}}}]}})
}

async fn configured(fake: &FakeOpenAi) -> Ws {
    let mut ws = open(fake, SECRET, false).await.unwrap();
    send(&mut ws, good_session()).await;
    let evs = events(&mut ws, 400).await;
    assert_eq!(kinds(&evs)[..2], ["session.created", "session.updated"], "{evs:?}");
    ws
}

#[tokio::test]
async fn client_secrets_need_the_key_and_a_realtime_session() {
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, vec![])).await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/realtime/client_secrets", fake.base_url());
    let body = json!({"expires_after": {"anchor": "created_at", "seconds": 600}, "session": {"type": "realtime", "model": "gpt-realtime"}});
    let wrong = http.post(&url).bearer_auth("sk-wrong").json(&body).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let bad = http.post(&url).bearer_auth(KEY).json(&json!({"session": {}})).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let ok: Value = http.post(&url).bearer_auth(KEY).json(&body).send().await.unwrap().json().await.unwrap();
    assert_eq!(ok["value"], SECRET);
    assert_eq!(ok["session"]["type"], "realtime");
    assert_eq!(fake.log().secrets_minted, 1);
}

#[tokio::test]
async fn the_upgrade_needs_the_secret_and_refuses_the_beta_shape() {
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, vec![])).await;
    assert!(open(&fake, KEY, false).await.is_err(), "the long-lived key is not a client secret here");
    assert_eq!(fake.log().auth_failures, 1);
    let mut ws = open(&fake, SECRET, true).await.unwrap();
    let evs = events(&mut ws, 1000).await;
    assert_eq!(codes(&evs), vec![json!("beta_api_shape_disabled")]);
    assert_eq!(evs.last().unwrap()["code"], 4000);
}

#[tokio::test]
async fn session_update_is_checked_and_rejected_whole() {
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, vec![])).await;
    let mut ws = open(&fake, SECRET, false).await.unwrap();
    assert_eq!(kinds(&events(&mut ws, 300).await), ["session.created"]);
    let cases = [
        (json!({"instructions": "x"}), "missing_required_parameter", "session.type"),
        (
            json!({"type": "realtime", "input_audio_format": "pcm16"}),
            "unknown_parameter",
            "session.input_audio_format",
        ),
        (json!({"type": "realtime", "temperature": 0.8}), "unknown_parameter", "session.temperature"),
        (
            json!({"type": "realtime", "audio": {"input": {"format": "pcm16"}}}),
            "invalid_type",
            "session.audio.input.format",
        ),
        (
            json!({"type": "realtime", "audio": {"output": {"format": {"type": "audio/pcm"}}}}),
            "missing_required_parameter",
            "session.audio.output.format.rate",
        ),
        (
            json!({"type": "realtime", "tools": [{"type": "function", "function": {"name": "f"}}]}),
            "unknown_parameter",
            "session.tools[0].function",
        ),
    ];
    for (session, code, param) in cases {
        send(&mut ws, json!({"type": "session.update", "event_id": "cli_1", "session": session})).await;
        let evs = events(&mut ws, 300).await;
        assert_eq!(evs.len(), 1, "{evs:?}");
        assert_eq!(evs[0]["error"]["code"], code, "{evs:?}");
        assert_eq!(evs[0]["error"]["param"], param);
        assert_eq!(evs[0]["error"]["event_id"], "cli_1");
    }
    send(&mut ws, good_session()).await;
    let evs = events(&mut ws, 300).await;
    assert_eq!(kinds(&evs), ["session.updated"]);
    assert_eq!(evs[0]["session"]["audio"]["output"]["voice"], "marin");
    assert_eq!(evs[0]["session"]["audio"]["input"]["turn_detection"]["interrupt_response"], true, "merged");
}

#[tokio::test]
async fn client_events_are_checked() {
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, vec![])).await;
    let mut ws = configured(&fake).await;
    let bad = [
        json!({"event_id": "x"}),
        json!({"type": "response.audio.delta"}),
        json!({"type": "input_audio_buffer.append", "audio": "not base64!"}),
        json!({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [{"type": "text", "text": "hi"}]}}),
        json!({"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": "nope", "output": "{}"}}),
        json!({"type": "conversation.item.truncate", "item_id": "item_x", "content_index": 0, "audio_end_ms": 10}),
        json!({"type": "response.cancel"}),
        json!({"type": "input_audio_buffer.commit"}),
    ];
    for event in bad {
        send(&mut ws, event.clone()).await;
        let evs = events(&mut ws, 300).await;
        assert_eq!(kinds(&evs), ["error"], "{event} → {evs:?}");
    }
    let errs = fake.log().errors_sent;
    assert_eq!(
        errs,
        [
            "invalid_event",
            "invalid_event",
            "invalid_value",
            "invalid_value",
            "null",
            "null",
            "response_cancel_not_active",
            "input_audio_buffer_commit_empty"
        ]
    );
}

#[tokio::test]
async fn a_function_output_alone_never_makes_speech() {
    let script = vec![
        Step::Typed,
        Step::Call {
            call_id: "call_1".into(),
            name: "create_task".into(),
            args: json!({"title": "Tea"}),
            await_output: true,
        },
        Step::Reply { text: "Added tea.".into(), ms: 200 },
    ];
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, script)).await;
    let mut ws = configured(&fake).await;
    send(
        &mut ws,
        json!({"type": "conversation.item.create", "item": {"type": "message", "role": "user",
        "content": [{"type": "input_text", "text": "Add tea"}]}}),
    )
    .await;
    send(&mut ws, json!({"type": "response.create"})).await;
    send(&mut ws, json!({"type": "response.create"})).await;
    let evs = events(&mut ws, 500).await;
    assert_eq!(codes(&evs), vec![json!("conversation_already_has_active_response")]);
    let done = evs.iter().find(|e| e["type"] == "response.function_call_arguments.done").expect("a call");
    assert_eq!((done["call_id"].as_str(), done["name"].as_str()), (Some("call_1"), Some("create_task")));
    assert_eq!(evs.last().unwrap()["type"], "response.done");
    send(
        &mut ws,
        json!({"type": "conversation.item.create", "item": {"type": "function_call_output",
        "call_id": "call_1", "output": "{\"ok\":true}"}}),
    )
    .await;
    let evs = events(&mut ws, 1500).await;
    assert_eq!(
        kinds(&evs),
        ["conversation.item.added", "conversation.item.done"],
        "no response without response.create"
    );
    send(&mut ws, json!({"type": "response.create"})).await;
    let evs = events(&mut ws, 800).await;
    assert!(evs.iter().any(|e| e["type"] == "response.output_audio.delta"), "{:?}", kinds(&evs));
    let transcript = evs.iter().find(|e| e["type"] == "response.output_audio_transcript.done").unwrap();
    assert_eq!(transcript["transcript"], "Added tea.");
    let item = evs.iter().find(|e| e["type"] == "response.output_item.added").unwrap()["item"]["id"].clone();
    send(&mut ws, json!({"type": "conversation.item.truncate", "item_id": item, "content_index": 0, "audio_end_ms": 5000})).await;
    let evs = events(&mut ws, 300).await;
    assert!(
        evs[0]["error"]["message"].as_str().unwrap().contains("is already shorter than 5000ms"),
        "{evs:?}"
    );
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
}

fn append(ms: u32, amplitude: f64) -> Value {
    let pcm: Vec<u8> = (0..ms as usize * 24)
        .flat_map(|i| ((amplitude * (i as f64 * 0.115).sin()) as i16).to_le_bytes())
        .collect();
    json!({"type": "input_audio_buffer.append", "audio": base64::engine::general_purpose::STANDARD.encode(pcm)})
}

#[tokio::test]
async fn server_vad_commits_turns_and_owes_a_response() {
    let script = vec![
        Step::UserTurn,
        Step::UserText("Hello".into()),
        Step::Reply { text: "Hi there.".into(), ms: 200 },
    ];
    let fake = FakeOpenAi::start(FakeConfig::new(KEY, SECRET, script)).await;
    let mut ws = configured(&fake).await;
    for _ in 0..10 {
        send(&mut ws, append(40, 9000.0)).await;
    }
    for _ in 0..10 {
        send(&mut ws, append(40, 0.0)).await;
    }
    let evs = events(&mut ws, 800).await;
    let k = kinds(&evs);
    let first =
        |name: &str| k.iter().position(|x| x == name).unwrap_or_else(|| panic!("{name} missing: {k:?}"));
    assert!(first("input_audio_buffer.speech_started") < first("input_audio_buffer.speech_stopped"));
    assert!(
        first("input_audio_buffer.committed")
            < first("conversation.item.input_audio_transcription.completed")
    );
    assert!(first("response.created") < first("response.output_audio.delta"));
    assert_eq!(k.last().unwrap(), "response.done");
    assert!(fake.log().script_done);
}
