//! Hosted mode end to end: `companion talk` with no Deepgram key starts its conversation on the
//! hosted plane (a second `companion serve`), opens the agent with the plane's token and config,
//! runs the intents here, and leaves the plane holding the transcript of that same session.

mod support;

use serde_json::json;
use support::cli_kit::companion;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::speech;
use support::sync_kit::*;

const PLANE_MINTED: &str = "plane-minted-deepgram-token";

/// The plane's own agent settings, so the test can tell its config from this computer's.
fn plane_settings() -> String {
    format!("{GENEROUS}agent:\n  greeting: \"Welcome back, from the plane!\"\n  llm_model: plane-llm-model\n  voice_model: aura-2-plane-en\n")
}

fn script() -> Vec<Step> {
    let day = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    vec![
        Step::UserTurn,
        Step::UserText("Add water the plants tomorrow at nine".into()),
        Step::Call {
            id: "fc-hosted-1".into(),
            name: "create_task".into(),
            args: json!({"title": "Water the plants", "scheduled_at": format!("{day}T09:00:00")}),
            await_response: true,
        },
        Step::AgentText("Added water the plants.".into()),
        Step::Reply { ms: 400 },
    ]
}

async fn talk(
    local: &std::path::Path,
    plane: &Plane,
    agent: &FakeAgent,
    work: &std::path::Path,
) -> support::cli_kit::Run {
    let wav = speech::make(work, &[(1.5, "Add water the plants tomorrow at nine")], 0.5);
    let out = work.join("out.wav");
    let agent_url = agent.url();
    companion(
        local,
        &[
            ("COMPANION_SYNC_URL", plane.url.as_str()),
            ("COMPANION_SYNC_TOKEN", PLANE_TOKEN),
            ("COMPANION_DEEPGRAM_AGENT_URL", agent_url.as_str()),
            ("RUST_LOG", "debug"),
        ],
        &["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap(), "--json"],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_without_a_deepgram_key_runs_through_the_plane() {
    let plane = Plane::start_with(&[], &plane_settings()).await;
    let agent = FakeAgent::start(FakeConfig::new(PLANE_MINTED, script())).await;
    let work = tempfile::tempdir().unwrap();
    let local = local_dir();

    let run = talk(local.path(), &plane, &agent, work.path()).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let summary = run.json();
    let log = agent.log();
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    assert_eq!(log.auth_failures, 0, "the agent was opened with the plane's token");
    assert!(log.script_done, "{log:?}");
    let agent_cfg = &log.settings[0]["agent"];
    assert_eq!(agent_cfg["greeting"], "Welcome back, from the plane!");
    assert_eq!(agent_cfg["think"]["provider"]["model"], "plane-llm-model");
    assert_eq!(agent_cfg["speak"]["provider"]["model"], "aura-2-plane-en");
    let names: Vec<&str> = agent_cfg["think"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"create_task"), "{names:?}");

    // The conversation ran and persisted here first, under the plane's session id…
    let id = summary["session_id"].as_str().unwrap();
    let on_plane: String = plane.db().query_row("SELECT id FROM conversations", [], |r| r.get(0)).unwrap();
    assert_eq!(id, on_plane, "one session, the plane's, shared by both sides");
    let tasks = support::cli_kit::json_of(local.path(), &["tasks", "list"]).await;
    assert_eq!(tasks.as_array().unwrap().len(), 1, "{tasks}");
    // …and the plane holds exactly its transcript and call, closed.
    assert_plane_holds_exactly(local.path(), &plane);
    let plane_msgs: i64 = plane.db().query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap();
    assert!(plane_msgs >= 3, "greeting, the user's words and the reply: {plane_msgs}");
    // The plane's token never lands here.
    for file in data_files(local.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).to_string();
        assert!(!text.contains(PLANE_MINTED) && !text.contains(PLANE_TOKEN), "{}", file.display());
    }
    assert!(!run.stderr.contains(PLANE_MINTED) && !run.stderr.contains(PLANE_TOKEN));
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plane_that_refuses_a_new_session_says_when_to_retry() {
    let plane = Plane::start_with(&[], &plane_settings()).await;
    // Another machine of the same user holds the plane's one open session.
    plane.create_session().await;
    let agent = FakeAgent::start(FakeConfig::new(PLANE_MINTED, script())).await;
    let work = tempfile::tempdir().unwrap();
    let local = local_dir();
    let run = talk(local.path(), &plane, &agent, work.path()).await;
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("limiting new sessions") && run.stderr.contains("retry in"),
        "{}",
        run.stderr
    );
    assert_eq!(agent.log().connections, 0, "no agent without a session");
    plane.stop().await;
}

/// Not hosted (a Deepgram key is set), but background sync on: the conversation `talk` had
/// reaches the plane before the process exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_with_background_sync_delivers_before_it_exits() {
    let plane = Plane::start_with(&[], &plane_settings()).await;
    let grant = support::fake_grant::start(support::session_kit::TOKEN, 200).await;
    let agent = FakeAgent::start(FakeConfig::new(support::session_kit::TOKEN, script())).await;
    let work = tempfile::tempdir().unwrap();
    let local = tempfile::tempdir().unwrap();
    let settings = format!("sync:\n  enabled: true\n  url: {}\n  mode: background\n", plane.url);
    std::fs::write(local.path().join("settings.yaml"), settings).unwrap();
    let wav = speech::make(work.path(), &[(1.5, "Add water the plants tomorrow at nine")], 0.5);
    let out = work.path().join("out.wav");
    let agent_url = agent.url();
    let run = companion(
        local.path(),
        &[
            ("DEEPGRAM_API_KEY", support::fake_grant::KEY),
            ("COMPANION_DEEPGRAM_API_URL", grant.url.as_str()),
            ("COMPANION_DEEPGRAM_AGENT_URL", agent_url.as_str()),
            ("COMPANION_SYNC_TOKEN", PLANE_TOKEN),
        ],
        &["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap(), "--json"],
    )
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // This computer's settings opened the agent, not the plane's.
    assert_eq!(agent.log().settings[0]["agent"]["greeting"], "Hey! What can I help you with today?");
    assert_plane_holds_exactly(local.path(), &plane);
    plane.stop().await;
}
