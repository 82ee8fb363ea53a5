//! Requests with and without an `Idempotency-Key`, for `api_idempotency.rs`.

use super::harness::*;
use companion::backend::http;
use companion::backend::idempotency::Route;
use serde_json::{json, Value};

pub const MESSAGES: &str = "/api/v1/voice/messages";
pub const INTENTS: &str = "/api/v1/voice/intents";
pub const SESSION: &str = "/api/v1/voice/session";

/// A POST with a raw JSON body and an optional key: status, body, and whether it was a replay.
pub async fn post(api: &Api, path: &str, key: Option<&str>, body: &str) -> (u16, Value, bool) {
    post_to(&api.http, &api.base, path, key, body).await
}

pub async fn post_to(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    key: Option<&str>,
    body: &str,
) -> (u16, Value, bool) {
    let mut req = http
        .post(format!("{base}{path}"))
        .bearer_auth(API_TOKEN)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let replayed = match r.headers().get("idempotent-replayed") {
        None => false,
        Some(v) => {
            assert_eq!(v, "true");
            true
        }
    };
    let (s, v) = decode(r).await;
    (s, v, replayed)
}

pub async fn api_with(ignored: Vec<Route>) -> (Api, FakeGrant) {
    let grant = fake_grant(200).await;
    let api = Api::start_with(&grant.url, Some(KEY), http::Options { ignore_idempotency_key: ignored }).await;
    (api, grant)
}

pub async fn session(api: &Api) -> String {
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 200, "{v}");
    v["session_id"].as_str().unwrap().to_string()
}

pub fn message(id: &str, content: &str) -> String {
    json!({"session_id": id, "role": "user", "content": content}).to_string()
}

pub fn stored(api: &Api, id: &str) -> Vec<String> {
    api.service.messages(id).unwrap().messages.into_iter().map(|m| m.content).collect()
}
