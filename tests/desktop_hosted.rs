//! Hosted mode in the desktop app: with background sync on, a plane and its token, and no
//! Deepgram key, a conversation starts on the hosted plane through the app's running sync
//! worker, the agent opens with the plane's token, and the plane keeps the transcript.

mod support;

use companion::config::secret::Secret;
use companion::config::Settings;
use companion::desktop::{App, KeyName, KeyStore, MemoryKeyStore, TalkMode};
use companion::session::SessionEvent;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::desktop_kit::next_matching;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::pulse;
use support::sync_kit::{assert_plane_holds_exactly, outbox_len, Plane, GENEROUS, PLANE_TOKEN};
use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_talks_through_the_hosted_plane() {
    let Some(pulse) = pulse::pulse_or_skip() else { return };
    pulse.apply_to_process();
    std::env::remove_var("COMPANION_DEEPGRAM_AGENT_URL");
    std::env::remove_var("COMPANION_SYNC_URL");
    std::env::remove_var("DEEPGRAM_API_KEY");
    let plane =
        Plane::start_with(&[], &format!("{GENEROUS}agent:\n  greeting: \"Hello from the plane\"\n")).await;
    let fake = FakeAgent::start(FakeConfig::new(
        "plane-minted-deepgram-token",
        vec![
            Step::Typed,
            Step::Call {
                id: "fc_hosted_desk".into(),
                name: "create_task".into(),
                args: json!({"title": "Call the plumber", "scheduled_at": "2030-05-01T09:00"}),
                await_response: true,
            },
            Step::AgentText("The plumber is on your list.".into()),
            Step::Reply { ms: 300 },
        ],
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.deepgram.agent_url = fake.url();
    settings.sync.enabled = true;
    settings.sync.url = plane.url.clone();
    settings.save(dir.path()).unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    keys.set(KeyName::Sync, &Secret::new(PLANE_TOKEN).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = Arc::new(App::open(dir.path(), keys, Arc::new(move |e| drop(tx.send(e)))).unwrap());
    app.start_sync(tokio::runtime::Handle::current());
    let start = Instant::now();
    while app.status().provider != "hosted" {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the app never offered hosted mode: {:?}",
            app.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(app.status().can_talk, "no Deepgram key is needed in hosted mode");

    let id = app.clone().start_talk(TalkMode::HandsFree).await.expect("the hosted conversation starts");
    app.send_text("Remind me to call the plumber").unwrap();
    next_matching(&mut rx, "the function result", |e| {
        matches!(e, SessionEvent::FunctionResult { ok: true, .. })
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.stop_talk().unwrap();
    next_matching(&mut rx, "the end", |e| matches!(e, SessionEvent::Ended { .. })).await;

    assert_eq!(fake.log().auth_failures, 0, "the agent opened with the plane's token");
    assert_eq!(fake.log().settings[0]["agent"]["greeting"], "Hello from the plane");
    let on_plane: String = plane.db().query_row("SELECT id FROM conversations", [], |r| r.get(0)).unwrap();
    assert_eq!(on_plane, id, "the conversation has the plane's session id");
    let start = Instant::now();
    while outbox_len(dir.path()) > 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "the app's worker did not deliver");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_plane_holds_exactly(dir.path(), &plane);
    plane.stop().await;
}
