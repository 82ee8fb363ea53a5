//! `companion talk` on OpenAI's Realtime API when things go wrong: a server error ends the
//! session with its code, an unavailable provider choice or a missing or refused key is
//! explained, and a failed mint leaves no conversation behind.

mod support;

use support::cli_kit::{companion, json_of};
use support::fake_openai::Step;
use support::openai_cli::Env;
use support::speech;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_interrupts_the_session_with_its_code() {
    let env = Env::new(vec![
        Step::UserTurn,
        Step::UserText("Hello".into()),
        Step::Error {
            code: "server_error".into(),
            message: "The server had an error while processing your request.".into(),
            close: true,
        },
    ])
    .await;
    let wav = speech::make(env.dir.path(), &[(1.0, "Hello")], 3.0);
    let run = env.talk(&wav, &[]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("agent error server_error: The server had an error"), "{}", run.stderr);
    env.assert_no_secrets(&run);
    let s = env.session(run.json()["session_id"].as_str().unwrap()).await;
    assert_eq!(s["status"], "interrupted");
    assert_eq!(s["message_count"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_choices_are_explained() {
    let env = Env::new(vec![]).await;
    let wav = speech::silent(env.dir.path(), 1.0);
    std::fs::create_dir_all(env.data()).unwrap();
    std::fs::write(env.data().join("settings.yaml"), "agent:\n  provider: local\n").unwrap();
    let run = env.talk(&wav, &[]).await;
    assert_ne!(run.code, 0);
    // Talking on this computer is a real choice now; with no models it says how to get them.
    assert!(run.stderr.contains("scripts/install-models"), "{}", run.stderr);
    std::fs::write(env.data().join("settings.yaml"), "agent:\n  provider: openai\n").unwrap();
    let out = env.dir.path().join("out.wav");
    let args = ["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap()];
    let run = companion(&env.data(), &[], &args).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("OPENAI_API_KEY"), "{}", run.stderr);
    let base = env.fake.base_url();
    let run = companion(
        &env.data(),
        &[("OPENAI_API_KEY", "sk-wrong"), ("COMPANION_OPENAI_URL", base.as_str())],
        &args,
    )
    .await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("refused the API key (HTTP 401)"), "{}", run.stderr);
    assert!(!run.stderr.contains("sk-wrong"));
    let sessions = json_of(&env.data(), &["sessions", "list"]).await;
    assert_eq!(sessions.as_array().unwrap().len(), 0, "a failed mint leaves no conversation: {sessions}");
}
