//! `companion talk` against the fake agent and a fake token endpoint: a data dir, the run, and
//! what it stored, read back through the CLI.

use serde_json::Value;

use super::cli_kit::{assert_no_secrets, companion, json_of, voiced_samples, Run};
use super::fake_agent::{FakeAgent, FakeConfig, FakeLog, Step};
use super::fake_grant::{self, KEY};
use super::session_kit::TOKEN;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub fake: FakeAgent,
    pub grant: fake_grant::FakeGrant,
}

impl Env {
    pub async fn new(script: Vec<Step>) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            fake: FakeAgent::start(FakeConfig::new(TOKEN, script)).await,
            grant: fake_grant::start(TOKEN, 200).await,
        }
    }

    pub fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub async fn talk(&self, wav: &std::path::Path, extra: &[&str]) -> Run {
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
    pub fn assert_no_secrets(&self, run: &Run) {
        assert_no_secrets(&self.data(), run, &[KEY, TOKEN]);
    }

    pub async fn session(&self, id: &str) -> Value {
        json_of(&self.data(), &["sessions", "show", id]).await
    }

    /// Samples of the output WAV that carry agent audio.
    pub fn voiced_samples(&self) -> usize {
        voiced_samples(&self.dir.path().join("out.wav"))
    }

    /// The output holds all the agent audio the fake sent (within 2 %): nothing was cut.
    pub fn assert_all_agent_audio_played(&self, log: &FakeLog) {
        let voiced = self.voiced_samples() as f64;
        let sent = (log.audio_bytes_out / 2) as f64;
        assert!((voiced - sent).abs() / sent < 0.02, "voiced {voiced} vs sent {sent}");
    }
}

pub fn turn(user: &str, call_step: Step, agent: &str) -> Vec<Step> {
    vec![
        Step::UserTurn,
        Step::UserText(user.into()),
        call_step,
        Step::AgentText(agent.into()),
        Step::Reply { ms: 600 },
    ]
}

pub fn assert_clean(log: &FakeLog) {
    assert!(log.problems.is_empty(), "fake agent problems: {:?}", log.problems);
    assert!(log.errors_sent.is_empty(), "fake agent sent errors: {:?}", log.errors_sent);
}

pub const GREETING: &str = "assistant: Hey! What can I help you with today?";
/// The stored transcript of the two-turn "My name is Sam" conversation.
pub const SAM: [&str; 5] = [
    GREETING,
    "user: My name is Sam",
    "assistant: Nice to meet you Sam.",
    "user: What is my name",
    "assistant: Sam.",
];
