//! What a live conversation records beside its transcript (the provider's request id, per-turn
//! figures, the session's counters), and the sweep of conversations a crash left open.

use super::{ApiError, Service};
use crate::store::{conversations, metrics, safety};

impl Service {
    pub fn set_provider_request_id(&self, session_id: &str, request_id: &str) -> Result<(), ApiError> {
        self.conversation(session_id)?;
        self.store().write(|tx| conversations::set_provider_request_id(tx, session_id, request_id))?;
        Ok(())
    }

    /// Marks the conversation as one that showed a safety notice for `category`.
    pub fn flag_safety(&self, session_id: &str, category: &str) -> Result<(), ApiError> {
        let now = self.clock().now();
        self.conversation(session_id)?;
        Ok(self.store().write(|tx| safety::flag(tx, session_id, category, now))?)
    }

    pub fn record_turn_metrics(
        &self,
        session_id: &str,
        turn: i64,
        figures: &serde_json::Value,
    ) -> Result<(), ApiError> {
        let now = self.clock().now();
        self.conversation(session_id)?;
        Ok(self.store().write(|tx| metrics::record_turn(tx, session_id, turn, figures, now))?)
    }

    pub fn record_session_stats(&self, session_id: &str, stats: &serde_json::Value) -> Result<(), ApiError> {
        let now = self.clock().now();
        self.conversation(session_id)?;
        Ok(self.store().write(|tx| metrics::set_session_stats(tx, session_id, stats, now))?)
    }

    /// Conversations left open by a process that died are marked interrupted. Only the process
    /// holding the data dir's host lock may call this (see `host_lock`).
    pub fn sweep_interrupted(&self) -> Result<usize, ApiError> {
        let now = self.clock().now();
        Ok(self.store().write(|tx| {
            conversations::interrupt_all_open(tx, "the app stopped while the session was open", now)
        })?)
    }
}
