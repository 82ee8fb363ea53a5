//! A control plane whose disk fills (and is freed) just before given messages, for
//! `disk_full.rs`: the database may no longer grow, so SQLite fails exactly as on a full disk.

use companion::launch::ServiceControl;
use companion::session::{ControlError, ControlPlane, SessionStart, SessionStats, TurnMetrics};
use companion::store::Store;
use std::sync::Arc;

/// The session's control plane with the disk filling (and freed) just before a given message.
pub struct FillingDisk {
    pub inner: ServiceControl,
    pub store: Arc<Store>,
    pub fill_at: Option<String>,
    pub free_at: Option<String>,
}

impl ControlPlane for FillingDisk {
    fn start_session(&self, user_id: &str) -> Result<SessionStart, ControlError> {
        self.inner.start_session(user_id)
    }
    fn save_message(&self, sid: &str, role: &str, content: &str) -> Result<(), ControlError> {
        if self.fill_at.as_deref() == Some(content) {
            self.store.cap_growth(0).expect("cap");
        }
        if self.free_at.as_deref() == Some(content) {
            self.store.lift_growth_cap().expect("lift");
        }
        self.inner.save_message(sid, role, content)
    }
    fn run_intent(
        &self,
        sid: &str,
        id: &str,
        name: &str,
        args: serde_json::Value,
    ) -> Result<String, ControlError> {
        self.inner.run_intent(sid, id, name, args)
    }
    fn cancel_intent(&self, sid: &str, id: &str, name: &str) -> Result<(), ControlError> {
        self.inner.cancel_intent(sid, id, name)
    }
    fn record_turn_metrics(&self, sid: &str, metrics: &TurnMetrics) -> Result<(), ControlError> {
        self.inner.record_turn_metrics(sid, metrics)
    }
    fn record_session_stats(&self, sid: &str, stats: &SessionStats) -> Result<(), ControlError> {
        self.inner.record_session_stats(sid, stats)
    }
    fn close_session(&self, sid: &str) -> Result<(), ControlError> {
        self.inner.close_session(sid)
    }
    fn set_request_id(&self, sid: &str, request_id: &str) -> Result<(), ControlError> {
        self.inner.set_request_id(sid, request_id)
    }
    fn mark_interrupted(&self, sid: &str, reason: &str) -> Result<(), ControlError> {
        self.inner.mark_interrupted(sid, reason)
    }
    fn flag_safety(&self, sid: &str, category: &str) -> Result<(), ControlError> {
        self.inner.flag_safety(sid, category)
    }
}
