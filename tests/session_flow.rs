//! The session orchestrator against the fake agent, with in-memory control plane and audio.

mod support;

use std::sync::Arc;
use std::time::Duration;

use companion::session::memory::ScriptedSource;
use companion::session::{SessionCommand, SessionEnd, SessionError};
use serde_json::json;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::session_kit::*;

fn call(id: &str, name: &str, args: serde_json::Value) -> Step {
    Step::Call { id: id.into(), name: name.into(), args, await_response: true }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_stores_transcript_runs_intents_and_closes() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Add a task to call mum tomorrow at nine".into()),
            call("fc-1", "create_task", json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"})),
            Step::AgentText("Done, call mum is on your list.".into()),
            Step::Reply { ms: 500 },
            Step::UserTurn,
            Step::UserText("What is on tomorrow?".into()),
            call("fc-2", "list_tasks", json!({"day": "2030-01-02"})),
            Step::AgentText("You have one task.".into()),
            Step::Reply { ms: 400 },
        ],
    ))
    .await;
    let control = Arc::new(control().with_intents(|name, args| Ok(format!("{name} ok: {args}"))));
    let source = ScriptedSource::new(
        16_000,
        &[silence(800), speech(700), silence(2200), speech(700), silence(300)],
        false,
    );
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed);

    let log = fake.log();
    assert!(log.script_done, "{log:?}");
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    assert_eq!(log.connections, 1);
    let settings = &log.settings[0];
    assert_eq!(settings["audio"]["input"], json!({"encoding": "linear16", "sample_rate": 16000}));
    assert_eq!(
        settings["audio"]["output"],
        json!({"encoding": "linear16", "sample_rate": 24000, "container": "none"})
    );
    assert_eq!(settings["agent"]["think"]["functions"].as_array().unwrap().len(), 5);
    assert!(settings["agent"].get("context").is_none());
    assert_eq!(log.function_responses.len(), 2);
    assert_eq!(log.function_responses[0]["id"], "fc-1");
    assert_eq!(log.function_responses[0]["name"], "create_task");
    assert!(log.function_responses[0]["content"].as_str().unwrap().starts_with("create_task ok"));
    assert_eq!(log.client_closed_normally, 1);

    let c = control.snapshot();
    let roles: Vec<_> = c.messages.iter().map(|(r, m)| format!("{r}: {m}")).collect();
    assert_eq!(
        roles,
        vec![
            "assistant: Hey! What can I help you with today?",
            "user: Add a task to call mum tomorrow at nine",
            "assistant: Done, call mum is on your list.",
            "user: What is on tomorrow?",
            "assistant: You have one task.",
        ]
    );
    assert_eq!(c.intents.len(), 2);
    assert!(c.closed && c.interrupted.is_none());
    let stats = c.stats.unwrap();
    assert!(stats.frames_sent > 200, "{stats:?}");
    assert_eq!(stats.barge_ins, 0);
    // Greeting (turn 0) and two user turns, with on-device latencies for the spoken ones.
    assert_eq!(c.turns.len(), 3, "{:?}", c.turns);
    for t in &c.turns[1..] {
        assert!(t.speech_end_to_first_audio_ms.unwrap_or_default() > 500.0, "{:?}", c.turns);
        assert!(t.speech_end_to_played_ms.is_some(), "{t:?}");
        assert!(t.service_report.is_some() && t.service_started.is_some());
    }
    // Everything the agent sent was played (no barge-in), give or take a split sample.
    let played = out.played_bytes() as i64;
    assert!((played - log.audio_bytes_out as i64).abs() <= 2, "{played} vs {}", log.audio_bytes_out);
    assert_eq!(report.function_calls.len(), 2);
    assert!(report.function_calls.iter().all(|c| c.result.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn barge_in_flushes_playback_and_is_counted() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Tell me a long story".into()),
            Step::AgentText("Once upon a time...".into()),
            Step::Reply { ms: 4000 },
            Step::UserTurn,
            Step::UserText("Stop, thanks".into()),
            Step::AgentText("Sure.".into()),
            Step::Reply { ms: 300 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    // The second utterance starts ~1.5 s into the 4 s reply.
    let source = ScriptedSource::new(
        16_000,
        &[silence(600), speech(600), silence(2300), speech(600), silence(200)],
        false,
    );
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert_eq!(log.barge_ins, 1);
    assert!(log.audio_bytes_cut > 48 * 1000);
    assert_eq!(report.stats.barge_ins, 1);
    let played = out.played.lock().unwrap();
    // What played + what the flush dropped = what arrived.
    let arrived = log.audio_bytes_out as i64;
    let accounted = (played.pcm.len() as u64 + played.flushed_bytes) as i64;
    assert!((arrived - accounted).abs() <= 2, "{arrived} vs {accounted}");
    assert!(played.flushed_bytes > 0 && played.flushes >= 1);
    assert!(report.turns.iter().any(|t| t.barged_in));
    assert!(control.snapshot().closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_call_is_undone_and_not_answered_late() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::Call {
                id: "fc-c".into(),
                name: "create_task".into(),
                args: json!({"title": "Buy milk", "scheduled_at": "2030-01-02T09:00:00"}),
                await_response: false,
            },
            Step::Cancel { id: "fc-c".into(), name: "create_task".into() },
            Step::UserText("Add buy milk, no wait, never mind".into()),
            Step::AgentText("Okay, nothing added.".into()),
            Step::Reply { ms: 300 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(600), speech(700), silence(300)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    let c = control.snapshot();
    assert_eq!(c.cancelled, vec!["fc-c".to_string()]);
    let rec = report.function_calls.iter().find(|r| r.id == "fc-c").unwrap();
    assert!(rec.cancelled);
    assert!(out.events.iter().any(
        |e| matches!(e, companion::session::SessionEvent::FunctionCancelled { id, .. } if id == "fc-c")
    ));
    assert!(fake.log().problems.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_intents_are_still_answered() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            call("fc-bad", "create_task", json!({"title": "Gym", "scheduled_at": "someday"})),
            call("fc-err", "complete_task", json!({"task": "Gym"})),
            Step::Json(json!({"type": "FunctionCallRequest", "functions": [{"id": "fc-json", "name": "list_tasks", "arguments": "{not json", "client_side": true}]})),
            Step::Sleep(300),
            Step::Json(json!({"type": "FunctionCallRequest", "functions": [{"id": "fc-srv", "name": "weather", "arguments": "{}", "client_side": false}]})),
            Step::Json(json!({"type": "SomethingNew", "x": 1})),
            Step::Raw("{not json at all".into()),
            Step::Json(json!({"type": "ConversationText", "role": 7})),
            Step::Json(json!({"type": "Warning", "code": "SLOW_THINK_REQUEST", "description": "slow"})),
            Step::AgentText("Sorry, that time did not work.".into()),
            Step::Reply { ms: 200 },
        ],
    ))
    .await;
    let control = Arc::new(control().with_intents(|name, _| match name {
        "create_task" => Ok("Could not create the task: 'someday' is not a time I understand.".into()),
        _ => Err(companion::session::ControlError::Other("database is locked".into())),
    }));
    let source = ScriptedSource::new(16_000, &[silence(400), speech(600), silence(300)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed);
    let log = fake.log();
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    let by_id = |id: &str| log.function_responses.iter().find(|r| r["id"] == id).cloned();
    assert!(by_id("fc-bad").unwrap()["content"].as_str().unwrap().contains("someday"));
    assert_eq!(by_id("fc-err").unwrap()["content"], "complete_task failed: database is locked");
    assert!(by_id("fc-json").unwrap()["content"].as_str().unwrap().contains("could not read the arguments"));
    assert!(by_id("fc-srv").is_none(), "server-side calls are never answered");
    assert_eq!(report.warnings.len(), 1);
    // Malformed frames are error events; the session carried on and completed.
    let malformed = report.errors.iter().filter(|e| e.code == "MALFORMED_SERVER_MESSAGE").count();
    assert_eq!(malformed, 2, "{:?}", report.errors);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_socket_reconnects_with_context_in_the_same_session() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            call("fc-tea", "create_task", json!({"title": "Buy tea", "scheduled_at": "2030-01-02T09:00:00"})),
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
async fn muted_input_is_kept_alive_and_stop_closes() {
    let mut cfg = FakeConfig::new(TOKEN, vec![]);
    cfg.idle_timeout = Duration::from_millis(1500);
    cfg.greeting_ms = 200;
    let fake = FakeAgent::start(cfg).await;
    let control = Arc::new(control());
    let mut opts = options(&fake);
    opts.keepalive_every = Duration::from_millis(500);
    let source = ScriptedSource::new(16_000, &[silence(200)], true);
    let out = run_session(control.clone(), source, opts, vec![(4500, SessionCommand::Stop)]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Stopped);
    let log = fake.log();
    assert!(log.errors_sent.is_empty(), "{:?}", log.errors_sent);
    assert!(log.keepalives >= 6, "{}", log.keepalives);
    assert!(report.stats.keepalives_sent >= 6);
    assert_eq!(log.client_closed_normally, 1);
    assert!(control.snapshot().closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turns_are_injected_and_stored_once() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![Step::Typed, Step::AgentText("Hello typist.".into()), Step::Reply { ms: 300 }],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(400)], false);
    let out = run_session(
        control.clone(),
        source,
        options(&fake),
        vec![(0, SessionCommand::Say("Hi from the keyboard".into()))],
    )
    .await;
    let report = out.report();
    assert_eq!(fake.log().injected, vec!["Hi from the keyboard".to_string()]);
    let msgs = control.snapshot().messages;
    assert_eq!(msgs.iter().filter(|(_, m)| m == "Hi from the keyboard").count(), 1);
    assert!(report.transcript.iter().any(|t| t.typed && t.role == "user"));
    assert!(report.turns.iter().any(|t| t.typed && t.speech_end_to_first_audio_ms.is_some()));
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
