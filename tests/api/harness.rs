#![allow(dead_code)] // shared by several test binaries, each using a part
//! An in-process control plane on 127.0.0.1:0 with a manual clock, with the shared fake of
//! Deepgram's `POST /v1/auth/grant` (Token auth, ttl body).

use chrono::{TimeZone, Utc};
use companion::backend::{http, Service, ServiceParts};
use companion::config::catalog::Catalog;
use companion::config::secret::Secret;
use companion::config::Settings;
use companion::store::Store;
use companion::time::Clock;
use serde_json::{json, Value};
use std::sync::Arc;

#[path = "../support/fake_grant.rs"]
mod grant;

pub use grant::{FakeGrant, KEY};

pub const API_TOKEN: &str = "local-api-token-abcdef";
/// What the fake grant endpoint hands out.
pub const GRANT_TOKEN: &str = "temp-token-1";

/// The fake of Deepgram's grant endpoint; a `status` other than 200 refuses like Deepgram.
pub async fn fake_grant(status: u16) -> FakeGrant {
    grant::start(GRANT_TOKEN, status).await
}

/// A URL where nothing listens (Deepgram down).
pub async fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    url
}

pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub service: Service,
    pub clock: Clock,
    pub dir: tempfile::TempDir,
}

impl Api {
    pub async fn start(api_url: &str, key: Option<&'static str>) -> Api {
        Api::start_with(api_url, key, http::Options::default()).await
    }

    /// As `start`, with the server's options (e.g. routes that ignore `Idempotency-Key`).
    pub async fn start_with(api_url: &str, key: Option<&'static str>, options: http::Options) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
        let mut settings = Settings::default();
        settings.deepgram.api_url = api_url.to_string();
        settings.user.timezone = "Europe/Madrid".into();
        let service = Service::new(ServiceParts {
            store: Arc::new(Store::open_in(dir.path()).unwrap()),
            settings,
            catalog: Catalog::builtin(),
            prompt_template: companion::config::prompt::DEFAULT_TEMPLATE.to_string(),
            key: Arc::new(move || key.and_then(Secret::new)),
            clock: clock.clone(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let svc = service.clone();
        tokio::spawn(async move {
            let token = Secret::new(API_TOKEN).unwrap();
            http::serve_with(listener, svc, token, options, std::future::pending()).await.unwrap()
        });
        Api { base, http: reqwest::Client::new(), service, clock, dir }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(m, format!("{}{path}", self.base)).bearer_auth(API_TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        decode(req.send().await.unwrap()).await
    }

    pub async fn create(&self, user: &str) -> (u16, Value) {
        self.call("POST", "/api/v1/voice/session", Some(json!({"user_id": user}))).await
    }

    pub async fn close(&self, id: &str) -> (u16, Value) {
        self.call("DELETE", &format!("/api/v1/voice/session/{id}"), None).await
    }
}

pub async fn decode(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text:?}"));
    (status, v)
}

pub fn detail(v: &Value) -> &str {
    v["detail"].as_str().unwrap_or_else(|| panic!("no detail in {v}"))
}
