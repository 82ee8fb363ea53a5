//! `companion talk --input speech.wav --output out.wav` end to end: the built binary against
//! the fake agent and a fake token endpoint, then the database checked through the CLI.

mod support;

use serde_json::json;
use support::cli_kit::{json_of, messages};
use support::fake_agent::Step;
use support::speech;
use support::talk_kit::{assert_clean, turn, Env, GREETING, SAM};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_intents_end_to_end() {
    let day = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let mut script = Vec::new();
    script.extend(turn(
        "I want to learn Spanish by June",
        Step::call(
            "fc-goal",
            "submit_goal_intent",
            json!({"goal_statement": "Learn Spanish", "timeline": "by June"}),
        ),
        "Great goal.",
    ));
    script.extend(turn(
        "Add practise verbs tomorrow at nine",
        Step::call("fc-create", "create_task", json!({"title": "Practise verbs", "scheduled_at": format!("{day}T09:00:00"), "duration_minutes": 30})),
        "Added.",
    ));
    script.extend(turn(
        "Move it to ten",
        Step::call(
            "fc-move",
            "reschedule_task",
            json!({"task": "practise verbs", "new_time": format!("{day}T10:00:00")}),
        ),
        "Moved to ten.",
    ));
    script.extend(turn(
        "What is on tomorrow",
        Step::call("fc-list", "list_tasks", json!({"day": day})),
        "One task.",
    ));
    script.extend(turn(
        "I did it",
        Step::call("fc-done", "complete_task", json!({"task": "Practise verbs"})),
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
    assert_eq!(log.settings[0]["audio"]["input"]["sample_rate"], 16000);
    assert_eq!(log.function_responses.len(), 5);

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
    assert_eq!(s["message_count"], 11);
    // Every function response the agent got is the stored result of that call.
    let calls = s["function_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 5);
    for resp in &log.function_responses {
        let stored = calls.iter().find(|c| c["id"] == resp["id"]).unwrap_or_else(|| panic!("{resp}"));
        assert_eq!(stored["result"], resp["content"], "{stored}");
        assert_eq!(stored["name"], resp["name"]);
    }
    let tasks = json_of(&env.data(), &["tasks", "list"]).await;
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["title"], "Practise verbs");
    assert!(tasks[0]["scheduled_at"].as_str().unwrap().starts_with(&format!("{day}T10:00")), "{}", tasks[0]);
    assert_eq!(tasks[0]["status"], "done");
    let goals = json_of(&env.data(), &["goals", "list"]).await;
    assert_eq!(goals.as_array().unwrap().len(), 1, "{goals}");
    assert!(goals.to_string().contains("Learn Spanish"));
    // Metrics: one row per turn (greeting + five), with on-device latencies; session counters.
    let turns = s["turn_metrics"].as_array().unwrap();
    assert_eq!(turns.len(), 6, "{turns:?}");
    for t in &turns[1..] {
        assert!(t["speech_end_to_played_ms"].as_f64().unwrap() > 0.0, "{t}");
        assert!(t["service_report"]["total_latency"].is_number());
    }
    assert!(s["stats"]["frames_sent"].as_u64().unwrap() > 900, "{}", s["stats"]);
    assert_eq!(s["stats"]["barge_ins"], 0);
    assert_eq!(summary["turn_count"], 6);
    assert_eq!(summary["function_calls"].as_array().unwrap().len(), 5);
    env.assert_all_agent_audio_played(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn barge_in_cuts_the_output_and_is_recorded() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("Tell me a story".into()),
        Step::AgentText("Once upon a time there was a very long story.".into()),
        Step::Reply { ms: 5000 },
        Step::UserTurn,
        Step::UserText("Stop please".into()),
        Step::AgentText("Okay.".into()),
        Step::Reply { ms: 500 },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.2, "Tell me a story"), (2.5, "Stop please")], 0.5);
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done);
    assert_eq!(log.barge_ins, 1);
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(s["stats"]["barge_ins"], 1);
    assert!(s["turn_metrics"].as_array().unwrap().iter().any(|t| t["barged_in"] == true));
    assert_eq!(s["message_count"], 5);
    // The output has what was sent before the barge-in, minus at most a short queue.
    let voiced = env.voiced_samples() as i64;
    let sent = (log.audio_bytes_out / 2) as i64;
    let cut = (log.audio_bytes_cut / 2) as i64;
    assert!(cut > 24_000, "the barge-in cut more than a second");
    assert!(voiced <= sent && voiced > sent - 24_000 / 5, "voiced {voiced}, sent {sent}, cut {cut}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_call_leaves_no_task_and_failing_intent_is_answered() {
    let day = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let env = Env::new(vec![
        Step::UserTurn,
        Step::Call {
            id: "fc-spec".into(),
            name: "create_task".into(),
            args: json!({"title": "Buy milk", "scheduled_at": format!("{day}T08:00:00")}),
            await_response: false,
        },
        Step::Sleep(300),
        Step::Cancel { id: "fc-spec".into(), name: "create_task".into() },
        Step::UserText("Buy milk no wait forget it".into()),
        Step::AgentText("Okay, forgotten.".into()),
        Step::Reply { ms: 400 },
        Step::UserTurn,
        Step::UserText("Add gym someday".into()),
        Step::call("fc-bad", "create_task", json!({"title": "Gym", "scheduled_at": "someday"})),
        Step::AgentText("When exactly?".into()),
        Step::Reply { ms: 400 },
    ])
    .await;
    let wav =
        speech::make(env.dir.path(), &[(1.2, "Buy milk no wait forget it"), (3.0, "Add gym someday")], 0.5);
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done);
    let tasks = json_of(&env.data(), &["tasks", "list"]).await;
    assert_eq!(tasks.as_array().unwrap().len(), 0, "{tasks}");
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    let calls = s["function_calls"].as_array().unwrap();
    let spec = calls.iter().find(|c| c["id"] == "fc-spec").unwrap();
    assert_eq!(spec["status"], "cancelled", "{spec}");
    let bad = log.function_responses.iter().find(|r| r["id"] == "fc-bad").unwrap();
    let stored = calls.iter().find(|c| c["id"] == "fc-bad").unwrap();
    assert_eq!(stored["result"], bad["content"]);
    assert!(bad["content"].as_str().unwrap().to_lowercase().contains("someday"), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_socket_keeps_one_session_and_the_whole_transcript() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("My name is Sam".into()),
        Step::Drop,
        Step::AgentText("Nice to meet you Sam.".into()),
        Step::Reply { ms: 500 },
        Step::UserTurn,
        Step::UserText("What is my name".into()),
        Step::AgentText("Sam.".into()),
        Step::Reply { ms: 400 },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.2, "My name is Sam"), (3.0, "What is my name")], 0.5);
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done);
    assert_eq!(log.connections, 2);
    let ctx = &log.settings[1]["agent"]["context"]["messages"];
    assert_eq!(ctx[1], json!({"type": "History", "role": "user", "content": "My name is Sam"}));
    let sessions = json_of(&env.data(), &["sessions", "list"]).await;
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(messages(&s), SAM);
    assert_eq!(s["status"], "closed");
    assert_eq!(s["stats"]["reconnects"], 1);
}
