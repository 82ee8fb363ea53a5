//! `companion talk` end to end, its options and outcomes: a server error, a sped-up run, typed
//! turns and a time limit, the human-readable output, and an emergency phrase.

mod support;

use serde_json::json;
use support::cli_kit::{companion, json_of, messages};
use support::fake_agent::Step;
use support::speech;
use support::talk_kit::{assert_clean, Env, GREETING, SAM};

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
