//! The safety notice in the desktop app, in-process as the Tauri shell runs it: the region from
//! Settings reaches the window's event and the agent, the conversation is flagged for Review,
//! and a region the configuration does not have is refused before anything starts.

mod support;

use companion::config::secret::Secret;
use companion::config::Settings;
use companion::desktop::{App, KeyName, KeyStore, MemoryKeyStore, TalkMode};
use companion::session::{SessionEvent, SessionState};
use std::sync::Arc;
use support::desktop_kit::next_matching;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::{fake_grant, pulse};
use tokio::sync::mpsc;

const TOKEN: &str = "agent-token-desktop-safety";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_gets_the_notice_with_the_regions_numbers_and_review_the_flag() {
    let Some(pulse) = pulse::pulse_or_skip() else { return };
    pulse.apply_to_process();
    std::env::remove_var("COMPANION_DEEPGRAM_API_URL");
    std::env::remove_var("COMPANION_DEEPGRAM_AGENT_URL");
    let grant = fake_grant::start(TOKEN, 200).await;
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![Step::Typed, Step::AgentText("Please call 999.".into()), Step::Reply { ms: 400 }],
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.deepgram.api_url = grant.url.clone();
    settings.deepgram.agent_url = fake.url();
    settings.safety.region = "XX".into();
    settings.save(dir.path()).unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    keys.set(KeyName::Deepgram, &Secret::new(fake_grant::KEY).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = Arc::new(App::open(dir.path(), keys, Arc::new(move |e| drop(tx.send(e)))).unwrap());

    // A region the configuration does not have: refused, with the known ones, before any start.
    let err = app.clone().start_talk(TalkMode::HandsFree).await.unwrap_err().to_string();
    assert!(err.contains("\"XX\"") && err.contains("GB"), "{err}");
    assert!(!app.status().talking);
    assert_eq!(fake.log().connections, 0);

    let mut s = app.settings();
    s.safety.region = "GB".into();
    app.save_settings(s).unwrap();
    let id = app.clone().start_talk(TalkMode::HandsFree).await.expect("the conversation starts");
    next_matching(&mut rx, "listening", |e| {
        matches!(e, SessionEvent::State { state: SessionState::Listening })
    })
    .await;
    app.send_text("I can't breathe").unwrap();
    let shown =
        next_matching(&mut rx, "the safety notice", |e| matches!(e, SessionEvent::SafetyNotice { .. })).await;
    let SessionEvent::SafetyNotice { notice } = shown else { unreachable!() };
    assert_eq!((notice.region.as_str(), notice.emergency_number.as_str()), ("GB", "999"));
    assert_eq!(notice.crisis_line.number, "116 123");
    next_matching(&mut rx, "the agent speaking", |e| {
        matches!(e, SessionEvent::State { state: SessionState::AgentSpeaking })
    })
    .await;
    app.stop_talk().unwrap();
    next_matching(&mut rx, "the end", |e| matches!(e, SessionEvent::Ended { .. })).await;

    let updates = fake.log().prompt_updates;
    assert!(updates.len() == 1 && updates[0].contains("999"), "{updates:?}");
    let detail = app.service().session_detail(&id).unwrap();
    assert_eq!(detail.safety_categories, ["breathing"]);
    assert!(app.service().list_sessions(5).unwrap().iter().any(|c| c.id == id && c.safety_notice));
}
