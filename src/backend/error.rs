use crate::intents::UndoError;
use crate::store::StoreError;
use serde::Serialize;

/// An error of the control plane, with the HTTP status it maps to. The same values reach
/// in-process callers (desktop shell, CLI), so the wording is for people.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{detail}")]
    RateLimited { detail: String, retry_after_secs: u64 },
    #[error("{0}")]
    Upstream(String),
    /// No Deepgram key is configured (503: the service cannot mint tokens).
    #[error("{0}")]
    KeyMissing(String),
    /// The key store (the desktop app's keychain) could not be read (503, as a missing key).
    #[error("{0}")]
    KeyUnreadable(String),
    /// Deepgram refused the key (503 here; the user must fix the key, retrying will not help).
    #[error("{0}")]
    KeyRefused(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    DiskFull(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::Invalid(_) => 422,
            ApiError::RateLimited { .. } => 429,
            ApiError::Upstream(_)
            | ApiError::KeyMissing(_)
            | ApiError::KeyUnreadable(_)
            | ApiError::KeyRefused(_) => 503,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::Storage(_) => 500,
            ApiError::DiskFull(_) => 507,
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { detail: self.to_string() }
    }

    pub fn unknown_session(id: &str) -> Self {
        ApiError::NotFound(format!("Session {id} not found"))
    }
}

#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub detail: String,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::DiskFull => ApiError::DiskFull(
                "The disk is full; nothing was saved. Free some space and try again.".into(),
            ),
            other => ApiError::Storage(format!("Storage failed: {other}")),
        }
    }
}

impl From<UndoError> for ApiError {
    fn from(e: UndoError) -> Self {
        match e {
            UndoError::Store(e) => e.into(),
            UndoError::UnreadableRecord { .. } => ApiError::Storage(format!("Could not undo: {e}")),
            UndoError::TaskGone { .. } => ApiError::Conflict(format!("Could not undo: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_507_and_says_so() {
        let api = ApiError::from(StoreError::DiskFull);
        assert_eq!(api.status(), 507);
        assert!(api.to_string().contains("disk is full"));
    }
}
