//! Running an in-process session against the fake agent with the in-memory seams.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use companion::agent::{Auth, ConnectConfig, DeepgramProvider};
use companion::session::memory::{MemoryControl, Played, ScriptedSource, Segment, VirtualPlayback};
use companion::session::{
    run, ControlPlane, SessionCommand, SessionError, SessionEvent, SessionOptions, SessionReport,
};
use companion::voice::{ConversationSetup, FunctionDef, VoiceProvider};
use serde_json::json;
use tokio::sync::mpsc;

use super::fake_agent::FakeAgent;

pub const TOKEN: &str = "tok-fake-123";

pub fn functions() -> Vec<FunctionDef> {
    let f = |name: &str, props: serde_json::Value, required: &[&str], defer: bool| FunctionDef {
        name: name.into(),
        description: format!("{name} intent"),
        parameters: json!({"type": "object", "properties": props, "required": required}),
        defer_until_eot: defer.then_some(true),
    };
    vec![
        f(
            "submit_goal_intent",
            json!({"goal_statement": {"type": "string"}, "timeline": {"type": "string"}}),
            &["goal_statement", "timeline"],
            true,
        ),
        f(
            "create_task",
            json!({"title": {"type": "string"}, "scheduled_at": {"type": "string"}, "duration_minutes": {"type": "integer"}, "notes": {"type": "string"}}),
            &["title", "scheduled_at"],
            true,
        ),
        f(
            "reschedule_task",
            json!({"task": {"type": "string"}, "new_time": {"type": "string"}}),
            &["task", "new_time"],
            true,
        ),
        f(
            "list_tasks",
            json!({"day": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}}),
            &[],
            false,
        ),
        f("complete_task", json!({"task": {"type": "string"}}), &["task"], true),
    ]
}

pub fn config() -> ConversationSetup {
    ConversationSetup {
        system_prompt: "You are Flux, a concise companion.".into(),
        functions: functions(),
        voice_model: "aura-2-thalia-en".into(),
        listen_model: "nova-3".into(),
        llm_provider: "open_ai".into(),
        llm_model: "gpt-4o-mini".into(),
        greeting: Some("Hey! What can I help you with today?".into()),
    }
}

pub fn control() -> MemoryControl {
    MemoryControl::new(TOKEN, config())
}

pub fn speech(ms: u32) -> Segment {
    Segment::Tone { ms, amplitude: 9000 }
}

pub fn silence(ms: u32) -> Segment {
    Segment::Silence { ms }
}

pub struct Outcome {
    pub result: Result<SessionReport, SessionError>,
    pub events: Vec<SessionEvent>,
    pub played: Arc<Mutex<Played>>,
}

impl Outcome {
    pub fn report(&self) -> &SessionReport {
        self.result.as_ref().expect("session failed")
    }
    pub fn played_bytes(&self) -> usize {
        self.played.lock().unwrap().pcm.len()
    }
}

/// The session's options plus where the (Deepgram) provider connects and how often it sends
/// KeepAlive.
pub struct KitOptions {
    pub session: SessionOptions,
    pub agent_url: String,
    pub keepalive_every: Duration,
}

impl Deref for KitOptions {
    type Target = SessionOptions;
    fn deref(&self) -> &SessionOptions {
        &self.session
    }
}

impl DerefMut for KitOptions {
    fn deref_mut(&mut self) -> &mut SessionOptions {
        &mut self.session
    }
}

pub fn options(fake: &FakeAgent) -> KitOptions {
    let mut o = SessionOptions::new("local-user");
    o.settle = Duration::from_millis(600);
    o.reply_timeout = Duration::from_secs(4);
    o.backoff_base = Duration::from_millis(100);
    KitOptions { session: o, agent_url: fake.url(), keepalive_every: Duration::from_secs(5) }
}

/// The Deepgram provider against the fake, minting reconnect tokens from `control`.
pub fn provider(control: Arc<MemoryControl>, options: &KitOptions) -> Arc<DeepgramProvider> {
    let mut config = ConnectConfig::new(options.agent_url.clone(), Auth::Bearer(String::new()));
    config.keepalive_every = options.keepalive_every;
    Arc::new(DeepgramProvider::new(config, control))
}

/// Runs a session; `commands` are sent after the given delays.
pub async fn run_session(
    control: Arc<MemoryControl>,
    source: ScriptedSource,
    options: KitOptions,
    commands: Vec<(u64, SessionCommand)>,
) -> Outcome {
    let provider = provider(control.clone(), &options);
    run_with(control, provider, source, options.session, commands).await
}

/// Runs a session on any provider and control plane; `commands` are sent after the given delays.
pub async fn run_with(
    control: Arc<dyn ControlPlane>,
    provider: Arc<dyn VoiceProvider>,
    source: ScriptedSource,
    options: SessionOptions,
    commands: Vec<(u64, SessionCommand)>,
) -> Outcome {
    let (playback, played) = VirtualPlayback::new(24_000);
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
    let collector = tokio::spawn(async move {
        let mut all = Vec::new();
        while let Some(e) = ev_rx.recv().await {
            all.push(e);
        }
        all
    });
    let sender = tokio::spawn(async move {
        for (ms, c) in commands {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _ = cmd_tx.send(c);
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    });
    let session = run(control, provider, source, Box::new(playback), options, cmd_rx, ev_tx);
    let result = tokio::time::timeout(Duration::from_secs(60), session).await.expect("session hung");
    sender.abort();
    let events = collector.await.unwrap();
    Outcome { result, events, played }
}

/// OpenAI's Realtime provider against its fake, minting reconnect secrets from `control`
/// (the fake must hand out and accept [`TOKEN`]).
pub fn openai_provider(
    control: Arc<MemoryControl>,
    fake: &super::fake_openai::FakeOpenAi,
) -> Arc<companion::openai::OpenAiProvider> {
    let config = companion::openai::ConnectConfig::new(fake.base_url(), "gpt-realtime", "marin");
    Arc::new(companion::openai::OpenAiProvider::new(config, control))
}
