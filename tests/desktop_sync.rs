//! The desktop's sync against a real control plane (our own server on 127.0.0.1:0): the worker
//! follows the settings, the history is sent or kept here as the user chose, "Sync now" works
//! with background sync off, an unreachable plane reads "offline", a refused token "needs
//! sign-in" until a good one is saved, and the token never comes back but as its hint.

#[path = "api/harness.rs"]
mod harness;

use companion::backend::schemas::SaveMessageRequest;
use companion::config::{Settings, SyncMode};
use companion::desktop::{App, AppEvent, MemoryKeyStore};
use companion::sync::{SyncState, SyncStatus};
use harness::{dead_url, fake_grant, Api, API_TOKEN, KEY};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Desk {
    app: App,
    events: Arc<Mutex<Vec<(Instant, AppEvent)>>>,
    _dir: tempfile::TempDir,
}

fn desk() -> Desk {
    // The app's own settings and keychain only, never the developer's environment.
    for var in ["COMPANION_SYNC_URL", "COMPANION_SYNC_TOKEN", "DEEPGRAM_API_KEY", "OPENAI_API_KEY"] {
        std::env::remove_var(var);
    }
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let notify = Arc::new(move |e| sink.lock().unwrap().push((Instant::now(), e)));
    let app = App::open(dir.path(), Arc::new(MemoryKeyStore::default()), notify).unwrap();
    app.start_sync(tokio::runtime::Handle::current());
    Desk { app, events, _dir: dir }
}

impl Desk {
    /// A finished local conversation of `n` messages.
    fn converse(&self, n: usize) -> String {
        let svc = self.app.service();
        let (id, _) = svc.open_conversation("local", None).unwrap();
        for i in 0..n {
            let role = if i % 2 == 0 { "user" } else { "assistant" };
            let req = SaveMessageRequest {
                session_id: id.clone(),
                role: role.into(),
                content: format!("line {i}"),
            };
            svc.save_message(&req, None).unwrap();
        }
        svc.close_session(&id).unwrap();
        id
    }

    async fn wait_for(&self, what: &str, pred: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let st = self.app.sync_status().unwrap();
            if pred(&st) {
                return st;
            }
            assert!(Instant::now() < deadline, "no {what} within 20 s: {st:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_state(&self, state: SyncState) -> SyncStatus {
        self.wait_for(&format!("{state:?}"), |s| s.state == state).await
    }

    /// The last status pushed to the window, once it says `state`.
    async fn pushed(&self, state: SyncState) -> SyncStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let last = self.events.lock().unwrap().iter().rev().find_map(|(_, e)| match e {
                AppEvent::Sync(s) => Some(s.clone()),
                _ => None,
            });
            match last {
                Some(s) if s.state == state => return s,
                other => assert!(Instant::now() < deadline, "the window was not told {state:?}: {other:?}"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The plane's conversations of `user` (its clock stands still, so by message count), each
/// with its message count and status.
fn plane_sessions(plane: &Api, user: &str) -> Vec<(i64, String)> {
    let rows = plane.service.list_sessions(100).unwrap();
    let mut out: Vec<(i64, String)> = rows
        .iter()
        .filter(|c| c.user_id == user)
        .map(|c| (c.message_count, format!("{:?}", c.status).to_lowercase()))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_follows_the_settings_and_sends_the_history() {
    let grant = fake_grant(200).await;
    let plane = Api::start(&grant.url, Some(KEY)).await;
    let d = desk();
    d.converse(2);
    d.converse(3);

    let st = d.app.sync_status().unwrap();
    assert_eq!((st.state, st.configured, st.enabled), (SyncState::NotConfigured, false, false));
    assert_eq!((st.pending_sessions, st.pending_messages), (2, 5));
    d.pushed(SyncState::NotConfigured).await;

    // Bad input is refused with a reason, and nothing is saved.
    let err = d.app.set_sync_settings("ftp://plane", "", false, SyncMode::Auto).await.unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
    let err = d.app.set_sync_settings(" ", "", true, SyncMode::Auto).await.unwrap_err();
    assert!(err.to_string().contains("URL to turn sync on"), "{err}");
    assert!(d.app.enable_sync(false).await.is_err(), "no plane yet: nothing to turn on");
    assert_eq!(d.app.sync_status().unwrap().pending_items, 9, "a refused enable keeps the history");
    let err = d.app.save_sync_token("short").unwrap_err().to_string();
    assert!(err.contains("sync token") && !err.contains("short"), "{err}");

    // The token goes to the keychain; only its hint comes back.
    let status = d.app.save_sync_token(API_TOKEN).unwrap();
    assert!(status.has_sync_token && status.sync_token_error.is_none());
    assert_eq!(status.sync_token_hint.as_deref(), Some("…cdef"));
    assert!(!serde_json::to_string(&status).unwrap().contains(API_TOKEN));

    // Configured but off: nothing leaves; then on, with the history.
    let st = d
        .app
        .set_sync_settings(&format!("{}/", plane.base), "ana", false, SyncMode::Background)
        .await
        .unwrap();
    assert_eq!((st.state, st.configured, st.enabled), (SyncState::Off, true, false));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(plane_sessions(&plane, "ana").is_empty(), "sync is off");
    let saved = Settings::load(d._dir.path()).unwrap().sync;
    assert_eq!(
        (saved.url.as_str(), saved.user_id.as_str(), saved.mode),
        (plane.base.as_str(), "ana", SyncMode::Background)
    );
    let yaml = std::fs::read_to_string(d._dir.path().join("settings.yaml")).unwrap();
    assert!(!yaml.contains(API_TOKEN), "the token never reaches the settings file");

    d.app.enable_sync(true).await.unwrap();
    let st = d.wait_state(SyncState::Synced).await;
    assert!(st.enabled && st.last_success.is_some() && st.pending_items == 0, "{st:?}");
    assert_eq!(plane_sessions(&plane, "ana"), [(2, "closed".into()), (3, "closed".into())]);
    d.pushed(SyncState::Synced).await;

    // Live: a new conversation reaches the plane by itself.
    d.converse(1);
    d.wait_for("the live conversation on the plane", |_| plane_sessions(&plane, "ana").len() == 3).await;
    d.wait_state(SyncState::Synced).await;

    // Off again: the worker stops; "Sync now" still delivers, once.
    d.app.set_sync_settings(&plane.base, "ana", false, SyncMode::Auto).await.unwrap();
    d.converse(2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let st = d.app.sync_status().unwrap();
    assert_eq!((st.state, st.pending_sessions), (SyncState::Off, 1), "{st:?}");
    assert_eq!(plane_sessions(&plane, "ana").len(), 3, "nothing is sent while sync is off");
    d.app.sync_now().await.unwrap();
    let st = d.wait_state(SyncState::Synced).await;
    assert!(!st.enabled);
    let closed = |n: i64| (n, "closed".to_string());
    assert_eq!(plane_sessions(&plane, "ana"), [closed(1), closed(2), closed(2), closed(3)]);

    // The window was told, never more than four times a second.
    let pushes: Vec<Instant> = d
        .events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(at, e)| matches!(e, AppEvent::Sync(_)).then_some(*at))
        .collect();
    for pair in pushes.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(240), "two pushes {:?} apart", pair[1] - pair[0]);
    }
    let all = format!("{:?}", d.events.lock().unwrap());
    assert!(!all.contains(API_TOKEN), "the token never reaches an event");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_from_now_on_keeps_the_history_on_this_computer() {
    let grant = fake_grant(200).await;
    let plane = Api::start(&grant.url, Some(KEY)).await;
    let d = desk();
    d.converse(2);
    d.converse(2);
    d.app.save_sync_token(API_TOKEN).unwrap();
    d.app.set_sync_settings(&plane.base, "", false, SyncMode::Auto).await.unwrap();
    let st = d.app.enable_sync(false).await.unwrap();
    assert_eq!((st.pending_items, st.enabled), (0, true), "{st:?}");
    d.converse(1);
    d.wait_for("the new conversation", |_| plane_sessions(&plane, "local").len() == 1).await;
    d.wait_state(SyncState::Synced).await;
    assert_eq!(plane_sessions(&plane, "local"), [(1, "closed".into())]);
    assert_eq!(d.app.service().list_sessions(10).unwrap().len(), 3, "the history stays here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_then_needs_sign_in_until_a_good_token_is_saved() {
    let d = desk();
    d.converse(2);
    d.app.save_sync_token("not-the-planes-token").unwrap();
    d.app.set_sync_settings(&dead_url().await, "", true, SyncMode::Auto).await.unwrap();
    let st = d.wait_state(SyncState::Offline).await;
    assert!(st.last_error.as_deref().is_some_and(|e| e.contains("cannot reach")), "{st:?}");
    d.pushed(SyncState::Offline).await;

    let grant = fake_grant(200).await;
    let plane = Api::start(&grant.url, Some(KEY)).await;
    d.app.set_sync_settings(&plane.base, "", true, SyncMode::Auto).await.unwrap();
    let st = d.wait_state(SyncState::NeedsSignIn).await;
    assert!(st.needs_sign_in && !format!("{st:?}").contains("not-the-planes-token"), "{st:?}");

    // The worker waits long after a refused token; saving a new one tries again at once.
    let started = Instant::now();
    d.app.save_sync_token(API_TOKEN).unwrap();
    d.wait_state(SyncState::Synced).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(plane_sessions(&plane, "local"), [(2, "closed".into())]);

    let status = d.app.clear_sync_token().unwrap();
    assert!(!status.has_sync_token && status.sync_token_hint.is_none());
}
