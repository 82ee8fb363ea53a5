//! The in-process control plane. The desktop shell and the CLI call it directly; the HTTP
//! server is a thin layer over it. Store work is synchronous (SQLite, one writer); only token
//! minting talks to the network.

use super::checks::{check_user_id, closed, local_user_row, require_open};
use super::idempotency::{self, Keyed, SessionAnswer};
use super::schemas::*;
use super::setup::conversation_setup;
use super::token::{KeySource, KeyUnreadable, MintError, TokenMinter};
use super::{limits, ApiError};
use crate::config::catalog::Catalog;
use crate::config::secret::Secret;
use crate::config::Settings;
use crate::intents::{self, Actor, CancelOutcome, IntentCall};
use crate::store::{conversations, remote, users, ConversationStatus, Store, UserRow};
use crate::time::Clock;
use crate::voice::ConversationSetup;
use std::sync::{Arc, RwLock};

/// Largest message the API stores; a spoken turn is far smaller.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;

/// Longest user id, in characters (as JSON Schema's `maxLength` counts them).
pub const MAX_USER_ID_CHARS: usize = 128;

/// A created conversation: its id, the agent token minted for it, and what it starts with.
#[derive(Debug, Clone)]
pub struct ConversationStart {
    pub session_id: String,
    pub token: Secret,
    pub setup: ConversationSetup,
}

pub struct ServiceParts {
    pub store: Arc<Store>,
    pub settings: Settings,
    pub catalog: Catalog,
    pub prompt_template: String,
    pub key: KeySource,
    pub clock: Clock,
}

#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<Store>,
    settings: RwLock<Settings>,
    catalog: Catalog,
    template: RwLock<String>,
    minter: TokenMinter,
    clock: Clock,
}

impl Service {
    pub fn new(p: ServiceParts) -> Self {
        Service {
            inner: Arc::new(Inner {
                store: p.store,
                settings: RwLock::new(p.settings),
                catalog: p.catalog,
                template: RwLock::new(p.prompt_template),
                minter: TokenMinter::new(p.key),
                clock: p.clock,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn shared_store(&self) -> Arc<Store> {
        self.inner.store.clone()
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub fn settings(&self) -> Settings {
        self.inner.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_settings(&self, s: Settings) {
        *self.inner.settings.write().unwrap_or_else(|p| p.into_inner()) = s;
    }

    pub fn set_prompt_template(&self, t: String) {
        *self.inner.template.write().unwrap_or_else(|p| p.into_inner()) = t;
    }

    /// False only when no key is saved. A key store that cannot be read is not "no key": the
    /// start goes on to the mint, which fails saying why (see `key_status` to learn it sooner).
    pub fn has_key(&self) -> bool {
        !matches!(self.inner.minter.key_status(), Ok(false))
    }

    /// Whether a key is saved, or why the place it is kept could not be read.
    pub fn key_status(&self) -> Result<bool, KeyUnreadable> {
        self.inner.minter.key_status()
    }

    /// A conversation's start: rate limits, a short-lived Deepgram token, then the conversation
    /// and what it starts with (prompt with the user's context, functions, models, greeting).
    /// A failed mint leaves no conversation behind.
    pub async fn start_conversation(
        &self,
        user_id: &str,
        key: Option<&Keyed>,
    ) -> Result<ConversationStart, ApiError> {
        let user_id = check_user_id(user_id)?;
        let settings = self.settings();
        let now = self.inner.clock.now();
        self.inner.store.read(|c| Ok(limits::check(c, &settings.limits, &user_id, now)))??;
        let token = self.mint_token().await?;
        let (session_id, setup) = self.open_conversation(&user_id, key)?;
        Ok(ConversationStart { session_id, token, setup })
    }

    /// Creates a conversation (rate limits, the record, what it starts with) without a Deepgram
    /// token: for providers that get their own credentials. A keyed request's answer (without
    /// any token) is recorded with the conversation.
    pub fn open_conversation(
        &self,
        user_id: &str,
        key: Option<&Keyed>,
    ) -> Result<(String, ConversationSetup), ApiError> {
        self.open_conversation_as(user_id, key, None)
    }

    /// As `open_conversation`; with `hosted`, the conversation already has a session on the
    /// hosted plane under that id (hosted mode): the record takes the id, and the sync owes the
    /// plane no creation for it.
    pub fn open_conversation_as(
        &self,
        user_id: &str,
        key: Option<&Keyed>,
        hosted: Option<&str>,
    ) -> Result<(String, ConversationSetup), ApiError> {
        let user_id = check_user_id(user_id)?;
        let settings = self.settings();
        let now = self.inner.clock.now();
        let session_id = hosted.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        let template = self.inner.template.read().unwrap_or_else(|p| p.into_inner()).clone();
        let setup = self.inner.store.write(|tx| {
            limits::check(tx, &settings.limits, &user_id, now)?;
            let user = if user_id == settings.user.id {
                local_user_row(tx, &settings, now)?
            } else {
                users::ensure_user(tx, &user_id, "", &settings.user.timezone, now)?
            };
            conversations::insert_conversation(tx, &session_id, &user_id, now)?;
            if hosted.is_some() {
                remote::adopt_created(tx, &session_id, now)?;
            }
            let setup = conversation_setup(tx, &settings, &self.inner.catalog, &template, &user, now)?;
            idempotency::record(tx, key, &SessionAnswer::new(&session_id, &setup), now)?;
            Ok::<_, ApiError>(setup)
        })?;
        tracing::info!(session_id, user_id, "session created");
        Ok((session_id, setup))
    }

    /// A fresh short-lived token (reconnects need one: the first may have expired).
    pub async fn mint_token(&self) -> Result<Secret, ApiError> {
        let s = self.settings();
        self.inner.minter.mint(&s.deepgram.api_url, s.deepgram.token_ttl_seconds).await.map_err(|e| match e {
            MintError::NoKey => ApiError::KeyMissing(e.to_string()),
            MintError::KeyUnreadable(_) => {
                ApiError::KeyUnreadable(format!("Could not get a Deepgram token: {e}"))
            }
            MintError::Refused(_) => ApiError::KeyRefused(format!("Could not get a Deepgram token: {e}")),
            other => ApiError::Upstream(format!("Could not get a Deepgram token: {other}")),
        })
    }

    /// Runs a function call as a local intent. A call the intent refuses still answers 200:
    /// its `result` tells the agent what went wrong, so it can say so. A keyed request's answer is
    /// recorded with the call.
    pub fn run_intent(&self, req: &IntentRequest, key: Option<&Keyed>) -> Result<IntentResponse, ApiError> {
        if req.function_call_id.trim().is_empty() || req.function_name.trim().is_empty() {
            return Err(ApiError::Invalid("function_call_id and function_name must not be empty".into()));
        }
        if !(req.input.is_object() || req.input.is_string()) {
            return Err(ApiError::Invalid("input must be an object of arguments".into()));
        }
        let conv = self.conversation(&req.session_id)?;
        if conv.status != ConversationStatus::Open {
            return Err(closed(&req.session_id, conv.status));
        }
        let user = self.user(&conv.user_id)?;
        let actor = Actor { user: &user, tz: Actor::tz_of(&user), clock: &self.inner.clock };
        let call = IntentCall {
            call_id: &req.function_call_id,
            conversation_id: Some(&req.session_id),
            name: &req.function_name,
            arguments: &req.input,
        };
        let now = self.inner.clock.now();
        let out = intents::execute_then(&self.inner.store, &self.inner.catalog, &actor, &call, |tx, o| {
            idempotency::record(tx, key, &IntentResponse::from(o), now)
        })?;
        Ok(IntentResponse::from(&out))
    }

    /// The agent withdrew a call, or the user pressed undo: its effect is reverted.
    pub fn cancel_intent(
        &self,
        session_id: &str,
        call_id: &str,
        name: &str,
    ) -> Result<CancelOutcome, ApiError> {
        self.conversation(session_id)?;
        Ok(intents::cancel(&self.inner.store, call_id, Some(session_id), name, &self.inner.clock)?)
    }

    pub fn close_session(&self, session_id: &str) -> Result<SessionClosed, ApiError> {
        self.end(session_id, ConversationStatus::Closed, None)
    }

    /// The conversation could not go on (agent gone, retries exhausted); the reason is kept.
    pub fn mark_interrupted(&self, session_id: &str, reason: &str) -> Result<SessionClosed, ApiError> {
        self.end(session_id, ConversationStatus::Interrupted, Some(reason))
    }

    fn end(
        &self,
        id: &str,
        status: ConversationStatus,
        reason: Option<&str>,
    ) -> Result<SessionClosed, ApiError> {
        let now = self.inner.clock.now();
        let count = self.inner.store.write(|tx| {
            let conv = require_open(tx, id)?;
            conversations::end_conversation(tx, id, status, reason, now)?;
            Ok::<_, ApiError>(conv.message_count)
        })?;
        Ok(SessionClosed { session_id: id.to_string(), status: status.as_str().into(), message_count: count })
    }

    pub(super) fn conversation(&self, id: &str) -> Result<conversations::ConversationRow, ApiError> {
        self.inner
            .store
            .read(|c| conversations::get_conversation(c, id))?
            .ok_or_else(|| ApiError::unknown_session(id))
    }

    pub(super) fn user(&self, id: &str) -> Result<UserRow, ApiError> {
        let s = self.settings();
        Ok(self.inner.store.read(|c| users::get_user(c, id))?.unwrap_or(UserRow {
            id: id.to_string(),
            display_name: String::new(),
            timezone: s.user.timezone,
        }))
    }
}
