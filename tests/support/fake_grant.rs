//! A local stand-in for Deepgram's `POST /v1/auth/grant`: `Authorization: Token <key>` in,
//! `{access_token, expires_in}` out; a wrong key (or a forced status) is refused like Deepgram.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

pub const KEY: &str = "dg-test-key-e2e-0123456789";

pub struct FakeGrant {
    pub url: String,
    pub calls: Arc<AtomicUsize>,
    /// Every request body, in order (the `ttl_seconds` asked for).
    pub bodies: Arc<Mutex<Vec<Value>>>,
}

/// `token` is what every successful grant hands out; `status` ≠ 200 refuses every request.
pub async fn start(token: &str, status: u16) -> FakeGrant {
    let calls = Arc::new(AtomicUsize::new(0));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let (c, b, token) = (calls.clone(), bodies.clone(), token.to_string());
    let app = Router::new().route(
        "/v1/auth/grant",
        post(move |headers: HeaderMap, Json(body): Json<Value>| {
            let (c, b, token) = (c.clone(), b.clone(), token.clone());
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                b.lock().unwrap().push(body);
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
                if status != 200 || auth != format!("Token {KEY}") {
                    let code = if status != 200 { status } else { 401 };
                    return (
                        StatusCode::from_u16(code).unwrap(),
                        Json(json!({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."})),
                    );
                }
                (StatusCode::OK, Json(json!({"access_token": token, "expires_in": 30})))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeGrant { url, calls, bodies }
}
