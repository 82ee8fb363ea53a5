//! The detector as the session uses it: the configuration with the user's region chosen, and
//! what to show and say when a phrase is heard.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::config::{CrisisLine, Region, SafetyConfig};
use super::detect::SafetyMatch;
use super::SafetyError;

/// What the user is shown when an emergency phrase is heard: never their words, only the kind
/// of emergency and whom to call.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyNotice {
    /// The category's id (`chest_pain`) and its label ("Chest pain or heart attack").
    pub category: String,
    pub label: String,
    /// The region the numbers are for (`US`, or `default`).
    pub region: String,
    pub emergency_number: String,
    pub crisis_line: CrisisLine,
}

/// The configuration and the user's region.
#[derive(Debug, Clone)]
pub struct SafetyGuard {
    config: Arc<SafetyConfig>,
    region_code: String,
    region: Region,
}

impl SafetyGuard {
    /// `setting` is `safety.region`: `auto` takes the region from `timezone` (an IANA name),
    /// anything else must be one of the configuration's regions (any case).
    pub fn new(config: Arc<SafetyConfig>, setting: &str, timezone: &str) -> Result<Self, SafetyError> {
        let setting = setting.trim();
        let code = if setting.is_empty() || setting.eq_ignore_ascii_case("auto") {
            config.region_for_timezone(timezone).to_string()
        } else if setting.eq_ignore_ascii_case("default") {
            "default".to_string()
        } else {
            setting.to_ascii_uppercase()
        };
        let Some(region) = config.regions.get(&code).cloned() else {
            let known: Vec<&str> = config.regions.keys().map(String::as_str).collect();
            return Err(SafetyError::UnknownRegion {
                region: setting.to_string(),
                file: config.file.clone(),
                known: known.join(", "),
            });
        };
        Ok(SafetyGuard { config, region_code: code, region })
    }

    /// The user's configuration (`safety.yaml` in `data_dir`, else the built-in one) with the
    /// region their settings choose.
    pub fn load(data_dir: &Path, settings: &crate::config::Settings) -> Result<Self, SafetyError> {
        let config = Arc::new(SafetyConfig::load(data_dir)?);
        Self::new(config, &settings.safety.region, &settings.user.timezone)
    }

    /// The built-in phrases with the numbers of the built-in default region.
    pub fn builtin_default() -> Self {
        // The built-in file is checked by a unit test and must have a default region.
        Self::new(Arc::new(SafetyConfig::builtin()), "default", "UTC")
            .expect("config/safety.yaml has default")
    }

    pub fn region_code(&self) -> &str {
        &self.region_code
    }

    /// The first emergency phrase in `text`, if any. Runs here only; nothing leaves the computer.
    pub fn check(&self, text: &str) -> Option<SafetyMatch> {
        self.config.matcher.check(text)
    }

    pub fn notice(&self, found: &SafetyMatch) -> SafetyNotice {
        let label =
            self.config.category(&found.category).map_or_else(|| found.category.clone(), |c| c.label.clone());
        SafetyNotice {
            category: found.category.clone(),
            label,
            region: self.region_code.clone(),
            emergency_number: self.region.emergency.clone(),
            crisis_line: self.region.crisis_line.clone(),
        }
    }
}

impl SafetyNotice {
    /// What the agent is told: answer with care, say it is not an emergency service, and give
    /// the numbers. It names the kind of emergency, not the user's words.
    pub fn instruction(&self) -> String {
        format!(
            "Safety notice: the user may be facing an emergency ({label}). You are not a medical or \
             crisis service. Respond calmly and with care, take what they said seriously, do not \
             diagnose, and urge them to contact help now: the emergency number {emergency}, or \
             {line} at {number}. If they are in immediate danger, ask them to call {emergency} \
             right away. Keep your answers short and stay with them.",
            label = self.label.to_lowercase(),
            emergency = self.emergency_number,
            line = self.crisis_line.name,
            number = self.crisis_line.number,
        )
    }

    /// The fixed reply for a provider without a language model that could follow
    /// [`instruction`](Self::instruction).
    pub fn spoken_reply(&self) -> String {
        format!(
            "I'm really sorry you're going through this, and I'm glad you said it. I'm not able to \
             help in an emergency, but people can, right now. Please call {emergency}, or {line} \
             at {number}. If you're in danger, call {emergency} now.",
            emergency = self.emergency_number,
            line = self.crisis_line.name,
            number = self.crisis_line.number,
        )
    }
}
