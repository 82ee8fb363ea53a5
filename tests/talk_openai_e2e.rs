//! `companion talk --input speech.wav --output out.wav` end to end on OpenAI's Realtime API:
//! the built binary with only `OPENAI_API_KEY` set (so `agent.provider: auto` picks OpenAI),
//! against the fake Realtime server, then the database checked through the CLI.

mod support;

use serde_json::{json, Value};
use support::cli_kit::json_of;
use support::cli_kit::messages;
use support::fake_openai::Step;
use support::openai_cli::{assert_clean, Env, GREETING};
use support::speech;

fn turn(user: &str, call_id: &str, name: &str, args: Value, agent: &str) -> Vec<Step> {
    vec![
        Step::UserTurn,
        Step::UserText(user.into()),
        Step::Call { call_id: call_id.into(), name: name.into(), args, await_output: true },
        Step::Reply { text: agent.into(), ms: 600 },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_intents_end_to_end() {
    let day = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let mut script = Vec::new();
    script.extend(turn(
        "I want to learn Spanish by June",
        "call_goal",
        "submit_goal_intent",
        json!({"goal_statement": "Learn Spanish", "timeline": "by June"}),
        "Great goal.",
    ));
    script.extend(turn(
        "Add practise verbs tomorrow at nine",
        "call_create",
        "create_task",
        json!({"title": "Practise verbs", "scheduled_at": format!("{day}T09:00:00"), "duration_minutes": 30}),
        "Added.",
    ));
    script.extend(turn(
        "Move it to ten",
        "call_move",
        "reschedule_task",
        json!({"task": "practise verbs", "new_time": format!("{day}T10:00:00")}),
        "Moved to ten.",
    ));
    script.extend(turn("What is on tomorrow", "call_list", "list_tasks", json!({"day": day}), "One task."));
    script.extend(turn(
        "I did it",
        "call_done",
        "complete_task",
        json!({"task": "Practise verbs"}),
        "Well done.",
    ));
    let env = Env::new(script).await;
    let wav = speech::make(
        env.dir.path(),
        &[
            (1.5, "I want to learn Spanish by June"),
            (3.0, "Add practise verbs tomorrow at nine"),
            (3.0, "Move it to ten"),
            (3.0, "What is on tomorrow"),
            (3.0, "I did it"),
        ],
        0.5,
    );
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let summary = run.json();
    env.assert_no_secrets(&run);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done, "{log:?}");
    assert!(log.secrets_minted >= 1 && log.mint_refused == 0);
    assert_eq!(log.mint_bodies[0]["session"]["model"], "gpt-realtime");
    let session = &log.session_updates[0]["session"];
    assert_eq!(session["audio"]["input"]["format"]["rate"], 24000);
    assert_eq!(session["audio"]["output"]["voice"], "marin");
    assert_eq!(log.function_outputs.len(), 5);
    // Each answered call was followed by exactly one response.create (plus the greeting's).
    assert_eq!(log.response_creates, 6);

    let id = summary["session_id"].as_str().unwrap();
    let s = env.session(id).await;
    assert_eq!(
        messages(&s),
        vec![
            GREETING,
            "user: I want to learn Spanish by June",
            "assistant: Great goal.",
            "user: Add practise verbs tomorrow at nine",
            "assistant: Added.",
            "user: Move it to ten",
            "assistant: Moved to ten.",
            "user: What is on tomorrow",
            "assistant: One task.",
            "user: I did it",
            "assistant: Well done.",
        ]
    );
    assert_eq!(s["status"], "closed");
    let calls = s["function_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 5);
    for out in &log.function_outputs {
        let stored = calls.iter().find(|c| c["id"] == out["call_id"]).unwrap_or_else(|| panic!("{out}"));
        assert_eq!(stored["result"], out["output"], "{stored}");
    }
    let tasks = json_of(&env.data(), &["tasks", "list"]).await;
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0]["scheduled_at"].as_str().unwrap().starts_with(&format!("{day}T10:00")), "{}", tasks[0]);
    assert_eq!(tasks[0]["status"], "done");
    let goals = json_of(&env.data(), &["goals", "list"]).await;
    assert!(goals.to_string().contains("Learn Spanish"));
    assert_eq!(s["stats"]["barge_ins"], 0);
    assert!(s["stats"]["frames_sent"].as_u64().unwrap() > 900, "{}", s["stats"]);
    let voiced = env.voiced_samples() as f64;
    let sent = (log.audio_bytes_out / 2) as f64;
    assert!((voiced - sent).abs() / sent < 0.02, "voiced {voiced} vs sent {sent}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn barge_in_cuts_the_output_and_truncates_to_what_was_played() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("Tell me a story".into()),
        Step::Reply {
            text: "Once upon a time there was a very long story about a fox and a crow.".into(),
            ms: 5000,
        },
        Step::UserTurn,
        Step::UserText("Stop please".into()),
        Step::Reply { text: "Okay.".into(), ms: 500 },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.2, "Tell me a story"), (2.5, "Stop please")], 0.5);
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done);
    assert_eq!(log.barge_ins, 1);
    assert_eq!(log.truncates.len(), 1, "{:?}", log.truncates);
    let end = log.truncates[0]["audio_end_ms"].as_u64().unwrap();
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(s["stats"]["barge_ins"], 1);
    assert_eq!(s["message_count"], 5);
    let voiced = env.voiced_samples() as i64;
    let sent = (log.audio_bytes_out / 2) as i64;
    let cut = (log.audio_bytes_cut / 2) as i64;
    assert!(cut > 24_000, "the barge-in cut more than a second");
    assert!(voiced <= sent && voiced > sent - 24_000 / 5, "voiced {voiced}, sent {sent}, cut {cut}");
    // The truncation matches what the output got of the story (within the queue's slack).
    let story_played_ms = (voiced - (400 + 500) * 24) / 24;
    assert!((end as i64 - story_played_ms).abs() < 300, "truncated at {end} ms, played {story_played_ms} ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turn() {
    let env = Env::new(vec![Step::Typed, Step::Reply { text: "Hi typist.".into(), ms: 300 }]).await;
    let wav = speech::silent(env.dir.path(), 30.0);
    let run = env.talk(&wav, &["--say", "Hello from the keyboard", "--max-seconds", "4"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["end"]["kind"], "stopped");
    let log = env.fake.log();
    assert_clean(&log);
    assert_eq!(log.typed, vec!["Hello from the keyboard".to_string()]);
    let s = env.session(summary["session_id"].as_str().unwrap()).await;
    assert_eq!(messages(&s), vec![GREETING, "user: Hello from the keyboard", "assistant: Hi typist."]);
    assert_eq!(s["status"], "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_reconnects_and_keeps_the_transcript() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("My name is Sam".into()),
        Step::Reply { text: "Nice to meet you Sam.".into(), ms: 500 },
        Step::Expire,
        Step::UserTurn,
        Step::UserText("What is my name".into()),
        Step::Reply { text: "Sam.".into(), ms: 400 },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.2, "My name is Sam"), (3.0, "What is my name")], 0.5);
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    env.assert_no_secrets(&run);
    let log = env.fake.log();
    assert!(log.problems.is_empty() && log.script_done, "{log:?}");
    assert_eq!(log.errors_sent, vec!["session_expired".to_string()]);
    assert_eq!(log.connections, 2);
    assert!(log.secrets_minted >= 2, "a fresh secret for the new socket");
    let resumed: Vec<&Value> = log.items.iter().filter(|(c, _)| *c == 2).map(|(_, i)| i).collect();
    assert_eq!(resumed.len(), 3, "{resumed:?}");
    assert_eq!(resumed[1]["content"][0], json!({"type": "input_text", "text": "My name is Sam"}));
    assert_eq!(resumed[2]["content"][0], json!({"type": "output_text", "text": "Nice to meet you Sam."}));
    let sessions = json_of(&env.data(), &["sessions", "list"]).await;
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(
        messages(&s),
        vec![
            GREETING,
            "user: My name is Sam",
            "assistant: Nice to meet you Sam.",
            "user: What is my name",
            "assistant: Sam."
        ]
    );
    assert_eq!(s["stats"]["reconnects"], 1);
}
