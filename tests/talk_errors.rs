//! `companion talk` failures: one clear line on stderr and a non-zero exit, never a secret.

mod support;

use support::cli_kit::companion;
use support::fake_agent::{FakeAgent, FakeConfig};
use support::fake_grant::{self, KEY};
use support::session_kit::TOKEN;
use support::speech;

async fn talk(env: &[(&str, &str)], extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech::silent(dir.path(), 2.0);
    let out = dir.path().join("out.wav");
    let mut args = vec!["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = companion(&dir.path().join("data"), env, &args).await;
    assert!(!run.stderr.contains(KEY) && !run.stderr.contains(TOKEN), "a secret leaked: {}", run.stderr);
    (run.code, run.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_has_a_clear_message() {
    let fake = FakeAgent::start(FakeConfig::new(TOKEN, vec![])).await;
    let grant = fake_grant::start(TOKEN, 200).await;
    let refusing = fake_grant::start(TOKEN, 403).await;
    let wrong_token = fake_grant::start("not-the-token", 200).await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("ws://{}", l.local_addr().unwrap())
    };
    let url = fake.url();

    let (code, err) = talk(&[], &[]).await;
    assert_ne!(code, 0);
    assert!(err.contains("DEEPGRAM_API_KEY") && err.contains("console.deepgram.com"), "{err}");

    let (code, err) = talk(
        &[
            ("DEEPGRAM_API_KEY", KEY),
            ("COMPANION_DEEPGRAM_API_URL", &refusing.url),
            ("COMPANION_DEEPGRAM_AGENT_URL", &url),
        ],
        &[],
    )
    .await;
    assert_ne!(code, 0);
    assert!(err.contains("refused the API key"), "{err}");

    let (code, err) = talk(
        &[
            ("DEEPGRAM_API_KEY", KEY),
            ("COMPANION_DEEPGRAM_API_URL", &wrong_token.url),
            ("COMPANION_DEEPGRAM_AGENT_URL", &url),
        ],
        &[],
    )
    .await;
    assert_ne!(code, 0);
    assert!(err.contains("refused our token (HTTP 401)"), "{err}");

    let (code, err) = talk(
        &[
            ("DEEPGRAM_API_KEY", KEY),
            ("COMPANION_DEEPGRAM_API_URL", &grant.url),
            ("COMPANION_DEEPGRAM_AGENT_URL", &dead),
        ],
        &[],
    )
    .await;
    assert_ne!(code, 0);
    assert!(err.contains("cannot reach the agent"), "{err}");

    let (code, err) = talk(
        &[
            ("DEEPGRAM_API_KEY", KEY),
            ("COMPANION_DEEPGRAM_API_URL", &grant.url),
            ("COMPANION_DEEPGRAM_AGENT_URL", "https://agent.example"),
        ],
        &[],
    )
    .await;
    assert_ne!(code, 0);
    assert!(err.contains("bad agent URL"), "{err}");

    // No --input: the microphone. Here there is no such device.
    let dir = tempfile::tempdir().unwrap();
    let run = companion(
        &dir.path().join("data"),
        &[
            ("DEEPGRAM_API_KEY", KEY),
            ("COMPANION_DEEPGRAM_API_URL", &grant.url),
            ("COMPANION_DEEPGRAM_AGENT_URL", &url),
        ],
        &["talk", "--input-device", "no-such-microphone-xyz"],
    )
    .await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("cannot open the audio"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().filter(|l| l.starts_with("error:")).count(), 1, "{}", run.stderr);
    assert_eq!(fake.log().connections, 0, "no failed setup completed a handshake");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_pace_is_refused_with_a_clear_message() {
    for pace in ["0", "101", "2.5", "fast"] {
        let (code, err) = talk(&[], &["--pace", pace]).await;
        assert_ne!(code, 0, "--pace {pace}");
        assert!(err.contains("1 (real time) to 100") && !err.contains("panicked"), "--pace {pace}: {err}");
    }
    let (code, err) = talk(&[("COMPANION_INPUT_PACE", "500")], &[]).await;
    assert_ne!(code, 0);
    assert!(err.contains("invalid pace \"500\""), "{err}");

    // The microphone and speakers run in real time: a pace needs both WAV files.
    let dir = tempfile::tempdir().unwrap();
    let wav = speech::silent(dir.path(), 1.0);
    let run =
        companion(&dir.path().join("data"), &[], &["talk", "--input", wav.to_str().unwrap(), "--pace", "10"])
            .await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("needs --input and --output"), "{}", run.stderr);
    assert!(!dir.path().join("data").exists(), "refused before anything was opened");
}
