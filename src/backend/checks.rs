//! Checks shared by the service's operations.

use super::service::MAX_USER_ID_CHARS;
use super::ApiError;
use crate::config::Settings;
use crate::store::{conversations, users, ConversationStatus, UserRow};

pub(super) fn require_open(
    tx: &rusqlite::Connection,
    id: &str,
) -> Result<conversations::ConversationRow, ApiError> {
    let conv = conversations::get_conversation(tx, id)?.ok_or_else(|| ApiError::unknown_session(id))?;
    if conv.status != ConversationStatus::Open {
        return Err(closed(id, conv.status));
    }
    Ok(conv)
}

/// As [`require_open`], reading only the status (a message's write).
pub(super) fn require_open_status(tx: &rusqlite::Connection, id: &str) -> Result<(), ApiError> {
    match conversations::status_of(tx, id)? {
        None => Err(ApiError::unknown_session(id)),
        Some(ConversationStatus::Open) => Ok(()),
        Some(status) => Err(closed(id, status)),
    }
}

pub(super) fn closed(id: &str, status: ConversationStatus) -> ApiError {
    ApiError::Conflict(format!("Session {id} is {}; start a new session", status.as_str()))
}

/// A user id as sent: not blank, at most `MAX_USER_ID_CHARS` characters, none a control
/// character (the OpenAPI document's `pattern` and `maxLength` say the same of the value as sent);
/// stored without surrounding white space.
pub(super) fn check_user_id(raw: &str) -> Result<String, ApiError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(ApiError::Invalid("user_id must not be empty".into()));
    }
    if raw.chars().count() > MAX_USER_ID_CHARS || raw.chars().any(char::is_control) {
        return Err(ApiError::Invalid(format!(
            "user_id must be at most {MAX_USER_ID_CHARS} printable characters"
        )));
    }
    Ok(id.to_string())
}

/// The local user's row, brought in line with the settings (the source of truth for their name
/// and timezone, which the user may change at any time).
pub(super) fn local_user_row(
    tx: &rusqlite::Connection,
    settings: &Settings,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<UserRow, crate::store::StoreError> {
    let u = &settings.user;
    users::upsert_profile(tx, &u.id, &u.display_name, &u.timezone, now)
}
