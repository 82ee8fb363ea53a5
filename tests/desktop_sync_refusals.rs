//! What waits for the user, from the desktop: a plane that refuses a session (the item is
//! quarantined: "blocked", Retry puts it back, Discard drops its conversation), one that lost a
//! session (Retry sends again, Discard gives up on it) and one that rate-limits (the status says
//! until when). The plane is a stub speaking the REST contract with the answers each case needs.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, post};
use axum::{Json, Router};
use companion::backend::schemas::SaveMessageRequest;
use companion::config::SyncMode;
use companion::desktop::{App, MemoryKeyStore};
use companion::sync::{SyncState, SyncStatus};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "stub-plane-token-1234";
const FINE: u8 = 0;
const REFUSE: u8 = 1;
const LOSE: u8 = 2;
const BUSY: u8 = 3;

#[derive(Clone, Default)]
struct Stub {
    mode: Arc<AtomicU8>,
    creates: Arc<AtomicUsize>,
}

type Reply = (StatusCode, HeaderMap, Json<Value>);

fn reply(status: u16, body: Value) -> Reply {
    (StatusCode::from_u16(status).unwrap(), HeaderMap::new(), Json(body))
}

async fn create(State(s): State<Stub>) -> Reply {
    match s.mode.load(Ordering::SeqCst) {
        REFUSE => reply(422, json!({"detail": "user_id is not allowed on this plane"})),
        BUSY => {
            let mut r = reply(429, json!({"detail": "Rate limit exceeded: 5 sessions per 10 minutes"}));
            r.1.insert("retry-after", "600".parse().unwrap());
            r
        }
        _ => {
            let n = s.creates.fetch_add(1, Ordering::SeqCst);
            let config = json!({"system_prompt": "", "functions": [], "voice_model": "v", "listen_model": "l",
                                "llm_model": "m", "greeting": ""});
            reply(200, json!({"session_id": format!("remote-{n}"), "deepgram_token": "t", "config": config}))
        }
    }
}

async fn message(State(s): State<Stub>, Json(_): Json<Value>) -> Reply {
    if s.mode.load(Ordering::SeqCst) == LOSE {
        return reply(404, json!({"detail": "Session not found"}));
    }
    reply(200, json!({"message_id": "m", "status": "saved"}))
}

async fn close(Path(id): Path<String>) -> Reply {
    reply(200, json!({"session_id": id, "status": "closed", "message_count": 0}))
}

async fn stub() -> (String, Stub) {
    let state = Stub::default();
    let app = Router::new()
        .route("/api/v1/voice/session", post(create))
        .route("/api/v1/voice/session/{id}", delete(close))
        .route("/api/v1/voice/messages", post(message))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, state)
}

async fn app_with(url: &str, dir: &tempfile::TempDir) -> App {
    for var in ["COMPANION_SYNC_URL", "COMPANION_SYNC_TOKEN"] {
        std::env::remove_var(var);
    }
    let app = App::open(dir.path(), Arc::new(MemoryKeyStore::default()), Arc::new(|_| {})).unwrap();
    app.start_sync(tokio::runtime::Handle::current());
    app.save_sync_token(TOKEN).unwrap();
    app.set_sync_settings(url, "", true, SyncMode::Auto).await.unwrap();
    app
}

fn converse(app: &App, n: usize) -> String {
    let svc = app.service();
    let (id, _) = svc.open_conversation("local", None).unwrap();
    for i in 0..n {
        let req =
            SaveMessageRequest { session_id: id.clone(), role: "user".into(), content: format!("line {i}") };
        svc.save_message(&req, None).unwrap();
    }
    svc.close_session(&id).unwrap();
    id
}

async fn wait_for(app: &App, what: &str, pred: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let st = app.sync_status().unwrap();
        if pred(&st) {
            return st;
        }
        assert!(Instant::now() < deadline, "no {what} within 20 s: {st:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_session_is_blocked_until_retried_or_discarded() {
    let (url, plane) = stub().await;
    plane.mode.store(REFUSE, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&url, &dir).await;
    let conv = converse(&app, 2);

    let st = wait_for(&app, "blocked", |s| s.state == SyncState::Blocked).await;
    assert_eq!(st.quarantined.len(), 1, "{st:?}");
    let item = &st.quarantined[0];
    assert_eq!(item.conversation_id, conv);
    assert!(item.reason.contains("422") && item.reason.contains("not allowed on this plane"), "{item:?}");

    // Retry puts it back in line (and the plane, now willing, takes it).
    plane.mode.store(FINE, Ordering::SeqCst);
    app.sync_retry(Some(item.id)).unwrap();
    wait_for(&app, "synced", |s| s.state == SyncState::Synced).await;
    assert_eq!(plane.creates.load(Ordering::SeqCst), 1);
    let err = app.sync_retry(Some(item.id)).unwrap_err().to_string();
    assert!(err.contains("not waiting"), "{err}");

    // Discarding a refused session drops what its conversation still owes, not just its opening.
    plane.mode.store(REFUSE, Ordering::SeqCst);
    converse(&app, 3);
    let st = wait_for(&app, "blocked again", |s| s.state == SyncState::Blocked).await;
    let st = app.sync_discard(st.quarantined[0].id).unwrap();
    assert_eq!((st.pending_items, st.quarantined.len()), (0, 0), "{st:?}");
    assert_eq!(st.state, SyncState::Synced);
    let err = app.sync_discard(123_456).unwrap_err().to_string();
    assert!(err.contains("no item 123456"), "{err}");
    assert_eq!(app.service().list_sessions(10).unwrap().len(), 2, "discarding keeps the conversation here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_session_is_retried_or_given_up() {
    let (url, plane) = stub().await;
    plane.mode.store(LOSE, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&url, &dir).await;
    let conv = converse(&app, 2);

    let st = wait_for(&app, "a lost session", |s| s.state == SyncState::Blocked).await;
    assert_eq!(st.lost_sessions.len(), 1, "{st:?}");
    assert_eq!(st.lost_sessions[0].conversation_id, conv);
    assert!(st.lost_sessions[0].detail.contains("404"), "{st:?}");

    plane.mode.store(FINE, Ordering::SeqCst);
    app.sync_retry_session(&conv).unwrap();
    wait_for(&app, "synced", |s| s.state == SyncState::Synced).await;
    let err = app.sync_retry_session(&conv).unwrap_err().to_string();
    assert!(err.contains("no lost session"), "{err}");

    plane.mode.store(LOSE, Ordering::SeqCst);
    let other = converse(&app, 1);
    wait_for(&app, "lost again", |s| s.lost_sessions.len() == 1).await;
    let st = app.sync_discard_session(&other).unwrap();
    assert!(st.lost_sessions.is_empty() && st.pending_items == 0, "{st:?}");
    assert_eq!(st.state, SyncState::Synced);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_plane_is_rate_limited_until_its_retry_after() {
    let (url, plane) = stub().await;
    plane.mode.store(BUSY, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(&url, &dir).await;
    converse(&app, 1);
    let st = wait_for(&app, "rate limited", |s| s.state == SyncState::RateLimited).await;
    let until = st.rate_limited_until.clone().expect("until when");
    let until = chrono::DateTime::parse_from_rfc3339(&until).unwrap();
    let wait = until.signed_duration_since(chrono::Utc::now()).num_seconds();
    assert!((500..=601).contains(&wait), "Retry-After 600 s is honoured: {wait} s");
    assert_eq!(st.pending_sessions, 1);
}
