//! The fake agent itself behaves like the service: auth, strict Settings, one Settings per
//! socket, idle timeout. (So the session tests prove something.)

mod support;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use support::fake_agent::{FakeAgent, FakeConfig};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const TOKEN: &str = "strict-token";

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(fake: &FakeAgent, token: &str) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let mut req = fake.url().into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.map(|(ws, _)| ws)
}

/// Text frames until the socket closes (or 3 s pass).
async fn texts(ws: &mut Ws) -> Vec<Value> {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(Ok(m)) = ws.next().await {
            match m {
                Message::Text(t) => out.push(serde_json::from_str(&t).unwrap()),
                Message::Close(_) => break,
                _ => {}
            }
        }
    })
    .await;
    out
}

fn good_settings() -> Value {
    json!({"type": "Settings",
        "audio": {"input": {"encoding": "linear16", "sample_rate": 16000},
                  "output": {"encoding": "linear16", "sample_rate": 24000, "container": "none"}},
        "agent": {"listen": {"provider": {"type": "deepgram", "version": "v1", "model": "nova-3"}},
                  "think": {"provider": {"type": "open_ai", "model": "gpt-4o-mini"}, "prompt": "Hi"},
                  "speak": {"provider": {"type": "deepgram", "model": "aura-2-thalia-en"}}}})
}

async fn send_settings(fake: &FakeAgent, settings: &[Value]) -> Vec<Value> {
    let mut ws = open(fake, TOKEN).await.unwrap();
    for s in settings {
        ws.send(Message::text(s.to_string())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    texts(&mut ws).await
}

fn codes(msgs: &[Value]) -> Vec<String> {
    msgs.iter().filter(|m| m["type"] == "Error").map(|m| m["code"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn refuses_a_missing_or_wrong_bearer_token() {
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, vec![])).await;
    match open(&fake, "nope").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 401),
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert_eq!(fake.log().auth_failures, 1);
}

#[tokio::test]
async fn welcomes_applies_good_settings_and_rejects_a_second_one() {
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, vec![])).await;
    let msgs = send_settings(&fake, &[good_settings(), good_settings()]).await;
    assert_eq!(msgs[0]["type"], "Welcome");
    assert_eq!(msgs[1]["type"], "SettingsApplied");
    assert_eq!(codes(&msgs), vec!["SETTINGS_ALREADY_APPLIED"]);
}

#[tokio::test]
async fn rejects_unknown_null_empty_and_misplaced_fields() {
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, vec![])).await;
    let mut bad = Vec::new();
    let mut s = good_settings();
    s["agent"]["think"]["prompt"] = Value::Null;
    bad.push(s);
    let mut s = good_settings();
    s["agent"]["speak"] = json!({});
    bad.push(s);
    let mut s = good_settings();
    s["greeting"] = json!("Hello");
    bad.push(s);
    let mut s = good_settings();
    s["agent"]["mip_opt_out"] = json!(true);
    bad.push(s);
    let mut s = good_settings();
    s["agent"]["listen"]["provider"]["language_hint"] = json!("en");
    bad.push(s);
    let mut s = good_settings();
    s["agent"]["think"]["prompt"] = json!("");
    bad.push(s);
    let mut s = good_settings();
    s["audio"]["input"] = json!({"encoding": "linear16"});
    bad.push(s);
    for s in bad {
        let msgs = send_settings(&fake, std::slice::from_ref(&s)).await;
        assert_eq!(codes(&msgs), vec!["UNPARSABLE_CLIENT_MESSAGE"], "{s}");
        assert!(!msgs.iter().any(|m| m["type"] == "SettingsApplied"), "{s}");
    }
}

#[tokio::test]
async fn closes_an_idle_socket_with_client_message_timeout() {
    let mut cfg = FakeConfig::new(TOKEN, vec![]);
    cfg.idle_timeout = Duration::from_millis(500);
    let fake = FakeAgent::start(cfg).await;
    let msgs = send_settings(&fake, &[good_settings()]).await;
    assert_eq!(codes(&msgs), vec!["CLIENT_MESSAGE_TIMEOUT"]);
    assert_eq!(
        FakeConfig::new(TOKEN, vec![]).idle_timeout,
        Duration::from_secs(10),
        "default like the service"
    );
}
