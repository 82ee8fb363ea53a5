//! The local record of a message the plane acknowledged (its item leaves the outbox, its
//! session's delivered count grows), written on a blocking thread while the next request is on
//! the wire: the local commit is then off the delivery's critical path, and requests still go
//! one at a time, each after the previous one's answer.
//!
//! Until the record is written the engine skips that item as delivered. If writing it fails,
//! the plane holds messages the outbox still lists: their conversation is marked uncertain and
//! reconciled (its copy on the plane read and adopted) before anything else is sent to it. A
//! process that dies before the record is written leaves what one killed with a request in
//! flight leaves: the next engine reconciles the open session before sending.

use super::SyncError;
use crate::store::{outbox, remote, Store, StoreError};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::task::JoinHandle;

pub(super) struct Acked {
    pub conversation_id: String,
    pub item: i64,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Acked {
    pub fn start(store: Arc<Store>, conversation_id: &str, item: i64, now: DateTime<Utc>) -> Acked {
        let conv = conversation_id.to_string();
        let task = tokio::task::spawn_blocking(move || {
            store.write(|tx| {
                // Already gone (a reconciliation adopted it): it was counted there.
                if !outbox::take(tx, item)? {
                    return Ok(());
                }
                remote::add_delivered(tx, &conv, 1)?;
                remote::set_state(tx, "last_success", Some(&format_utc(now)))
            })
        });
        Acked { conversation_id: conversation_id.to_string(), item, task }
    }
}

/// Waits until the record in `slot`, if any, is written, then empties the slot. A wait cut short
/// (its future dropped) leaves the record in the slot: its item is still passed over as
/// delivered, and the record is waited for again.
pub(super) async fn finish(slot: &mut Option<Acked>) -> Result<(), SyncError> {
    let Some(acked) = slot.as_mut() else { return Ok(()) };
    let written = (&mut acked.task).await;
    *slot = None;
    match written {
        Ok(written) => Ok(written?),
        Err(e) => Err(SyncError::Record(e.to_string())),
    }
}
