//! Driving the built `companion talk` against the OpenAI Realtime fake, with only
//! `OPENAI_API_KEY` set (so `agent.provider: auto` picks OpenAI).

use serde_json::Value;

use super::cli_kit::{assert_no_secrets, companion, json_of, voiced_samples, Run};
use super::fake_openai::{FakeConfig, FakeLog, FakeOpenAi, Step};

pub const KEY: &str = "sk-openai-test-key-e2e-0123456789";
pub const SECRET: &str = "ek_e2e_client_secret_9876543210";
pub const GREETING: &str = "assistant: Hey! What can I help you with today?";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub fake: FakeOpenAi,
}

impl Env {
    pub async fn new(script: Vec<Step>) -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            fake: FakeOpenAi::start(FakeConfig::new(KEY, SECRET, script)).await,
        }
    }

    pub fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub async fn talk(&self, wav: &std::path::Path, extra: &[&str]) -> Run {
        let out = self.dir.path().join("out.wav");
        let mut args =
            vec!["talk", "--input", wav.to_str().unwrap(), "--output", out.to_str().unwrap(), "--json"];
        args.extend(extra);
        let base = self.fake.base_url();
        companion(
            &self.data(),
            &[("OPENAI_API_KEY", KEY), ("COMPANION_OPENAI_URL", base.as_str()), ("RUST_LOG", "debug")],
            &args,
        )
        .await
    }

    /// Neither the API key nor the client secret ends up in output, logs or the data dir.
    pub fn assert_no_secrets(&self, run: &Run) {
        assert_no_secrets(&self.data(), run, &[KEY, SECRET]);
    }

    pub async fn session(&self, id: &str) -> Value {
        json_of(&self.data(), &["sessions", "show", id]).await
    }

    pub fn voiced_samples(&self) -> usize {
        voiced_samples(&self.dir.path().join("out.wav"))
    }
}

pub fn assert_clean(log: &FakeLog) {
    assert!(log.problems.is_empty(), "fake problems: {:?}", log.problems);
    assert!(log.errors_sent.is_empty(), "fake sent errors: {:?}", log.errors_sent);
}
