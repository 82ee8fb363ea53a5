//! The session orchestrator when the agent's connection fails: a dropped socket, a refused
//! reconnect, a server error and a wrong token, with in-memory control plane and audio.

mod support;

use std::sync::Arc;
use std::time::Duration;

use companion::session::memory::ScriptedSource;
use companion::session::{SessionEnd, SessionError};
use serde_json::json;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::session_kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_socket_reconnects_with_context_in_the_same_session() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            Step::call(
                "fc-tea",
                "create_task",
                json!({"title": "Buy tea", "scheduled_at": "2030-01-02T09:00:00"}),
            ),
            Step::Drop,
            Step::AgentText("Noted, you like tea.".into()),
            Step::Reply { ms: 400 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(600), speech(600), silence(300)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed, "{report:?}");
    let log = fake.log();
    assert_eq!(log.connections, 2, "{log:?} {report:?}");
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    let second = &log.settings[1];
    assert!(second["agent"].get("greeting").is_none(), "no second greeting");
    let ctx = second["agent"]["context"]["messages"].as_array().unwrap();
    assert_eq!(ctx.len(), 3, "{ctx:?}");
    assert_eq!(
        ctx[0],
        json!({"type": "History", "role": "assistant", "content": "Hey! What can I help you with today?"})
    );
    assert_eq!(ctx[1], json!({"type": "History", "role": "user", "content": "Remember that I like tea"}));
    assert_eq!(
        ctx[2],
        json!({"type": "History", "function_calls": [{"id": "fc-tea", "name": "create_task", "client_side": true,
            "arguments": "{\"scheduled_at\":\"2030-01-02T09:00:00\",\"title\":\"Buy tea\"}",
            "response": "create_task done"}]})
    );
    assert_eq!(report.stats.reconnects, 1);
    let c = control.snapshot();
    assert_eq!(c.messages.len(), 3);
    assert!(c.closed && c.interrupted.is_none());
    assert_eq!(c.tokens_minted, 1, "a fresh token for the new socket");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_refused_is_not_retried() {
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, vec![Step::Sleep(300), Step::Drop])).await;
    let mut c = control();
    c.minted_token = Some("revoked".into());
    let control = Arc::new(c);
    let source = ScriptedSource::new(16_000, &[silence(3000)], true);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    match &report.end {
        SessionEnd::Interrupted { reason } => {
            assert!(reason.contains("refused") && reason.contains("401"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.log().auth_failures, 1);
    assert!(control.snapshot().interrupted.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_ends_the_session_cleanly() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Hello?".into()),
            Step::Error { code: "INTERNAL_SERVER_ERROR".into(), description: "Something broke".into() },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(500), speech(600), silence(5000)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    match &report.end {
        SessionEnd::Interrupted { reason } => assert!(reason.contains("INTERNAL_SERVER_ERROR"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(report
        .errors
        .iter()
        .any(|e| e.code == "INTERNAL_SERVER_ERROR" && e.description == "Something broke"));
    assert_eq!(fake.log().connections, 1, "an agent Error is not retried");
    let c = control.snapshot();
    assert_eq!(c.messages.len(), 2);
    assert!(c.interrupted.unwrap().contains("INTERNAL_SERVER_ERROR"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_fails_fast_and_marks_interrupted() {
    let fake = FakeAgent::start(FakeConfig::new("another-token", vec![])).await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(200)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    match out.result {
        Err(SessionError::Connect {
            error: companion::voice::ConnectError::Unauthorized { status: 401, .. },
            ..
        }) => {}
        Err(other) => panic!("{other}"),
        Ok(r) => panic!("{r:?}"),
    }
    assert!(control.snapshot().interrupted.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_are_bounded_then_the_session_is_interrupted() {
    let mut cfg =
        FakeConfig::new(TOKEN, vec![Step::UserTurn, Step::UserText("Are you there?".into()), Step::Drop]);
    cfg.max_connections = Some(1);
    let fake = FakeAgent::start(cfg).await;
    let control = Arc::new(control());
    let mut opts = options(&fake);
    opts.max_reconnects = 3;
    opts.backoff_base = Duration::from_millis(50);
    let source = ScriptedSource::new(16_000, &[silence(400), speech(600), silence(3000)], true);
    let out = run_session(control.clone(), source, opts, vec![]).await;
    let report = out.report();
    match &report.end {
        SessionEnd::Interrupted { reason } => {
            assert!(reason.contains("gave up after 3 reconnect attempts"), "{reason}");
            assert!(reason.contains("503"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.log().refused_unavailable, 3);
    let attempts: Vec<u32> = out
        .events
        .iter()
        .filter_map(|e| match e {
            companion::session::SessionEvent::Reconnecting { attempt, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(attempts, vec![1, 2, 3]);
    let c = control.snapshot();
    assert_eq!(c.messages.len(), 2, "the transcript so far is kept");
    assert!(c.interrupted.unwrap().contains("gave up"));
}
