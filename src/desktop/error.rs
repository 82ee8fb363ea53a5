//! The desktop app's errors: what a command reports to the window, worded for people.

use crate::backend::ApiError;
use crate::config::ConfigError;
use crate::launch::LaunchError;

use super::KeyStoreError;

#[derive(Debug, thiserror::Error)]
pub enum DesktopError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Keys(#[from] KeyStoreError),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Talk(String),
    #[error("{0}")]
    Reminder(#[from] crate::reminders::ReminderError),
}

impl From<LaunchError> for DesktopError {
    fn from(e: LaunchError) -> Self {
        match e {
            LaunchError::Config(c) => DesktopError::Config(c),
            LaunchError::Store(a) => DesktopError::Api(a),
            LaunchError::Database(d) => DesktopError::Io(d.to_string()),
            LaunchError::Input(a) => DesktopError::Talk(format!("Cannot open the microphone: {a}")),
            LaunchError::Output(a) => DesktopError::Talk(format!("Cannot open the speakers: {a}")),
            other => DesktopError::Io(other.to_string()),
        }
    }
}
