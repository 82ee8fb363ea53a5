//! The session orchestrator against the fake agent, with in-memory control plane and audio.

mod support;

use std::sync::Arc;
use std::time::Duration;

use companion::session::memory::ScriptedSource;
use companion::session::{SessionCommand, SessionEnd};
use serde_json::json;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::session_kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_stores_transcript_runs_intents_and_closes() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Add a task to call mum tomorrow at nine".into()),
            Step::call(
                "fc-1",
                "create_task",
                json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"}),
            ),
            Step::AgentText("Done, call mum is on your list.".into()),
            Step::Reply { ms: 500 },
            Step::UserTurn,
            Step::UserText("What is on tomorrow?".into()),
            Step::call("fc-2", "list_tasks", json!({"day": "2030-01-02"})),
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
            Step::call("fc-bad", "create_task", json!({"title": "Gym", "scheduled_at": "someday"})),
            Step::call("fc-err", "complete_task", json!({"task": "Gym"})),
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
