//! Running the built `companion` binary against the fakes.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// Runs `companion ARGS` with the data dir and the provider endpoints given.
pub async fn companion(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"));
    cmd.args(args)
        .env("COMPANION_DATA_DIR", data)
        .env_remove("DEEPGRAM_API_KEY")
        .env_remove("COMPANION_DEEPGRAM_API_URL")
        .env_remove("COMPANION_DEEPGRAM_AGENT_URL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("COMPANION_OPENAI_URL")
        // Tests that talk on this computer pass the models dir themselves.
        .env_remove("COMPANION_MODELS_DIR")
        // A sped-up run is asked for by the test itself.
        .env_remove("COMPANION_INPUT_PACE")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("companion hung")
        .expect("companion did not start");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// `companion ARGS --json` that must succeed.
pub async fn json_of(data: &Path, args: &[&str]) -> Value {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let run = companion(data, &[], &all).await;
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.json()
}

/// A stored session's messages as `role: text`.
pub fn messages(session: &Value) -> Vec<String> {
    session["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{}: {}", m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect()
}

/// None of `secrets` is in a run's output or in any file of its data dir (logs included).
pub fn assert_no_secrets(data: &Path, run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "{secret} leaked in output");
        for entry in std::fs::read_dir(data).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
                assert!(!found, "{secret} leaked into {}", path.display());
            }
        }
    }
}

/// Samples of a 24 kHz output WAV that carry agent audio (the fakes' sine is never exactly 0
/// except at a few zero crossings).
pub fn voiced_samples(out_wav: &Path) -> usize {
    let (s, rate) = super::speech::samples(out_wav);
    assert_eq!(rate, 24_000);
    s.iter().filter(|v| v.abs() > 2).count()
}
