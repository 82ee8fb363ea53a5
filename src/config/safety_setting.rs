//! `safety.region`: whose emergency number and crisis line the safety notice shows.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SafetySettings {
    /// `auto` (from `user.timezone`), a region code of `config/safety.yaml` such as `US` or
    /// `GB`, or `default`.
    pub region: String,
}

impl Default for SafetySettings {
    fn default() -> Self {
        SafetySettings { region: "auto".into() }
    }
}

impl SafetySettings {
    /// The shape only; whether the safety configuration has the region is checked when it is
    /// loaded (the user may have their own `safety.yaml`).
    pub fn validate(&self) -> Result<(), String> {
        let r = self.region.trim();
        if r.is_empty() || !r.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("safety.region {r:?} must be auto, default or a region code such as US"));
        }
        Ok(())
    }
}
