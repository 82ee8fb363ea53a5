//! What the user can do about items that wait for them: put a refused item back in line or
//! drop it, try a lost session again or give up on it, and (when sync is first turned on) send
//! the history or only what comes next.

use crate::store::outbox;
use crate::store::remote::{self, RemoteState};
use crate::store::{Store, StoreError};
use crate::time::Clock;

/// Puts one quarantined item (or all, with `None`) back in line. Returns how many.
pub fn retry_item(store: &Store, id: Option<i64>) -> Result<usize, StoreError> {
    store.write(|tx| outbox::release(tx, id))
}

/// Drops one item for good: the plane will not get it. Returns whether it existed.
pub fn discard_item(store: &Store, id: i64) -> Result<bool, StoreError> {
    store.write(|tx| {
        let found = outbox::get(tx, id)?.is_some();
        outbox::remove(tx, id)?;
        Ok(found)
    })
}

/// Sends a lost session's remaining items again (the plane may have been confused briefly).
pub fn retry_session(store: &Store, conversation_id: &str, clock: &Clock) -> Result<bool, StoreError> {
    store.write(|tx| match remote::get(tx, conversation_id)? {
        Some(s) if s.state == RemoteState::Lost => {
            remote::put(tx, conversation_id, None, RemoteState::Open, None, clock.now())?;
            Ok(true)
        }
        _ => Ok(false),
    })
}

/// Gives up on what a lost session still owes; the conversation stays on this computer.
pub fn discard_session(store: &Store, conversation_id: &str, clock: &Clock) -> Result<usize, StoreError> {
    store.write(|tx| {
        let n = outbox::remove_conversation(tx, conversation_id)?;
        if remote::get(tx, conversation_id)?.is_some() {
            remote::put(
                tx,
                conversation_id,
                None,
                RemoteState::Closed,
                Some("discarded by the user"),
                clock.now(),
            )?;
        }
        Ok(n)
    })
}

/// Turning sync on without sending the history: everything owed so far stays on this computer
/// only. A conversation open right now keeps its entries (it is sent as it goes on).
pub fn skip_history(store: &Store) -> Result<usize, StoreError> {
    store.write(|tx| {
        tx.execute(
            "DELETE FROM sync_outbox WHERE conversation_id NOT IN
               (SELECT id FROM conversations WHERE status = 'open')
               AND conversation_id NOT IN
               (SELECT conversation_id FROM sync_sessions WHERE state IN ('open', 'creating'))",
            [],
        )
        .map_err(crate::store::db)
    })
}
