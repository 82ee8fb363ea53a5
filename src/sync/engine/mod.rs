//! One step of delivery at a time, in the local order. The plane allows one open session per
//! user, so conversations go one after the other: create, its messages and intents in order
//! (one request in flight), close. Every outcome is written to the store before the next step,
//! but for a delivered message, whose record is written while the next message is on the wire
//! (`acked`); a process killed at any moment resumes where the plane really is, reconciling the
//! open session's copy first.

mod creation;
mod refusals;

use super::acked::{self, Acked};
use super::client::{PlaneClient, PlaneError};
use super::reconcile;
use super::SyncError;
use crate::backend::schemas::IntentRequest;
use crate::store::outbox::{self, ItemKind, OutboxItem};
use crate::store::remote::{self, RemoteSession, RemoteState};
use crate::store::{conversations, Store};
use crate::time::{format_utc, Clock};
use std::collections::HashSet;
use std::sync::Arc;

/// The plane's limits on session creation (its REST contract: 5 per 10 minutes, 20 per day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub per_10_minutes: u32,
    pub per_day: u32,
}

/// What a step did.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Something was delivered or settled; step again at once.
    Progress,
    /// Nothing can be sent now (nothing owed, a live conversation waits for words, or what is
    /// owed waits for the user: quarantined items, lost sessions).
    Idle,
}

pub struct Engine {
    store: Arc<Store>,
    client: PlaneClient,
    plane_user: String,
    budget: Budget,
    clock: Clock,
    /// Conversations whose last message request had an unknown outcome: before anything else is
    /// sent to them, the plane's copy is read and what it already holds is adopted.
    uncertain: HashSet<String>,
    /// The local record of the last acknowledged message, still being written (see `acked`).
    acked: Option<Acked>,
}

impl Engine {
    pub fn new(
        store: Arc<Store>,
        client: PlaneClient,
        plane_user: String,
        budget: Budget,
        clock: Clock,
    ) -> Self {
        // A previous process may have died with a request in flight: check before sending.
        let uncertain = store
            .read(remote::active)
            .ok()
            .flatten()
            .filter(|s| s.state == RemoteState::Open)
            .map(|s| s.conversation_id)
            .into_iter()
            .collect();
        Engine { store, client, plane_user, budget, clock, uncertain, acked: None }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn client(&self) -> &PlaneClient {
        &self.client
    }

    pub async fn step(&mut self) -> Result<Step, SyncError> {
        // Messages written since the last step join the outbox first, in one batch.
        if self.store.read(outbox::behind_any)? {
            self.store.write(|tx| outbox::catch_up(tx))?;
        }
        if let Some(session) = self.store.read(remote::active)? {
            return match session.state {
                RemoteState::Creating => {
                    self.settle().await?;
                    self.resume_creation(session).await
                }
                _ => self.advance(session).await,
            };
        }
        self.settle().await?;
        self.settle_stranded()?;
        match self.store.read(outbox::next_to_open)? {
            Some(item) => self.create(item, false).await,
            None => Ok(Step::Idle),
        }
    }

    /// Waits for the local record of the last acknowledged message (see `acked`). A record that
    /// could not be written leaves its conversation to be reconciled.
    pub async fn settle(&mut self) -> Result<(), SyncError> {
        let Some(conv) = self.acked.as_ref().map(|a| a.conversation_id.clone()) else { return Ok(()) };
        acked::finish(&mut self.acked).await.inspect_err(|_| {
            self.uncertain.insert(conv);
        })
    }

    /// The session the plane holds open for us, if any.
    pub fn active(&self) -> Result<Option<RemoteSession>, SyncError> {
        Ok(self.store.read(remote::active)?)
    }

    async fn advance(&mut self, session: RemoteSession) -> Result<Step, SyncError> {
        let conv = session.conversation_id.clone();
        let Some(remote_id) = session.remote_id.clone() else {
            self.settle().await?;
            self.store.write(|tx| remote::forget(tx, &conv))?;
            return Ok(Step::Progress);
        };
        // A message whose local record is still being written was delivered: it is passed over.
        // A message's text is read with it: one read per delivered message.
        let after = self.acked.as_ref().filter(|a| a.conversation_id == conv).map(|a| a.item);
        let next = self.store.read(|c| {
            let Some(item) = outbox::next_after(c, &conv, after)? else { return Ok(None) };
            let body = match item.kind {
                ItemKind::Message => outbox::message_body(c, &item.reference)?,
                _ => None,
            };
            Ok(Some((item, body)))
        })?;
        if let Some((item, body)) = next {
            if item.kind == ItemKind::Message && item.quarantined.is_none() {
                return self.send_message(&session, &remote_id, item, body).await;
            }
            self.settle().await?;
            return self.other_item(&session, &remote_id, item, body).await;
        }
        self.settle().await?;
        // Nothing owed. A conversation deleted here must still free the plane's slot.
        if self.store.read(|c| conversations::get_conversation(c, &conv))?.is_none() {
            return self.close(&conv, &remote_id, None).await;
        }
        Ok(Step::Idle)
    }

    /// The next item of the open session when it is not a message ready to send.
    async fn other_item(
        &mut self,
        session: &RemoteSession,
        remote_id: &str,
        item: OutboxItem,
        body: Option<(String, String)>,
    ) -> Result<Step, SyncError> {
        if item.quarantined.is_some() {
            return Ok(Step::Idle);
        }
        let conv = &session.conversation_id;
        match item.kind {
            ItemKind::Open => {
                self.store.write(|tx| outbox::remove(tx, item.id))?;
                Ok(Step::Progress)
            }
            ItemKind::Message => self.send_message(session, remote_id, item, body).await,
            ItemKind::Intent => self.send_intent(conv, remote_id, item).await,
            ItemKind::Close => self.close(conv, remote_id, Some(item.id)).await,
        }
    }

    async fn send_message(
        &mut self,
        session: &RemoteSession,
        remote_id: &str,
        item: OutboxItem,
        // The message's role and text, read with the item; `None` when it was deleted here.
        body: Option<(String, String)>,
    ) -> Result<Step, SyncError> {
        let conv = &session.conversation_id;
        if self.uncertain.contains(conv) {
            // Reconciliation counts from the delivered messages on record: all of them written.
            self.settle().await?;
            let Some(session) = self.store.read(|c| remote::get(c, conv))? else {
                return Ok(Step::Progress);
            };
            let result =
                reconcile::adopt(&self.store, &self.client, &session, remote_id, self.clock.now()).await;
            return match result {
                Ok(()) => {
                    self.uncertain.remove(conv);
                    Ok(Step::Progress)
                }
                Err(SyncError::Plane(e)) => self.session_failed(conv, e),
                Err(e) => Err(e),
            };
        }
        let Some((role, content)) = body else {
            self.store.write(|tx| outbox::remove(tx, item.id))?;
            return Ok(Step::Progress);
        };
        // Unknown until the answer is in: a caller that gives up mid-request (this future
        // dropped, the request perhaps already applied) leaves the conversation marked, and it
        // is reconciled before anything more is sent to it.
        self.uncertain.insert(conv.clone());
        // The previous message's local record is written while this one is on the wire.
        let (posted, recorded) = tokio::join!(
            self.client.post_message(remote_id, &role, &content, &item.key),
            acked::finish(&mut self.acked)
        );
        recorded?;
        match posted {
            Ok(()) => {
                self.uncertain.remove(conv);
                self.acked = Some(Acked::start(self.store.clone(), conv, item.id, self.clock.now()));
                Ok(Step::Progress)
            }
            Err(e) => {
                if !e.is_uncertain() {
                    self.uncertain.remove(conv);
                }
                self.item_failed(conv, &item, e)
            }
        }
    }

    async fn send_intent(
        &mut self,
        conv: &str,
        remote_id: &str,
        item: OutboxItem,
    ) -> Result<Step, SyncError> {
        let Some((name, arguments)) = self.store.read(|c| outbox::call_body(c, &item.reference))? else {
            self.store.write(|tx| outbox::remove(tx, item.id))?;
            return Ok(Step::Progress);
        };
        let input = serde_json::from_str(&arguments).unwrap_or(serde_json::Value::String(arguments));
        let req = IntentRequest {
            session_id: remote_id.to_string(),
            function_call_id: item.reference.clone(),
            function_name: name,
            input,
        };
        // An unknown outcome is retried with the same key and the same call id: the plane runs a
        // call id once, so a retry cannot apply it twice.
        match self.client.post_intent(&req, &item.key).await {
            Ok(()) => {
                let now = self.clock.now();
                self.store.write(|tx| {
                    outbox::remove(tx, item.id)?;
                    remote::set_state(tx, "last_success", Some(&format_utc(now)))
                })?;
                Ok(Step::Progress)
            }
            Err(e) => self.item_failed(conv, &item, e),
        }
    }

    async fn close(&mut self, conv: &str, remote_id: &str, item: Option<i64>) -> Result<Step, SyncError> {
        let detail = match self.client.close_session(remote_id).await {
            Ok(()) => None,
            // Already closed, or unknown to the plane: either way nothing is left to close.
            Err(PlaneError::Gone { status, detail }) => {
                Some(format!("the plane answered {status}: {detail}"))
            }
            Err(e) => return Err(e.into()),
        };
        let now = self.clock.now();
        self.store.write(|tx| {
            if let Some(id) = item {
                outbox::remove(tx, id)?;
            }
            remote::put(tx, conv, None, RemoteState::Closed, detail.as_deref(), now)?;
            remote::set_state(tx, "last_success", Some(&format_utc(now)))
        })?;
        Ok(Step::Progress)
    }
}
