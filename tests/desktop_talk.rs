//! The desktop app's conversation, in-process as the Tauri shell runs it: real cpal devices on a
//! private PulseAudio, the fake agent, the real control plane. Hands-free streams the microphone;
//! push-to-talk sends nothing until the key is held.

mod support;

use companion::config::secret::Secret;
use companion::config::Settings;
use companion::desktop::{App, KeyName, KeyStore, MemoryKeyStore, TalkMode};
use companion::session::{SessionEvent, SessionState};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use support::desktop_kit::next_matching;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::{fake_grant, pulse};
use tokio::sync::mpsc;

const TOKEN: &str = "agent-token-desktop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_talks_through_real_devices() {
    let Some(mut pulse) = pulse::pulse_or_skip() else { return };
    pulse.apply_to_process();
    std::env::remove_var("COMPANION_DEEPGRAM_API_URL");
    std::env::remove_var("COMPANION_DEEPGRAM_AGENT_URL");
    let grant = fake_grant::start(TOKEN, 200).await;
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::Typed,
            Step::Call {
                id: "fc_desk".into(),
                name: "create_task".into(),
                args: json!({"title": "Water the plants", "scheduled_at": "2030-05-01T09:00"}),
                await_response: true,
            },
            Step::AgentText("Done, the plants are on your list.".into()),
            Step::Reply { ms: 600 },
        ],
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.deepgram.api_url = grant.url.clone();
    settings.deepgram.agent_url = fake.url();
    settings.save(dir.path()).unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    keys.set(KeyName::Deepgram, &Secret::new(fake_grant::KEY).unwrap()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let app = Arc::new(App::open(dir.path(), keys, Arc::new(move |e| drop(tx.send(e)))).unwrap());

    let id = app.clone().start_talk(TalkMode::HandsFree).await.expect("the conversation starts");
    assert!(app.status().talking);
    next_matching(&mut rx, "a microphone level", |e| matches!(e, SessionEvent::Level { .. })).await;
    next_matching(&mut rx, "listening", |e| {
        matches!(e, SessionEvent::State { state: SessionState::Listening })
    })
    .await;
    app.send_text("Remind me to water the plants").unwrap();
    let result =
        next_matching(&mut rx, "the function result", |e| matches!(e, SessionEvent::FunctionResult { .. }))
            .await;
    let SessionEvent::FunctionResult { content, ok, .. } = result else { unreachable!() };
    assert!(ok && content.starts_with("Task created: Water the plants"), "{content}");
    next_matching(&mut rx, "the agent speaking", |e| {
        matches!(e, SessionEvent::State { state: SessionState::AgentSpeaking })
    })
    .await;
    // The null sink's monitor is the microphone here, so the reply comes back as "speech" (an
    // echo): the test stops once the reply is under way rather than waiting for a quiet turn.
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.stop_talk().unwrap();
    next_matching(&mut rx, "the end", |e| matches!(e, SessionEvent::Ended { .. })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!app.status().talking);

    let detail = app.service().session_detail(&id).unwrap();
    assert_eq!(detail.conversation.status.as_str(), "closed");
    let said: Vec<&str> = detail.messages.iter().map(|m| m.content.as_str()).collect();
    assert!(said.contains(&"Remind me to water the plants"), "{said:?}");
    assert!(said.contains(&"Done, the plants are on your list."), "{said:?}");
    assert_eq!(app.service().tasks().unwrap()[0].title, "Water the plants");
    assert!(fake.log().audio_bytes_in > 0, "hands-free streams the microphone");

    // Push-to-talk: nothing leaves the machine until the key is held.
    let quiet = FakeAgent::start(FakeConfig::new(TOKEN, vec![Step::Sleep(30_000)])).await;
    let mut s = app.settings();
    s.deepgram.agent_url = quiet.url();
    app.save_settings(s).unwrap();
    app.clone().start_talk(TalkMode::PushToTalk).await.expect("second conversation");
    next_matching(&mut rx, "listening", |e| {
        matches!(e, SessionEvent::State { state: SessionState::Listening })
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(quiet.log().audio_bytes_in, 0, "no audio before the key is held");
    app.push_to_talk(true);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(quiet.log().audio_bytes_in > 0, "audio flows while the key is held");
    app.push_to_talk(false);

    // The audio system dies mid-conversation: the user is told why and the conversation ends
    // cleanly instead of hanging.
    pulse.kill();
    let failed = next_matching(
        &mut rx,
        "the device failure",
        |e| matches!(e, SessionEvent::Error { code, .. } if code == "AUDIO_DEVICE_FAILED"),
    )
    .await;
    let SessionEvent::Error { description, .. } = failed else { unreachable!() };
    assert!(
        description.starts_with("No input device is left") || description.starts_with("No output device"),
        "{description}"
    );
    next_matching(&mut rx, "the end", |e| matches!(e, SessionEvent::Ended { .. })).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!app.status().talking);
}
