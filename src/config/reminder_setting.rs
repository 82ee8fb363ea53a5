//! `reminders`: whether tasks remind the user, and how long before their time by default.

use serde::{Deserialize, Serialize};

/// The longest lead a reminder can have: a day.
pub const MAX_REMINDER_LEAD_MINUTES: u32 = 1440;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ReminderSettings {
    /// Off: no reminder is shown, and those that come due meanwhile are not kept for later.
    pub enabled: bool,
    /// How many minutes before a task's time its reminder comes, unless the task has its own.
    pub lead_minutes: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings { enabled: true, lead_minutes: 10 }
    }
}

impl ReminderSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.lead_minutes > MAX_REMINDER_LEAD_MINUTES {
            return Err(format!(
                "reminders.lead_minutes must be between 0 and {MAX_REMINDER_LEAD_MINUTES} (it is {})",
                self.lead_minutes
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_is_whole_minutes_up_to_a_day() {
        let s: ReminderSettings = serde_yaml::from_str("lead_minutes: 0").unwrap();
        assert_eq!(s, ReminderSettings { enabled: true, lead_minutes: 0 });
        s.validate().unwrap();
        let day = ReminderSettings { enabled: true, lead_minutes: 1440 };
        day.validate().unwrap();
        let err = ReminderSettings { lead_minutes: 1441, ..day }.validate().unwrap_err();
        assert!(err.contains("reminders.lead_minutes must be between 0 and 1440"), "{err}");
        assert!(serde_yaml::from_str::<ReminderSettings>("lead_minutes: -5").is_err());
        assert!(serde_yaml::from_str::<ReminderSettings>("enabled: sometimes").is_err());
    }
}
