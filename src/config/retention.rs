//! `retention`: how long finished conversations are kept before they are deleted.

use serde::{Deserialize, Serialize};

/// The longest period that can be set (about a hundred years); beyond it, choose "forever".
pub const MAX_RETENTION_DAYS: u32 = 36_500;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(default)]
pub struct RetentionSettings {
    /// Conversations that started more than this many days ago are deleted with their
    /// transcript, search entries and function-call records; `None` (`null`) keeps them forever.
    pub days: Option<u32>,
}

impl RetentionSettings {
    pub fn validate(&self) -> Result<(), String> {
        match self.days {
            Some(d) if !(1..=MAX_RETENTION_DAYS).contains(&d) => Err(format!(
                "retention.days must be between 1 and {MAX_RETENTION_DAYS}, or null to keep conversations forever (it is {d})"
            )),
            _ => Ok(()),
        }
    }

    /// How long a conversation is kept, if not forever.
    pub fn keep_for(&self) -> Option<chrono::Duration> {
        self.days.map(|d| chrono::Duration::days(i64::from(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forever_is_null_and_a_period_is_whole_days() {
        let forever: RetentionSettings = serde_yaml::from_str("days: null").unwrap();
        assert_eq!(forever.keep_for(), None);
        let month: RetentionSettings = serde_yaml::from_str("days: 30").unwrap();
        assert_eq!(month.keep_for(), Some(chrono::Duration::days(30)));
        month.validate().unwrap();
        assert!(serde_yaml::from_str::<RetentionSettings>("days: -3").is_err());
        assert!(serde_yaml::from_str::<RetentionSettings>("days: soon").is_err());
        let zero = RetentionSettings { days: Some(0) };
        assert!(zero.validate().unwrap_err().contains("between 1 and"));
        assert!(RetentionSettings { days: Some(MAX_RETENTION_DAYS + 1) }.validate().is_err());
    }
}
