//! After an unknown outcome (a lost answer, a reset, a 5xx) the plane may or may not hold the
//! last message sent. Sending it again blind could store it twice on a plane that ignores
//! `Idempotency-Key`, so the plane's copy is read first: with one request in flight per
//! session, it holds the messages already counted as delivered plus, possibly, the next ones in
//! order. Those are adopted as delivered; anything else is reported, never guessed.

use super::client::PlaneClient;
use super::SyncError;
use crate::store::outbox;
use crate::store::remote::{self, RemoteSession, RemoteState};
use crate::store::Store;
use chrono::{DateTime, Utc};

pub async fn adopt(
    store: &Store,
    client: &PlaneClient,
    session: &RemoteSession,
    remote_id: &str,
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    let conv = &session.conversation_id;
    let held = client.messages(remote_id).await?.messages;
    let delivered = session.delivered.max(0) as usize;
    if held.len() < delivered {
        return lost(
            store,
            conv,
            &format!(
                "the plane holds {} messages of this conversation but {delivered} were delivered",
                held.len()
            ),
            now,
        );
    }
    let extra = &held[delivered..];
    if extra.is_empty() {
        return Ok(());
    }
    let next = store.read(|c| outbox::next_messages(c, conv, extra.len() as i64))?;
    let mut adopted = Vec::with_capacity(extra.len());
    for (i, on_plane) in extra.iter().enumerate() {
        let Some(item) = next.get(i) else { break };
        let body = store.read(|c| outbox::message_body(c, &item.reference))?;
        let same = body.as_ref().is_some_and(|(role, content)| {
            role == &on_plane.role && content.trim() == on_plane.content.trim()
        });
        if !same {
            break;
        }
        adopted.push(item.id);
    }
    if adopted.len() != extra.len() {
        return lost(
            store,
            conv,
            &format!(
                "the plane's copy differs from this computer's after message {}: it was not sent again",
                delivered + adopted.len()
            ),
            now,
        );
    }
    store.write(|tx| {
        for id in &adopted {
            outbox::remove(tx, *id)?;
        }
        remote::add_delivered(tx, conv, adopted.len() as i64)
    })?;
    tracing::info!(conversation = %conv, adopted = adopted.len(), "the plane already had the messages of an unanswered request");
    Ok(())
}

fn lost(store: &Store, conv: &str, note: &str, now: DateTime<Utc>) -> Result<(), SyncError> {
    store.write(|tx| remote::put(tx, conv, None, RemoteState::Lost, Some(note), now))?;
    Ok(())
}
