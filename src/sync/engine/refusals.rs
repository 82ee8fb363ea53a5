//! What the engine does when the plane refuses: an item refused for good is quarantined (it
//! waits for the user and blocks only its own conversation), a session the plane lost or closed
//! is marked lost and reported, and items that could never be sent are quarantined.

use super::{Engine, Step};
use crate::store::outbox::{self, OutboxItem};
use crate::store::remote::{self, RemoteState};
use crate::sync::client::PlaneError;
use crate::sync::SyncError;

impl Engine {
    pub(super) fn item_failed(
        &mut self,
        conv: &str,
        item: &OutboxItem,
        e: PlaneError,
    ) -> Result<Step, SyncError> {
        match e {
            PlaneError::Rejected { status, detail } => {
                let reason = format!("the plane refused this {} ({status}): {detail}", item.kind.as_str());
                let now = self.clock.now();
                self.store.write(|tx| outbox::quarantine(tx, item.id, &reason, now))?;
                Ok(Step::Progress)
            }
            other => self.session_failed(conv, other),
        }
    }

    /// 404/409 while delivering: the plane lost or closed the session. It is reported and its
    /// items wait for the user (retry or discard); the worker goes on with other conversations.
    pub(super) fn session_failed(&mut self, conv: &str, e: PlaneError) -> Result<Step, SyncError> {
        match e {
            PlaneError::Gone { status, detail } => {
                let note = format!("the plane answered {status}: {detail}");
                let now = self.clock.now();
                self.store.write(|tx| remote::put(tx, conv, None, RemoteState::Lost, Some(&note), now))?;
                self.uncertain.remove(conv);
                Ok(Step::Progress)
            }
            PlaneError::Rejected { status, detail } => {
                let note = format!("the plane's copy could not be checked ({status}): {detail}");
                let now = self.clock.now();
                self.store.write(|tx| remote::put(tx, conv, None, RemoteState::Lost, Some(&note), now))?;
                Ok(Step::Progress)
            }
            other => Err(other.into()),
        }
    }

    /// Items that can never be sent as they are (their session is closed on the plane, so the
    /// plane would refuse them) are quarantined so the user sees them.
    pub(super) fn settle_stranded(&self) -> Result<(), SyncError> {
        let stranded = self.store.read(outbox::stranded)?;
        if stranded.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        self.store.write(|tx| {
            for item in &stranded {
                outbox::quarantine(tx, item.id, "its session on the plane is already closed", now)?;
            }
            Ok::<_, SyncError>(())
        })
    }
}
