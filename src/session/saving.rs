//! Whether the live conversation is being saved. A store write that fails for a storage reason
//! (the disk is full, or the database failed) does not stop the conversation: the user is told
//! once that it goes on unsaved and why, and told once again when a message is stored again.

use tokio::sync::mpsc;

use super::events::SessionEvent;
use super::traits::ControlError;
use super::ErrorRecord;

/// Warning codes of the notices (also in the session report's warnings).
pub const STORAGE_FULL: &str = "STORAGE_FULL";
pub const STORAGE_FAILED: &str = "STORAGE_FAILED";
pub const STORAGE_RESUMED: &str = "STORAGE_RESUMED";

/// Whether a warning's code is one of these notices (not the agent's).
pub fn is_storage_notice(code: &str) -> bool {
    matches!(code, STORAGE_FULL | STORAGE_FAILED | STORAGE_RESUMED)
}

/// Tracks the store's condition as the control-plane worker meets it.
pub(super) struct Saving {
    events: mpsc::UnboundedSender<SessionEvent>,
    /// Saving stopped and not yet resumed.
    stopped: bool,
    /// Messages not stored since saving stopped last.
    lost_now: u32,
    /// Messages not stored in the whole conversation.
    lost: u32,
    full_seen: bool,
    notices: Vec<ErrorRecord>,
}

impl Saving {
    pub(super) fn new(events: mpsc::UnboundedSender<SessionEvent>) -> Self {
        Saving { events, stopped: false, lost_now: 0, lost: 0, full_seen: false, notices: Vec::new() }
    }

    /// A message was stored: if saving had stopped, it has resumed.
    pub(super) fn message_stored(&mut self) {
        if !self.stopped {
            return;
        }
        self.stopped = false;
        let n = self.lost_now;
        self.lost_now = 0;
        let missing = if n == 1 { "1 message".to_string() } else { format!("{n} messages") };
        tracing::info!(missing = n, "saving resumed");
        self.notify(
            STORAGE_RESUMED,
            format!(
                "Saving resumed: the conversation is being saved again. {missing} from while it was \
                 not saved are missing from its history."
            ),
        );
    }

    /// A message could not be stored.
    pub(super) fn message_failed(&mut self, error: &ControlError) {
        if self.failed(error) {
            self.lost_now += 1;
            self.lost += 1;
        }
    }

    /// A conversation write failed; true if for a storage reason (then the user is told, once
    /// per stop).
    pub(super) fn failed(&mut self, error: &ControlError) -> bool {
        let ControlError::Storage { full, message } = error else { return false };
        self.full_seen |= *full;
        if self.stopped {
            return true;
        }
        self.stopped = true;
        tracing::warn!(error = %message, full, "the conversation is no longer being saved");
        if *full {
            self.notify(
                STORAGE_FULL,
                "The disk is full: the conversation goes on, but it is no longer being saved. Free \
                 some space and saving resumes with the next message."
                    .into(),
            );
        } else {
            self.notify(
                STORAGE_FAILED,
                format!("The conversation goes on, but it is no longer being saved ({message})."),
            );
        }
        true
    }

    /// Why the stored conversation is incomplete, if messages were lost.
    pub(super) fn gap(&self) -> Option<String> {
        if self.lost == 0 {
            return None;
        }
        let n = self.lost;
        let what = if n == 1 { "1 message was".to_string() } else { format!("{n} messages were") };
        let why = if self.full_seen { "the disk was full" } else { "storage failed" };
        Some(format!("{what} not saved ({why})"))
    }

    /// The notices sent, for the session report.
    pub(super) fn take_notices(&mut self) -> Vec<ErrorRecord> {
        std::mem::take(&mut self.notices)
    }

    fn notify(&mut self, code: &str, description: String) {
        self.notices.push(ErrorRecord { code: code.into(), description: description.clone() });
        let _ = self.events.send(SessionEvent::Warning { code: code.into(), description });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ControlError {
        ControlError::Storage { full: true, message: "The disk is full; nothing was saved.".into() }
    }

    fn codes(rx: &mut mpsc::UnboundedReceiver<SessionEvent>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(SessionEvent::Warning { code, .. }) = rx.try_recv() {
            out.push(code);
        }
        out
    }

    #[test]
    fn told_once_per_stop_and_once_on_resume() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut s = Saving::new(tx);
        s.message_stored();
        assert!(codes(&mut rx).is_empty(), "nothing to say while saving works");
        s.message_failed(&full());
        s.message_failed(&full());
        assert!(s.failed(&full()));
        assert_eq!(codes(&mut rx), vec![STORAGE_FULL]);
        s.message_stored();
        s.message_stored();
        assert_eq!(codes(&mut rx), vec![STORAGE_RESUMED]);
        assert_eq!(s.gap().as_deref(), Some("2 messages were not saved (the disk was full)"));
        assert_eq!(s.take_notices().len(), 2);
    }

    #[test]
    fn other_failures_are_not_storage() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut s = Saving::new(tx);
        s.message_failed(&ControlError::Other("Session x is closed".into()));
        assert!(codes(&mut rx).is_empty());
        assert_eq!(s.gap(), None);
        s.message_failed(&ControlError::Storage { full: false, message: "Storage failed: I/O".into() });
        assert_eq!(codes(&mut rx), vec![STORAGE_FAILED]);
    }
}
