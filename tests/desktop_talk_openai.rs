//! The desktop app talking through OpenAI's Realtime API with the OpenAI key from the keychain
//! (no `OPENAI_API_KEY`): real cpal devices on a private PulseAudio, the fake Realtime server.

mod support;

use companion::config::secret::Secret;
use companion::config::Settings;
use companion::desktop::{App, KeyName, KeyStore, MemoryKeyStore, TalkMode};
use companion::session::{SessionEvent, SessionState};
use std::sync::Arc;
use std::time::Duration;
use support::desktop_kit::next_matching;
use support::fake_openai::{FakeConfig, FakeOpenAi, Step};
use support::pulse;
use tokio::sync::mpsc;

const KEY: &str = "sk-keychain-0123456789abcdef";
const SECRET: &str = "ek_desktop_secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_talks_through_openai_with_the_keychain_key() {
    let Some(pulse) = pulse::pulse_or_skip() else { return };
    pulse.apply_to_process();
    for var in ["OPENAI_API_KEY", "DEEPGRAM_API_KEY", "COMPANION_OPENAI_URL"] {
        std::env::remove_var(var);
    }
    let fake = FakeOpenAi::start(FakeConfig::new(
        KEY,
        SECRET,
        vec![Step::Typed, Step::Reply { text: "Hello.".into(), ms: 400 }],
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.openai.api_url = fake.base_url();
    settings.save(dir.path()).unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    keys.set(KeyName::Openai, &Secret::new(KEY).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = Arc::new(App::open(dir.path(), keys, Arc::new(move |e| drop(tx.send(e)))).unwrap());
    assert!(app.status().can_talk, "agent.provider: auto talks through OpenAI with only its key");

    app.clone().start_talk(TalkMode::HandsFree).await.expect("the conversation starts");
    next_matching(&mut rx, "listening", |e| {
        matches!(e, SessionEvent::State { state: SessionState::Listening })
    })
    .await;
    app.send_text("Hello").unwrap();
    // The null sink's monitor is the microphone here, so replies echo back as speech: the test
    // waits for the typed turn to reach the server rather than for a whole reply.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while fake.log().typed.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the typed turn never reached the server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop_talk().unwrap();
    next_matching(&mut rx, "the end", |e| matches!(e, SessionEvent::Ended { .. })).await;

    let log = fake.log();
    assert!(log.secrets_minted >= 1 && log.mint_refused == 0 && log.auth_failures == 0, "{log:?}");
    assert_eq!(log.typed, vec!["Hello".to_string()]);
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(KEY), "the key is in {}", entry.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
