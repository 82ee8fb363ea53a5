//! Saving and listing a session's messages: the checks every message passes and the write
//! itself, shared by in-process callers and the HTTP route's group commit.

use super::checks::require_open_status;
use super::idempotency::{self, Keyed};
use super::schemas::{MessageOut, MessageSaved, SaveMessageRequest, SessionMessages};
use super::{ApiError, Service, MAX_MESSAGE_BYTES};
use crate::store::{conversations, messages};
use chrono::{DateTime, Utc};

impl Service {
    /// Saves one message in its own transaction (with its key's answer, if keyed).
    pub fn save_message(
        &self,
        req: &SaveMessageRequest,
        key: Option<&Keyed>,
    ) -> Result<MessageSaved, ApiError> {
        check_message(req)?;
        let now = self.clock().now();
        self.store().write(|tx| {
            let saved = write_message(tx, req, now)?;
            idempotency::record(tx, key, &saved, now)?;
            Ok(saved)
        })
    }

    pub fn messages(&self, session_id: &str) -> Result<SessionMessages, ApiError> {
        let rows = self.store().read(|c| {
            Ok(match conversations::get_conversation(c, session_id)? {
                None => None,
                Some(_) => Some(messages::list_messages(c, session_id)?),
            })
        })?;
        let rows = rows.ok_or_else(|| ApiError::unknown_session(session_id))?;
        Ok(SessionMessages {
            session_id: session_id.to_string(),
            messages: rows
                .into_iter()
                .map(|m| MessageOut { id: m.id, role: m.role, content: m.content, created_at: m.created_at })
                .collect(),
        })
    }
}

/// What a message must be before anything is written: a known role, some text, not too long.
pub(super) fn check_message(req: &SaveMessageRequest) -> Result<(), ApiError> {
    if req.role != "user" && req.role != "assistant" {
        return Err(ApiError::Invalid(format!("role must be \"user\" or \"assistant\", not {:?}", req.role)));
    }
    if req.content.trim().is_empty() {
        return Err(ApiError::Invalid("content must not be empty".into()));
    }
    if req.content.len() > MAX_MESSAGE_BYTES {
        return Err(ApiError::Invalid(format!("content is longer than {MAX_MESSAGE_BYTES} bytes")));
    }
    Ok(())
}

/// Appends a checked message to its open session inside the caller's transaction. The key's
/// answer is left for the caller to record (alone, or many with one purge).
pub(super) fn write_message(
    tx: &rusqlite::Connection,
    req: &SaveMessageRequest,
    now: DateTime<Utc>,
) -> Result<MessageSaved, ApiError> {
    // Time-ordered (UUIDv7): a new id lands at the end of the id index, not on a random page.
    let saved = MessageSaved { message_id: uuid::Uuid::now_v7().to_string(), status: "saved".into() };
    require_open_status(tx, &req.session_id)?;
    messages::append_message(tx, &saved.message_id, &req.session_id, &req.role, &req.content, now)?;
    Ok(saved)
}
