//! One step of delivery at a time, in the local order. The plane allows one open session per
//! user, so conversations go one after the other: create, its messages and intents in order
//! (one request in flight), close. Every outcome is written to the store before the next step,
//! so a process killed at any moment resumes where the plane really is.

mod creation;

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
        Engine { store, client, plane_user, budget, clock, uncertain }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn client(&self) -> &PlaneClient {
        &self.client
    }

    pub async fn step(&mut self) -> Result<Step, SyncError> {
        if let Some(session) = self.store.read(remote::active)? {
            return match session.state {
                RemoteState::Creating => self.resume_creation(session).await,
                _ => self.advance(session).await,
            };
        }
        self.settle_stranded()?;
        match self.store.read(outbox::next_to_open)? {
            Some(item) => self.create(item, false).await,
            None => Ok(Step::Idle),
        }
    }

    /// The session the plane holds open for us, if any.
    pub fn active(&self) -> Result<Option<RemoteSession>, SyncError> {
        Ok(self.store.read(remote::active)?)
    }

    async fn advance(&mut self, session: RemoteSession) -> Result<Step, SyncError> {
        let conv = session.conversation_id.clone();
        let Some(remote_id) = session.remote_id.clone() else {
            self.store.write(|tx| remote::forget(tx, &conv))?;
            return Ok(Step::Progress);
        };
        let Some(item) = self.store.read(|c| outbox::next_of(c, &conv))? else {
            // Nothing owed. A conversation deleted here must still free the plane's slot.
            if self.store.read(|c| conversations::get_conversation(c, &conv))?.is_none() {
                return self.close(&conv, &remote_id, None).await;
            }
            return Ok(Step::Idle);
        };
        if item.quarantined.is_some() {
            return Ok(Step::Idle);
        }
        match item.kind {
            ItemKind::Open => {
                self.store.write(|tx| outbox::remove(tx, item.id))?;
                Ok(Step::Progress)
            }
            ItemKind::Message => self.send_message(&session, &remote_id, item).await,
            ItemKind::Intent => self.send_intent(&conv, &remote_id, item).await,
            ItemKind::Close => self.close(&conv, &remote_id, Some(item.id)).await,
        }
    }

    async fn send_message(
        &mut self,
        session: &RemoteSession,
        remote_id: &str,
        item: OutboxItem,
    ) -> Result<Step, SyncError> {
        let conv = &session.conversation_id;
        if self.uncertain.contains(conv) {
            let result =
                reconcile::adopt(&self.store, &self.client, session, remote_id, self.clock.now()).await;
            return match result {
                Ok(()) => {
                    self.uncertain.remove(conv);
                    Ok(Step::Progress)
                }
                Err(SyncError::Plane(e)) => self.session_failed(conv, e),
                Err(e) => Err(e),
            };
        }
        let Some((role, content)) = self.store.read(|c| outbox::message_body(c, &item.reference))? else {
            self.store.write(|tx| outbox::remove(tx, item.id))?;
            return Ok(Step::Progress);
        };
        match self.client.post_message(remote_id, &role, &content, &item.key).await {
            Ok(()) => {
                let now = self.clock.now();
                self.store.write(|tx| {
                    outbox::remove(tx, item.id)?;
                    remote::add_delivered(tx, conv, 1)?;
                    remote::set_state(tx, "last_success", Some(&format_utc(now)))
                })?;
                Ok(Step::Progress)
            }
            Err(e) => {
                if e.is_uncertain() {
                    self.uncertain.insert(conv.clone());
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

    fn item_failed(&mut self, conv: &str, item: &OutboxItem, e: PlaneError) -> Result<Step, SyncError> {
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
    fn session_failed(&mut self, conv: &str, e: PlaneError) -> Result<Step, SyncError> {
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
    fn settle_stranded(&self) -> Result<(), SyncError> {
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
