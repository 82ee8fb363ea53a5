//! One step of delivery at a time, in the local order. The plane allows one open session per
//! user, so conversations go one after the other: create, its messages and intents in order
//! (one request in flight), close. Every outcome is written to the store before the next step,
//! so a process killed at any moment resumes where the plane really is.

use super::client::{PlaneClient, PlaneError};
use super::reconcile;
use super::SyncError;
use crate::backend::schemas::{IntentRequest, SessionCreated};
use crate::store::outbox::{self, ItemKind, OutboxItem};
use crate::store::remote::{self, RemoteSession, RemoteState};
use crate::store::{conversations, Store};
use crate::time::{format_utc, parse_utc, Clock};
use chrono::{DateTime, Duration, Utc};
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

    /// Creates a session for a live conversation that is about to start here (hosted mode),
    /// within the same budget; the caller records it with `adopt_live`.
    pub async fn create_live(&mut self, key: &str) -> Result<SessionCreated, SyncError> {
        self.check_budget()?;
        let created = self.client.create_session(&self.plane_user, key).await?;
        let now = self.clock.now();
        self.store.write(|tx| {
            remote::record_creation(tx, now)?;
            remote::set_state(tx, "last_success", Some(&format_utc(now)))
        })?;
        Ok(created)
    }

    async fn resume_creation(&mut self, session: RemoteSession) -> Result<Step, SyncError> {
        match self.store.read(|c| outbox::next_of(c, &session.conversation_id))? {
            Some(item) if item.kind == ItemKind::Open => self.create(item, true).await,
            // The creation's item is gone (the conversation was deleted here): nothing to finish.
            _ => {
                self.store.write(|tx| remote::forget(tx, &session.conversation_id))?;
                Ok(Step::Progress)
            }
        }
    }

    async fn create(&mut self, item: OutboxItem, retrying: bool) -> Result<Step, SyncError> {
        let conv = item.conversation_id.clone();
        if self.store.read(|c| conversations::get_conversation(c, &conv))?.is_none() {
            self.store.write(|tx| {
                outbox::remove_conversation(tx, &conv)?;
                remote::forget(tx, &conv)
            })?;
            return Ok(Step::Progress);
        }
        let now = self.clock.now();
        // Counted before the first attempt: one whose answer is lost may have used the plane's
        // budget. One that certainly did not reach the plane is taken back below. A retry of an
        // unanswered creation was counted already.
        let attempt = if retrying {
            None
        } else {
            self.check_budget()?;
            Some(self.store.write(|tx| {
                remote::put(tx, &conv, None, RemoteState::Creating, None, now)?;
                remote::record_creation(tx, now)
            })?)
        };
        let outcome = self.client.create_session(&self.plane_user, &item.key).await;
        let now = self.clock.now();
        match outcome {
            Ok(created) => {
                self.store.write(|tx| {
                    remote::put(tx, &conv, Some(&created.session_id), RemoteState::Open, None, now)?;
                    outbox::remove(tx, item.id)?;
                    remote::set_state(tx, "orphan", None)?;
                    remote::set_state(tx, "last_success", Some(&format_utc(now)))
                })?;
                Ok(Step::Progress)
            }
            Err(PlaneError::Busy { status: 429, retry_after, detail }) if retrying => {
                // The lost answer of the first attempt may have opened a session this computer
                // cannot name, on a plane that ignored the Idempotency-Key. Report it, wait long.
                let note = format!(
                    "an earlier attempt to create a session may have opened one on the plane that \
                     this computer cannot name (the answer was lost); it blocks new sessions until \
                     it is closed there or expires. The plane says: {detail}"
                );
                self.store.write(|tx| remote::set_state(tx, "orphan", Some(&note)))?;
                Err(SyncError::Plane(PlaneError::Busy {
                    status: 429,
                    retry_after: Some(retry_after.unwrap_or(60).max(60)),
                    detail,
                }))
            }
            // Still unknown whether the first attempt opened a session: keep asking with its key.
            Err(e) if e.is_uncertain() || retrying => Err(e.into()),
            Err(PlaneError::Rejected { status, detail }) => {
                let reason = format!("the plane refused to create its session ({status}): {detail}");
                self.store.write(|tx| {
                    remote::forget(tx, &conv)?;
                    if let Some(id) = attempt {
                        remote::unrecord_creation(tx, id)?;
                    }
                    outbox::quarantine(tx, item.id, &reason, now)
                })?;
                Ok(Step::Progress)
            }
            Err(e) => {
                // Not applied (busy, offline, refused token): no session exists for it.
                self.store.write(|tx| {
                    remote::forget(tx, &conv)?;
                    match attempt {
                        Some(id) => remote::unrecord_creation(tx, id),
                        None => Ok(()),
                    }
                })?;
                Err(e.into())
            }
        }
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

    fn check_budget(&self) -> Result<(), SyncError> {
        let now = self.clock.now();
        let windows =
            [(Duration::minutes(10), self.budget.per_10_minutes), (Duration::days(1), self.budget.per_day)];
        for (span, max) in windows {
            let (count, oldest) = self.store.read(|c| remote::creations_since(c, now - span))?;
            if count >= i64::from(max) {
                let oldest = oldest.as_deref().and_then(parse_utc).unwrap_or(now);
                let until: DateTime<Utc> = oldest + span;
                return Err(SyncError::Budget {
                    until,
                    max,
                    per: if span == Duration::days(1) { "day" } else { "10 minutes" },
                });
            }
        }
        Ok(())
    }
}
