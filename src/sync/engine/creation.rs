//! Creating sessions on the plane: the next conversation of the backlog, a live one in hosted
//! mode, and the retry of a creation whose answer was lost; all within the plane's budget.

use super::{Engine, Step};
use crate::backend::schemas::SessionCreated;
use crate::store::conversations;
use crate::store::outbox::{self, ItemKind, OutboxItem};
use crate::store::remote::{self, RemoteSession, RemoteState};
use crate::sync::client::PlaneError;
use crate::sync::SyncError;
use crate::time::{format_utc, parse_utc};
use chrono::{DateTime, Duration, Utc};

impl Engine {
    /// Creates a session for a live conversation that is about to start here (hosted mode),
    /// within the same budget; the caller records it with `adopt_live`.
    pub async fn create_live(&mut self, key: &str) -> Result<SessionCreated, SyncError> {
        self.settle().await?;
        self.check_budget()?;
        let created = self.client.create_session(&self.plane_user, key).await?;
        let now = self.clock.now();
        self.store.write(|tx| {
            remote::record_creation(tx, now)?;
            remote::set_state(tx, "last_success", Some(&format_utc(now)))
        })?;
        Ok(created)
    }

    pub(super) async fn resume_creation(&mut self, session: RemoteSession) -> Result<Step, SyncError> {
        match self.store.read(|c| outbox::next_of(c, &session.conversation_id))? {
            Some(item) if item.kind == ItemKind::Open => self.create(item, true).await,
            // The creation's item is gone (the conversation was deleted here): nothing to finish.
            _ => {
                self.store.write(|tx| remote::forget(tx, &session.conversation_id))?;
                Ok(Step::Progress)
            }
        }
    }

    pub(super) async fn create(&mut self, item: OutboxItem, retrying: bool) -> Result<Step, SyncError> {
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
