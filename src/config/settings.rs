use super::ConfigError;
use super::SyncSettings;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[cfg(test)]
const DEFAULTS: &str = include_str!("../../config/settings.yaml");

/// Everything a user can change. Every section and field falls back to `config/settings.yaml`,
/// so an old or partial settings file keeps working.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct Settings {
    pub user: UserSettings,
    pub agent: AgentSettings,
    pub deepgram: DeepgramSettings,
    pub openai: OpenAiSettings,
    pub audio: AudioSettings,
    pub limits: Limits,
    pub sync: SyncSettings,
    pub retention: super::RetentionSettings,
    pub safety: super::SafetySettings,
    pub startup: super::StartupSettings,
    pub reminders: super::ReminderSettings,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct UserSettings {
    pub id: String,
    pub display_name: String,
    pub timezone: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AgentSettings {
    pub voice_model: String,
    pub listen_model: String,
    pub llm_provider: String,
    pub llm_model: String,
    pub greeting: String,
    pub input_sample_rate: u32,
    pub output_sample_rate: u32,
    // Which speech service holds conversations.
    pub provider: ProviderChoice,
}

// `auto` takes Deepgram when a Deepgram key is set, else OpenAI when an OpenAI key is set.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ProviderChoice {
    #[default]
    Auto,
    Local,
    Deepgram,
    Openai,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct OpenAiSettings {
    // One base for the client-secret endpoint and the realtime socket.
    pub api_url: String,
    pub model: String,
    pub voice: String,
    pub transcription_model: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeepgramSettings {
    pub api_url: String,
    pub agent_url: String,
    pub token_ttl_seconds: u32,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct AudioSettings {
    /// Empty means "system default", which follows the OS default device.
    pub input_device: String,
    pub output_device: String,
    pub echo: super::EchoSetting,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Limits {
    pub sessions_per_10_minutes: u32,
    pub sessions_per_day: u32,
    pub open_sessions_per_user: u32,
}

// The defaults live here and, documented, in `config/settings.yaml`; a test keeps the two equal.
// (They cannot be parsed from the file at run time: `#[serde(default)]` calls `Default` while
// deserialising, which would recurse.)
impl Default for UserSettings {
    fn default() -> Self {
        UserSettings { id: "local".into(), display_name: String::new(), timezone: "UTC".into() }
    }
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            voice_model: "aura-2-thalia-en".into(),
            listen_model: "nova-3".into(),
            llm_provider: "open_ai".into(),
            llm_model: "gpt-4o-mini".into(),
            greeting: "Hey! What can I help you with today?".into(),
            input_sample_rate: 16000,
            output_sample_rate: 24000,
            provider: ProviderChoice::Auto,
        }
    }
}

impl Default for DeepgramSettings {
    fn default() -> Self {
        DeepgramSettings {
            api_url: "https://api.deepgram.com".into(),
            agent_url: "wss://agent.deepgram.com/v1/agent/converse".into(),
            token_ttl_seconds: 300,
        }
    }
}

impl Default for OpenAiSettings {
    fn default() -> Self {
        OpenAiSettings {
            api_url: "https://api.openai.com".into(),
            model: "gpt-realtime".into(),
            voice: "marin".into(),
            transcription_model: "gpt-4o-mini-transcribe".into(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { sessions_per_10_minutes: 5, sessions_per_day: 20, open_sessions_per_user: 1 }
    }
}

impl Settings {
    /// Reads `settings.yaml` from the data dir (defaults where absent), then applies the
    /// environment overrides `COMPANION_DEEPGRAM_API_URL`, `COMPANION_DEEPGRAM_AGENT_URL` and
    /// `COMPANION_OPENAI_URL`.
    pub fn load(data_dir: &Path) -> Result<Self, ConfigError> {
        let path = data_dir.join("settings.yaml");
        let mut settings = match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Settings::default(),
            // Read as plain YAML first: a syntax error the typed reading passes over (a key
            // given twice in a section it ignores) is still reported, with its line.
            Ok(text) => serde_yaml::from_str::<serde_yaml::Value>(&text)
                .and_then(|_| serde_yaml::from_str(&text))
                .map_err(|e| ConfigError::Invalid { path: path.clone(), detail: super::yaml_error(&e) })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        settings.apply_env();
        settings.validate().map_err(|detail| ConfigError::Invalid { path, detail })?;
        Ok(settings)
    }

    pub fn save(&self, data_dir: &Path) -> Result<(), ConfigError> {
        let path = data_dir.join("settings.yaml");
        let text = serde_yaml::to_string(self)
            .map_err(|e| ConfigError::Invalid { path: path.clone(), detail: e.to_string() })?;
        super::write_atomically(&path, text).map_err(|source| ConfigError::Write { path, source })
    }

    fn apply_env(&mut self) {
        if let Some(url) = env_nonempty("COMPANION_DEEPGRAM_API_URL") {
            self.deepgram.api_url = url;
        }
        if let Some(url) = env_nonempty("COMPANION_DEEPGRAM_AGENT_URL") {
            self.deepgram.agent_url = url;
        }
        if let Some(url) = env_nonempty("COMPANION_OPENAI_URL") {
            self.openai.api_url = url;
        }
        if let Some(url) = env_nonempty("COMPANION_SYNC_URL") {
            self.sync.url = url;
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.user.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "unknown timezone {:?} (use an IANA name such as Europe/Berlin)",
                self.user.timezone
            ));
        }
        if self.user.id.trim().is_empty() {
            return Err("user.id must not be empty".into());
        }
        if !(8000..=48000).contains(&self.agent.input_sample_rate) {
            return Err("agent.input_sample_rate must be between 8000 and 48000".into());
        }
        let base = &self.openai.api_url;
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(format!("openai.api_url {base:?} must start with https:// or http://"));
        }
        if self.openai.model.trim().is_empty() || self.openai.voice.trim().is_empty() {
            return Err("openai.model and openai.voice must not be empty".into());
        }
        let sync = self.sync.url.trim();
        if !(sync.is_empty() || sync.starts_with("https://") || sync.starts_with("http://")) {
            return Err(format!("sync.url {sync:?} must start with https:// or http:// (check settings.yaml or COMPANION_SYNC_URL)"));
        }
        if self.sync.sessions_per_10_minutes == 0 || self.sync.sessions_per_day == 0 {
            return Err("sync.sessions_per_10_minutes and sync.sessions_per_day must be at least 1".into());
        }
        if !(1..=3600).contains(&self.deepgram.token_ttl_seconds) {
            return Err("deepgram.token_ttl_seconds must be between 1 and 3600".into());
        }
        self.retention.validate()?;
        self.reminders.validate()?;
        self.safety.validate()
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
