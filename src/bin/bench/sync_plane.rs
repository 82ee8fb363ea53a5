//! The hosted plane for `companion-bench sync`: a second Flux Companion data dir served in this
//! process through the real REST router, with limits raised to 10,000 session creations. Session
//! creation mints a Deepgram token through a fake grant endpoint on 127.0.0.1, so `POST /session`
//! runs its real route. A layer around the router times the plane's handling of each message
//! (what of a delivery's time is the plane's) and, while `on`, notes when each message was
//! committed there (by its content), for the live delivery delay.

use axum::response::IntoResponse;
use companion::backend::http;
use companion::backend::schemas::SaveMessageRequest;
use companion::backend::Service;
use companion::config::secret::Secret;
use companion::launch::{open_dir, Role};
use companion::store::StoreError;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

pub const TOKEN: &str = "bench-plane-token";
const MESSAGES_ROUTE: &str = "/api/v1/voice/messages";

/// When each message (by content) was committed on the plane, while `on`; and the time the
/// plane spent on message requests, in nanoseconds, all along.
#[derive(Clone, Default)]
pub struct Arrivals {
    pub on: Arc<AtomicBool>,
    pub at: Arc<Mutex<HashMap<String, Instant>>>,
    pub handling_ns: Arc<AtomicU64>,
}

pub struct Plane {
    pub url: String,
    pub service: Service,
    pub arrivals: Arrivals,
    _dir: tempfile::TempDir,
}

impl Plane {
    /// Starts the fake grant endpoint and the plane on `rt`.
    pub fn start(rt: &tokio::runtime::Runtime) -> anyhow::Result<Plane> {
        let grant = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let grant_url = format!("http://{}", grant.local_addr()?);
        let grant_app = axum::Router::new().route(
            "/v1/auth/grant",
            axum::routing::post(|| async {
                axum::Json(serde_json::json!({"access_token": "bench-minted-token", "expires_in": 300}))
            }),
        );
        rt.spawn(async move { axum::serve(grant, grant_app).await });

        let dir = tempfile::tempdir()?;
        let key: companion::backend::token::KeySource = Arc::new(|| Secret::new("bench-deepgram-key"));
        let service = open_dir(dir.path(), key, Role::Reader)?.service;
        // Set after loading, so no COMPANION_DEEPGRAM_API_URL in the environment can redirect
        // the mint to the real Deepgram.
        let mut settings = service.settings();
        settings.limits.sessions_per_10_minutes = 10_000;
        settings.limits.sessions_per_day = 10_000;
        settings.deepgram.api_url = grant_url;
        service.set_settings(settings);
        let arrivals = Arrivals::default();
        let token = Secret::new(TOKEN).ok_or_else(|| anyhow::anyhow!("empty plane token"))?;
        let app = http::router(service.clone(), token)
            .layer(axum::middleware::from_fn_with_state(arrivals.clone(), note_arrival));
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let url = format!("http://{}", listener.local_addr()?);
        rt.spawn(async move { axum::serve(listener, app).await });
        Ok(Plane { url, service, arrivals, _dir: dir })
    }

    pub fn holds(&self) -> anyhow::Result<Held> {
        let sql = "SELECT (SELECT count(*) FROM messages), count(*), coalesce(min(message_count), 0),
                          coalesce(max(message_count), 0)
                     FROM conversations WHERE status = 'closed'";
        Ok(self.service.store().read(|c| {
            c.query_row(sql, [], |r| {
                Ok(Held { messages: r.get(0)?, closed: r.get(1)?, fewest: r.get(2)?, most: r.get(3)? })
            })
            .map_err(StoreError::from)
        })?)
    }
}

/// What the plane holds: messages, closed sessions, and the fewest and most messages in one.
pub struct Held {
    pub messages: i64,
    pub closed: i64,
    pub fewest: i64,
    pub most: i64,
}

/// Times a message's POST on the plane and, while `on`, records the instant it returned success,
/// i.e. after the plane's commit.
async fn note_arrival(
    axum::extract::State(arrivals): axum::extract::State<Arrivals>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.uri().path() != MESSAGES_ROUTE {
        return next.run(req).await;
    }
    let started = Instant::now();
    if !arrivals.on.load(Ordering::Relaxed) {
        let resp = next.run(req).await;
        arrivals.handling_ns.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        return resp;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, http::BODY_LIMIT).await else {
        return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let content = serde_json::from_slice::<SaveMessageRequest>(&bytes).ok().map(|r| r.content);
    let resp = next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await;
    let now = Instant::now();
    arrivals.handling_ns.fetch_add((now - started).as_nanos() as u64, Ordering::Relaxed);
    if let (true, Some(content)) = (resp.status().is_success(), content) {
        arrivals.at.lock().unwrap_or_else(|p| p.into_inner()).entry(content).or_insert(now);
    }
    resp
}
