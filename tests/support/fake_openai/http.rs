//! One accepted TCP connection: either the client-secret REST call or the realtime socket.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

use super::conn::{self, Shared};

pub(super) async fn dispatch(tcp: TcpStream, shared: Arc<Shared>) {
    let mut head = [0u8; 5];
    if tcp.peek(&mut head).await.is_err() {
        return;
    }
    if &head == b"POST " {
        rest(tcp, &shared).await;
    } else {
        socket(tcp, shared).await;
    }
}

/// `POST /v1/realtime/client_secrets`.
async fn rest(mut tcp: TcpStream, shared: &Shared) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let Ok(n) = tcp.read(&mut chunk).await else { return };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.trim().to_string())
    };
    let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < header_end + length {
        let Ok(n) = tcp.read(&mut chunk).await else { return };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body: Value = serde_json::from_slice(&buf[header_end..]).unwrap_or(Value::Null);
    let path = head.split_whitespace().nth(1).unwrap_or("");
    let auth_ok = header("authorization").as_deref() == Some(&format!("Bearer {}", shared.config.key));
    let (status, reply) = {
        let mut log = shared.log.lock().unwrap();
        log.mint_bodies.push(body.clone());
        if path != "/v1/realtime/client_secrets" {
            (404, error_body("invalid_request_error", None, "Not found"))
        } else if !auth_ok {
            log.mint_refused += 1;
            (401, error_body("invalid_request_error", Some("invalid_api_key"), "Incorrect API key provided."))
        } else if let Some(status) = shared.config.mint_status {
            (status, error_body("server_error", None, "The server had an error."))
        } else if let Err(e) = check_mint_body(&body) {
            (400, error_body("invalid_request_error", Some("invalid_value"), &e))
        } else {
            log.secrets_minted += 1;
            let session = conn::default_session(body["session"]["model"].as_str().unwrap_or("gpt-realtime"));
            (200, json!({"value": shared.config.secret, "expires_at": 1_900_000_000u64, "session": session}))
        }
    };
    let text = reply.to_string();
    let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = tcp.write_all(response.as_bytes()).await;
    let _ = tcp.shutdown().await;
}

fn error_body(kind: &str, code: Option<&str>, message: &str) -> Value {
    json!({"error": {"type": kind, "code": code, "message": message, "param": null}})
}

fn check_mint_body(body: &Value) -> Result<(), String> {
    let e = &body["expires_after"];
    if !e.is_null() {
        if e["anchor"] != "created_at" {
            return Err("Invalid value for 'expires_after.anchor': expected 'created_at'.".into());
        }
        let s = e["seconds"].as_u64().unwrap_or(0);
        if !(10..=7200).contains(&s) {
            return Err("Invalid 'expires_after.seconds': expected 10 to 7200.".into());
        }
    }
    match body["session"]["type"].as_str() {
        Some("realtime" | "transcription") => Ok(()),
        _ => Err("Missing required parameter: 'session.type'.".into()),
    }
}

/// The realtime socket: bearer secret on the upgrade; the beta header is refused in-band.
async fn socket(tcp: TcpStream, shared: Arc<Shared>) {
    let expected = format!("Bearer {}", shared.config.secret);
    let beta = Arc::new(AtomicBool::new(false));
    let (log, max, beta_seen) = (shared.log.clone(), shared.config.max_connections, beta.clone());
    #[allow(clippy::result_large_err)] // the handshake callback's signature
    let check = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let refuse = |status: StatusCode, text: &str| {
            let mut e = ErrorResponse::new(Some(text.into()));
            *e.status_mut() = status;
            Err(e)
        };
        if req.uri().path() != "/v1/realtime" {
            return refuse(StatusCode::NOT_FOUND, "not found");
        }
        let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok());
        if auth != Some(expected.as_str()) {
            log.lock().unwrap().auth_failures += 1;
            return refuse(StatusCode::UNAUTHORIZED, "unauthorized");
        }
        if max.is_some_and(|m| log.lock().unwrap().connections >= m) {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        }
        beta_seen.store(req.headers().contains_key("openai-beta"), Ordering::SeqCst);
        Ok(resp)
    };
    if let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, check).await {
        let index = {
            let mut log = shared.log.lock().unwrap();
            log.connections += 1;
            log.connections
        };
        conn::serve(ws, shared, index, beta.load(Ordering::SeqCst)).await;
    }
}
