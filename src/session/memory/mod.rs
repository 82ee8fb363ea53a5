//! In-memory implementations of the session seams, for tests and the benchmark only (feature
//! `test-support`): a recording control plane that also mints tokens (here), a scripted frame
//! source (`scripted.rs`) and a playback that plays in virtual real time into a buffer
//! (`playback.rs`).

use std::sync::Mutex;
use std::time::Duration;

use super::events::{SessionStats, TurnMetrics};
use super::traits::{ControlError, ControlPlane, SessionStart};
use crate::voice::{ConversationSetup, Credential, CredentialError, CredentialSource};

mod playback;
mod scripted;

pub use playback::{Played, VirtualPlayback};
pub use scripted::{ScriptedSource, Segment};

/// What a [`MemoryControl`] was asked to do.
#[derive(Debug, Default, Clone)]
pub struct ControlLog {
    pub messages: Vec<(String, String)>,
    pub intents: Vec<(String, String, serde_json::Value)>,
    pub cancelled: Vec<String>,
    pub turns: Vec<TurnMetrics>,
    pub stats: Option<SessionStats>,
    pub closed: bool,
    pub interrupted: Option<String>,
    pub tokens_minted: u32,
    /// Safety categories the conversation was flagged for.
    pub safety_flags: Vec<String>,
}

type IntentFn = dyn Fn(&str, &serde_json::Value) -> Result<String, ControlError> + Send + Sync;

/// A control plane that keeps everything in memory.
pub struct MemoryControl {
    pub session_id: String,
    pub token: String,
    pub config: ConversationSetup,
    pub log: Mutex<ControlLog>,
    intent: Box<IntentFn>,
    /// Artificial store latency per call (to prove the audio path does not wait on it).
    pub store_delay: Duration,
    /// What `mint_token` hands out (defaults to `token`).
    pub minted_token: Option<String>,
}

impl MemoryControl {
    pub fn new(token: &str, config: ConversationSetup) -> Self {
        MemoryControl {
            session_id: "session-1".into(),
            token: token.into(),
            config,
            log: Mutex::new(ControlLog::default()),
            intent: Box::new(|name, _| Ok(format!("{name} done"))),
            store_delay: Duration::ZERO,
            minted_token: None,
        }
    }

    pub fn with_intents(
        mut self,
        f: impl Fn(&str, &serde_json::Value) -> Result<String, ControlError> + Send + Sync + 'static,
    ) -> Self {
        self.intent = Box::new(f);
        self
    }

    pub fn snapshot(&self) -> ControlLog {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ControlLog> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn delay(&self) {
        if !self.store_delay.is_zero() {
            std::thread::sleep(self.store_delay);
        }
    }
}

impl ControlPlane for MemoryControl {
    fn start_session(&self, _user_id: &str) -> Result<SessionStart, ControlError> {
        Ok(SessionStart {
            session_id: self.session_id.clone(),
            credential: Some(Credential::new(self.token.clone())),
            setup: self.config.clone(),
        })
    }
    fn save_message(&self, _sid: &str, role: &str, content: &str) -> Result<(), ControlError> {
        self.delay();
        self.lock().messages.push((role.into(), content.into()));
        Ok(())
    }
    fn run_intent(
        &self,
        _sid: &str,
        call_id: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<String, ControlError> {
        self.delay();
        let result = (self.intent)(name, &arguments);
        self.lock().intents.push((call_id.into(), name.into(), arguments));
        result
    }
    fn cancel_intent(&self, _sid: &str, call_id: &str, _name: &str) -> Result<(), ControlError> {
        self.lock().cancelled.push(call_id.into());
        Ok(())
    }
    fn record_turn_metrics(&self, _sid: &str, metrics: &TurnMetrics) -> Result<(), ControlError> {
        self.lock().turns.push(metrics.clone());
        Ok(())
    }
    fn record_session_stats(&self, _sid: &str, stats: &SessionStats) -> Result<(), ControlError> {
        self.lock().stats = Some(*stats);
        Ok(())
    }
    fn close_session(&self, _sid: &str) -> Result<(), ControlError> {
        self.lock().closed = true;
        Ok(())
    }
    fn mark_interrupted(&self, _sid: &str, reason: &str) -> Result<(), ControlError> {
        self.lock().interrupted = Some(reason.into());
        Ok(())
    }
    fn flag_safety(&self, _sid: &str, category: &str) -> Result<(), ControlError> {
        self.lock().safety_flags.push(category.into());
        Ok(())
    }
}

impl CredentialSource for MemoryControl {
    fn mint(&self) -> Result<Credential, CredentialError> {
        self.lock().tokens_minted += 1;
        Ok(Credential::new(self.minted_token.clone().unwrap_or_else(|| self.token.clone())))
    }
}
