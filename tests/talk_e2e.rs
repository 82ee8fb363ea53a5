//! `companion talk --input speech.wav --output out.wav` end to end: the built binary against
//! the fake agent and a fake token endpoint, then the database checked through the CLI.

mod support;

use serde_json::{json, Value};
use support::cli_kit::{companion, json_of, messages, Run};
use support::fake_agent::{FakeAgent, FakeConfig, FakeLog, Step};
use support::fake_grant::{self, KEY};
use support::session_kit::TOKEN;
use support::speech;

struct Env {
    dir: tempfile::TempDir,
    fake: FakeAgent,
    grant: fake_grant::FakeGrant,
}

impl Env {
    async fn new(script: Vec<Step>) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            fake: FakeAgent::start(FakeConfig::new(TOKEN, script)).await,
            grant: fake_grant::start(TOKEN, 200).await,
        }
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    async fn talk(&self, wav: &std::path::Path, extra: &[&str]) -> Run {
        let out = self.dir.path().join("out.wav");
        // `--human` (test-only marker) leaves out `--json`.
        let mut args = vec!["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap()];
        if !extra.contains(&"--human") {
            args.push("--json");
        }
        args.extend(extra.iter().copied().filter(|a| *a != "--human"));
        let url = self.fake.url();
        companion(
            &self.data(),
            &[
                ("DEEPGRAM_API_KEY", KEY),
                ("COMPANION_DEEPGRAM_API_URL", self.grant.url.as_str()),
                ("COMPANION_DEEPGRAM_AGENT_URL", url.as_str()),
                // Debug logs too must not carry a secret (checked by `assert_no_secrets`).
                ("RUST_LOG", "debug"),
            ],
            &args,
        )
        .await
    }

    /// Neither the API key nor the agent token ends up in output, logs or the data dir.
    fn assert_no_secrets(&self, run: &Run) {
        for secret in [KEY, TOKEN] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{secret} leaked in output"
            );
            for entry in std::fs::read_dir(self.data()).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let bytes = std::fs::read(&path).unwrap();
                    let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
                    assert!(!found, "{secret} leaked into {}", path.display());
                }
            }
        }
    }

    async fn session(&self, id: &str) -> Value {
        json_of(&self.data(), &["sessions", "show", id]).await
    }

    /// Samples of the output WAV that carry agent audio (the fake's sine is never exactly 0
    /// except at a few zero crossings).
    fn voiced_samples(&self) -> usize {
        let (s, rate) = speech::samples(&self.dir.path().join("out.wav"));
        assert_eq!(rate, 24_000);
        s.iter().filter(|v| v.abs() > 2).count()
    }

    /// The output holds all the agent audio the fake sent (within 2 %): nothing was cut.
    fn assert_all_agent_audio_played(&self, log: &FakeLog) {
        let voiced = self.voiced_samples() as f64;
        let sent = (log.audio_bytes_out / 2) as f64;
        assert!((voiced - sent).abs() / sent < 0.02, "voiced {voiced} vs sent {sent}");
    }
}

fn call(id: &str, name: &str, args: Value) -> Step {
    Step::Call { id: id.into(), name: name.into(), args, await_response: true }
}

fn turn(user: &str, call_step: Step, agent: &str) -> Vec<Step> {
    vec![
        Step::UserTurn,
        Step::UserText(user.into()),
        call_step,
        Step::AgentText(agent.into()),
        Step::Reply { ms: 600 },
    ]
}

fn assert_clean(log: &FakeLog) {
    assert!(log.problems.is_empty(), "fake agent problems: {:?}", log.problems);
    assert!(log.errors_sent.is_empty(), "fake agent sent errors: {:?}", log.errors_sent);
}

const GREETING: &str = "assistant: Hey! What can I help you with today?";
/// The stored transcript of the two-turn "My name is Sam" conversation.
const SAM: [&str; 5] = [
    GREETING,
    "user: My name is Sam",
    "assistant: Nice to meet you Sam.",
    "user: What is my name",
    "assistant: Sam.",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_intents_end_to_end() {
    let day = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let mut script = Vec::new();
    script.extend(turn(
        "I want to learn Spanish by June",
        call(
            "fc-goal",
            "submit_goal_intent",
            json!({"goal_statement": "Learn Spanish", "timeline": "by June"}),
        ),
        "Great goal.",
    ));
    script.extend(turn(
        "Add practise verbs tomorrow at nine",
        call("fc-create", "create_task", json!({"title": "Practise verbs", "scheduled_at": format!("{day}T09:00:00"), "duration_minutes": 30})),
        "Added.",
    ));
    script.extend(turn(
        "Move it to ten",
        call(
            "fc-move",
            "reschedule_task",
            json!({"task": "practise verbs", "new_time": format!("{day}T10:00:00")}),
        ),
        "Moved to ten.",
    ));
    script.extend(turn(
        "What is on tomorrow",
        call("fc-list", "list_tasks", json!({"day": day})),
        "One task.",
    ));
    script.extend(turn(
        "I did it",
        call("fc-done", "complete_task", json!({"task": "Practise verbs"})),
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
        call("fc-bad", "create_task", json!({"title": "Gym", "scheduled_at": "someday"})),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_interrupts_the_session_with_its_code() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("Hello".into()),
        Step::Error { code: "INTERNAL_SERVER_ERROR".into(), description: "Something went wrong".into() },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.0, "Hello")], 3.0);
    let run = env.talk(&wav, &[]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("INTERNAL_SERVER_ERROR"), "{}", run.stderr);
    let summary = run.json();
    let s = env.session(summary["session_id"].as_str().unwrap()).await;
    assert_eq!(s["status"], "interrupted");
    assert_eq!(s["message_count"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sped_up_run_stores_the_whole_conversation() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("My name is Sam".into()),
        Step::AgentText("Nice to meet you Sam.".into()),
        Step::Reply { ms: 300 },
        Step::UserTurn,
        Step::UserText("What is my name".into()),
        Step::AgentText("Sam.".into()),
        Step::Reply { ms: 300 },
    ])
    .await;
    // Ten times real time: the gaps (a second of wall time) outlast each real-time reply.
    let wav = speech::make(env.dir.path(), &[(10.0, "My name is Sam"), (10.0, "What is my name")], 10.0);
    let run = env.talk(&wav, &["--pace", "10"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let log = env.fake.log();
    assert_clean(&log);
    assert!(log.script_done, "{log:?}");
    assert_eq!(log.barge_ins, 0);
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(messages(&s), SAM);
    assert_eq!(s["status"], "closed");
    assert_eq!(s["turn_metrics"].as_array().unwrap().len(), 3, "{}", s["turn_metrics"]);
    // The sped-up sink kept up.
    env.assert_all_agent_audio_played(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turns_and_max_seconds() {
    let env =
        Env::new(vec![Step::Typed, Step::AgentText("Hi typist.".into()), Step::Reply { ms: 300 }]).await;
    let wav = speech::silent(env.dir.path(), 30.0);
    let run = env.talk(&wav, &["--say", "Hello from the keyboard", "--max-seconds", "4"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["end"]["kind"], "stopped");
    let s = env.session(summary["session_id"].as_str().unwrap()).await;
    assert_eq!(messages(&s), vec![GREETING, "user: Hello from the keyboard", "assistant: Hi typist."]);
    assert_eq!(s["status"], "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn human_output_shows_the_conversation_and_a_summary() {
    let env = Env::new(vec![
        Step::Typed,
        Step::Call { id: "fc-h".into(), name: "list_tasks".into(), args: json!({}), await_response: true },
        Step::AgentText("Nothing planned.".into()),
        Step::Reply { ms: 300 },
    ])
    .await;
    let wav = speech::silent(env.dir.path(), 30.0);
    let run = env.talk(&wav, &["--human", "--say", "What is planned?", "--max-seconds", "4"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let out = &run.stdout;
    for line in [
        "flux: Hey! What can I help you with today?",
        "you (typed): What is planned?",
        "  → list_tasks {}",
        "flux: Nothing planned.",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(out.contains(" stopped\n"), "{out}");
    assert!(out.contains("1 function calls"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_phrase_prints_the_numbers_and_review_shows_the_flag() {
    let env =
        Env::new(vec![Step::Typed, Step::AgentText("Please call for help.".into()), Step::Reply { ms: 300 }])
            .await;
    let wav = speech::silent(env.dir.path(), 30.0);
    let run = env.talk(&wav, &["--human", "--say", "I can't breathe", "--max-seconds", "4"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    // No region set and the timezone UTC: the default region's 112.
    assert!(run.stderr.contains("If this is an emergency, call 112 now."), "{}", run.stderr);
    assert!(
        !run.stderr.contains("can't breathe") && !run.stderr.contains("cant breathe"),
        "no words in logs"
    );
    let log = env.fake.log();
    assert_clean(&log);
    assert_eq!(log.prompt_updates.len(), 1, "{:?}", log.prompt_updates);
    let listed = json_of(&env.data(), &["sessions", "list"]).await;
    let id = listed[0]["id"].as_str().unwrap();
    assert_eq!(listed[0]["safety_notice"], true);
    let s = env.session(id).await;
    assert_eq!(s["safety_categories"], json!(["breathing"]));
    let table = companion(&env.data(), &[], &["sessions", "list"]).await;
    assert!(table.code == 0 && table.stdout.contains("safety notice shown"), "{}", table.stdout);
}
