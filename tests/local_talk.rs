//! Talking with no key and no network: real speech (two voices) through `companion talk`, heard
//! by Moonshine, understood by the rules, executed as intents, answered in Piper's voice. Times
//! are compared as instants in the user's timezone.

mod support;

use serde_json::Value;
use support::cli_kit::messages;
use support::local_kit::{self, instant, LocalEnv};
use support::speech;

const TZ: &str = "America/New_York";

fn calls(session: &Value) -> Vec<(String, String)> {
    session["function_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["status"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_intents_from_spoken_requests() {
    let env = LocalEnv::new(TZ);
    let wav = local_kit::espeak_wav(
        env.dir.path(),
        &[
            (3.0, "My goal is to run a marathon in three months."),
            (7.0, "Remind me to call the dentist tomorrow at five pm."),
            (8.0, "Move the dentist to tomorrow at six thirty pm."),
            (8.0, "Show me my tasks for tomorrow."),
            (8.0, "Mark the dentist as done."),
        ],
        8.0,
    );
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let summary = run.json();
    let session = env.session(summary["session_id"].as_str().unwrap()).await;
    let said = messages(&session);
    let calls = calls(&session);
    let expected: Vec<(String, String)> =
        ["submit_goal_intent", "create_task", "reschedule_task", "list_tasks", "complete_task"]
            .iter()
            .map(|n| (n.to_string(), "executed".to_string()))
            .collect();
    assert_eq!(calls, expected, "{said:#?}");

    let goals = env.list("goals").await;
    assert_eq!(goals.len(), 1, "{goals:?}");
    let goal = goals[0]["statement"].as_str().or(goals[0]["goal_statement"].as_str()).unwrap().to_lowercase();
    assert!(goal.contains("marathon"), "{goals:?}");
    assert!(goals[0].to_string().to_lowercase().contains("three months"), "{goals:?}");

    let tasks = env.list("tasks").await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0]["title"].as_str().unwrap().to_lowercase().contains("dentist"), "{tasks:?}");
    assert_eq!(instant(&tasks[0]["scheduled_at"]), env.local_at(1, 18, 30), "{tasks:?}");
    assert_eq!(tasks[0]["status"], "done", "{tasks:?}");

    // Flux said what it did, and the listing named the task.
    let listing = said.iter().find(|m| m.starts_with("assistant: You have")).expect("a spoken listing");
    assert!(listing.to_lowercase().contains("dentist"), "{said:#?}");
    // What was played is speech: transcribed back, the confirmations' key words are there.
    let heard = local_kit::transcribe(&env.out());
    assert!(heard.contains("dentist"), "{heard}");
    assert!(heard.contains("marathon"), "{heard}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_completes_a_task_and_an_unclear_request_changes_nothing() {
    let env = LocalEnv::new(TZ);
    let wav = local_kit::piper_wav(
        env.dir.path(),
        &[
            (3.0, "Add a task to water the plants."),
            (7.0, "Tomorrow at nine in the morning."),
            (8.0, "What is the weather like in Paris?"),
        ],
        8.0,
    );
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let session = env.session(run.json()["session_id"].as_str().unwrap()).await;
    let said = messages(&session);
    // The first turn had no time: Flux asked instead of guessing.
    let asked =
        said.iter().position(|m| m.starts_with("assistant:") && m.contains('?') && m.contains("plants"));
    assert!(asked.is_some(), "{said:#?}");
    assert_eq!(calls(&session), vec![("create_task".to_string(), "executed".to_string())], "{said:#?}");
    let tasks = env.list("tasks").await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0]["title"].as_str().unwrap().to_lowercase().contains("water the plants"), "{tasks:?}");
    assert_eq!(instant(&tasks[0]["scheduled_at"]), env.local_at(1, 9, 0), "{tasks:?}");
    // The weather question got an answer and changed nothing.
    assert!(env.list("goals").await.is_empty());
    let last = said.last().unwrap();
    assert!(last.starts_with("assistant:"), "{said:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speaking_over_flux_cuts_its_reply() {
    // The control: the whole help reply, heard in full.
    const ASK: &str = "What can you do?";
    let full = LocalEnv::new(TZ);
    let wav = local_kit::espeak_wav(full.dir.path(), &[(3.0, ASK)], 14.0);
    let asked_until = speech::seconds(&wav) - 14.0;
    let run = full.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.json()["stats"]["barge_ins"], 0);
    let reply_at = local_kit::first_sound_after(&full.out(), asked_until).expect("a spoken reply");

    // The same request, and the user speaking 1.5 s into the reply. The output WAV runs on the
    // same clock as the input, so the stretch just after the user started is compared: Flux
    // is still talking there in the control, and silent once it was cut. The control is
    // measured over a longer stretch from the same moment: a second of speech can hold a
    // pause between sentences.
    let cut = LocalEnv::new(TZ);
    let user_at = reply_at + 1.5;
    let wav =
        local_kit::espeak_wav(cut.dir.path(), &[(3.0, ASK), (user_at - asked_until, "Please stop.")], 10.0);
    let run = cut.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["stats"]["barge_ins"], 1, "{summary}");
    let (from, to) = (user_at + 0.6, user_at + 1.5);
    let control = local_kit::voiced_share(&full.out(), from, user_at + 3.0);
    let interrupted = local_kit::voiced_share(&cut.out(), from, to);
    assert!(control > 0.5, "the control reply was still playing there ({control:.2})");
    assert!(interrupted < 0.05, "Flux stopped talking once the user spoke ({interrupted:.2})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_turn_works_offline() {
    let env = LocalEnv::new(TZ);
    let wav = speech::silent(env.dir.path(), 2.0);
    let run = env.talk(&wav, &["--say", "Remind me to buy milk tomorrow at noon"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let tasks = env.list("tasks").await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0]["title"].as_str().unwrap().to_lowercase().contains("buy milk"), "{tasks:?}");
    assert_eq!(instant(&tasks[0]["scheduled_at"]), env.local_at(1, 12, 0), "{tasks:?}");
}

/// The local voice has no language model to instruct: it says a fixed caring reply with the
/// numbers of the user's region (from the timezone: US).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_phrase_gets_the_fixed_reply_with_the_numbers() {
    let env = LocalEnv::new(TZ);
    let wav = speech::silent(env.dir.path(), 2.0);
    let run = env.talk(&wav, &["--say", "I think I'm having a heart attack"]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("call 911 now"), "{}", run.stderr);
    let session = env.session(run.json()["session_id"].as_str().unwrap()).await;
    let said = messages(&session);
    let reply = said.iter().find(|m| m.starts_with("assistant: ") && m.contains("911"));
    assert!(reply.is_some_and(|r| r.contains("988")), "{said:#?}");
    assert_eq!(session["safety_categories"], serde_json::json!(["chest_pain"]));
}

#[tokio::test]
async fn missing_models_say_how_to_install_them_and_start_nothing() {
    let env = LocalEnv::new(TZ);
    let wav = speech::silent(env.dir.path(), 1.0);
    let out = env.out();
    let empty = env.dir.path().join("no-models");
    let args = ["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap()];
    let run =
        support::cli_kit::companion(&env.data(), &[("COMPANION_MODELS_DIR", empty.to_str().unwrap())], &args)
            .await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("scripts/install-models"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let sessions = support::cli_kit::json_of(&env.data(), &["sessions", "list"]).await;
    assert_eq!(sessions.as_array().map(Vec::len), Some(0), "{sessions}");
}

/// "Wait." and a breath before the request is one turn: a word or two that runs nothing does not
/// end the turn at the early pause (it got an answer of its own there before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_and_a_breath_before_a_request_is_one_turn() {
    let env = LocalEnv::new(TZ);
    let wav = local_kit::piper_wav(
        env.dir.path(),
        &[(3.0, "Wait."), (0.2, "Remind me to buy milk tomorrow at noon.")],
        6.0,
    );
    let run = env.talk(&wav, &[]).await;
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let session = env.session(run.json()["session_id"].as_str().unwrap()).await;
    let said = messages(&session);
    let turns: Vec<&String> = said.iter().filter(|m| m.starts_with("user:")).collect();
    assert_eq!(turns.len(), 1, "{said:#?}");
    let turn = turns[0].to_lowercase();
    assert!(turn.contains("wait") && turn.contains("milk"), "{said:#?}");
    let tasks = env.list("tasks").await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0]["title"].as_str().unwrap().to_lowercase().contains("buy milk"), "{tasks:?}");
    assert_eq!(instant(&tasks[0]["scheduled_at"]), env.local_at(1, 12, 0), "{tasks:?}");
}
