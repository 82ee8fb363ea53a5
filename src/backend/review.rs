//! Offline review: past sessions, transcripts, search, tasks and goals. Reads only; these work
//! with no network and never touch open sessions.

use super::{ApiError, Service};
use crate::store::{calls, conversations, goals, messages, metrics, safety, search, tasks};
use crate::store::{ConversationRow, FunctionCallRow, GoalRow, MessageRow, SearchHit, TaskRow};
use serde::Serialize;

/// Everything known about one conversation, for `sessions show` and exports.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct SessionDetail {
    #[serde(flatten)]
    pub conversation: ConversationRow,
    pub messages: Vec<MessageRow>,
    pub function_calls: Vec<CallView>,
    /// As the session recorded them (`TurnMetrics`, `SessionStats` of the session room).
    #[cfg_attr(feature = "ts", ts(type = "Array<TurnMetrics>"))]
    pub turn_metrics: Vec<serde_json::Value>,
    #[cfg_attr(feature = "ts", ts(type = "SessionStats | null"))]
    pub stats: Option<serde_json::Value>,
    /// The kinds of emergency a safety notice was shown for (`chest_pain`), first shown first.
    pub safety_categories: Vec<String>,
}

/// A function call without its internal undo record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    pub id: String,
    pub name: String,
    pub arguments: serde_json::Value,
    pub status: crate::store::CallStatus,
    pub result: String,
    pub created_at: String,
}

impl From<FunctionCallRow> for CallView {
    fn from(r: FunctionCallRow) -> Self {
        let arguments = serde_json::from_str(&r.arguments).unwrap_or(serde_json::Value::String(r.arguments));
        CallView {
            id: r.id,
            name: r.name,
            arguments,
            status: r.status,
            result: r.result,
            created_at: r.created_at,
        }
    }
}

impl Service {
    /// Newest first.
    pub fn list_sessions(&self, limit: i64) -> Result<Vec<ConversationRow>, ApiError> {
        Ok(self.store().read(|c| conversations::list_conversations(c, limit.max(1)))?)
    }

    pub fn session_detail(&self, id: &str) -> Result<SessionDetail, ApiError> {
        let detail = self.store().read(|c| {
            let Some(conversation) = conversations::get_conversation(c, id)? else {
                return Ok(None);
            };
            Ok(Some(SessionDetail {
                conversation,
                messages: messages::list_messages(c, id)?,
                function_calls: calls::calls_of_conversation(c, id)?
                    .into_iter()
                    .map(CallView::from)
                    .collect(),
                turn_metrics: metrics::turns_of(c, id)?,
                stats: metrics::session_stats_of(c, id)?,
                safety_categories: safety::categories_of(c, id)?,
            }))
        })?;
        detail.ok_or_else(|| ApiError::unknown_session(id))
    }

    /// Full-text search across all sessions: best first, or newest first for a query too broad to
    /// rank (`search::search_messages`); `marks` wrap each hit in the snippet. Every message
    /// stored before the call is found, unless indexing it fails now (a full disk:
    /// `Store::index_backlog`).
    pub fn search(&self, query: &str, limit: i64, marks: (&str, &str)) -> Result<Vec<SearchHit>, ApiError> {
        self.store().index_backlog();
        Ok(self.store().read(|c| search::search_messages(c, query, limit.max(1), marks))?)
    }

    pub fn tasks(&self) -> Result<Vec<TaskRow>, ApiError> {
        Ok(self.store().read(tasks::all_tasks)?)
    }

    pub fn goals(&self) -> Result<Vec<GoalRow>, ApiError> {
        Ok(self.store().read(goals::list_goals)?)
    }

    /// Deletes a finished session and everything said in it. An open one must be closed first.
    pub fn delete_session(&self, id: &str) -> Result<(), ApiError> {
        let conv = self.conversation(id)?;
        if conv.status == crate::store::ConversationStatus::Open {
            return Err(ApiError::Conflict(format!("Session {id} is still open; close it first")));
        }
        self.store().write(|tx| conversations::delete_conversation(tx, id))?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
