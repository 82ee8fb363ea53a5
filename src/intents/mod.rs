//! Function calls from the agent, executed locally against the store. Every call is checked
//! first (schema, then meaning); a bad one changes nothing and answers with a sentence the agent
//! can say. Each call id runs at most once: a repeat returns the first result.

mod handlers;
pub mod matching;
mod plans;
mod undo;
pub mod when;

use crate::config::catalog::Catalog;
use crate::store::calls::{self, FunctionCallRow};
use crate::store::{CallStatus, Store, StoreError, UserRow};
use crate::time::Clock;
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;

pub use undo::{cancel, CancelOutcome, Effect, UndoError};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntentOutcome {
    pub function_call_id: String,
    pub name: String,
    /// What the agent says back (`FunctionCallResponse.content`).
    pub result: String,
    pub status: CallStatus,
    /// True when this call id had already run and its first result was returned.
    pub replayed: bool,
}

pub struct IntentCall<'a> {
    pub call_id: &'a str,
    pub conversation_id: Option<&'a str>,
    pub name: &'a str,
    /// An object, or (as Deepgram sends it) a string holding a JSON object.
    pub arguments: &'a Value,
}

/// Who the intents act for, and in which timezone their times are read.
pub struct Actor<'a> {
    pub user: &'a UserRow,
    pub tz: Tz,
    pub clock: &'a Clock,
}

impl Actor<'_> {
    /// Stored users have a valid timezone (`users::get_user` refuses a row without one) and the
    /// settings are validated, so the UTC fallback serves only rows built by hand.
    pub fn tz_of(user: &UserRow) -> Tz {
        user.timezone.parse().unwrap_or(Tz::UTC)
    }
}

pub fn execute(
    store: &Store,
    catalog: &Catalog,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
) -> Result<IntentOutcome, StoreError> {
    execute_then(store, catalog, actor, call, |_, _| Ok(()))
}

/// As [`execute`], then `then` with the outcome in the same transaction, before it commits: a
/// caller's own record of the call (an idempotency key) lands with the call's record or not at
/// all. An error from `then` rolls the call back.
pub fn execute_then<E: From<StoreError>>(
    store: &Store,
    catalog: &Catalog,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
    then: impl FnOnce(&rusqlite::Connection, &IntentOutcome) -> Result<(), E>,
) -> Result<IntentOutcome, E> {
    let now = actor.clock.now();
    store.write(|tx| {
        let out = run_once(tx, catalog, actor, call, now)?;
        then(tx, &out)?;
        Ok(out)
    })
}

/// Each call id runs at most once: a repeat finds the call's row and returns its first result.
fn run_once(
    tx: &rusqlite::Connection,
    catalog: &Catalog,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
    now: DateTime<chrono::Utc>,
) -> Result<IntentOutcome, StoreError> {
    if let Some(prev) = calls::get_call(tx, call.call_id)? {
        let result = if prev.status == CallStatus::Cancelled {
            "That request was cancelled, so nothing was changed.".to_string()
        } else {
            prev.result
        };
        return Ok(outcome(call, result, prev.status, true));
    }
    let (status, result, effect) = match run(tx, catalog, actor, call, now) {
        Ok((result, effect)) => (CallStatus::Executed, result, Some(effect)),
        Err(Refusal::Said(why)) => (CallStatus::Failed, why, None),
        Err(Refusal::Store(e)) => return Err(e),
    };
    let row = FunctionCallRow {
        id: call.call_id.to_string(),
        conversation_id: call.conversation_id.map(str::to_string),
        name: call.name.to_string(),
        arguments: args_text(call.arguments),
        status,
        result: result.clone(),
        effect: effect.map(|e| serde_json::to_string(&e).unwrap_or_default()),
        created_at: String::new(),
    };
    calls::insert_call(tx, &row, now)?;
    Ok(outcome(call, result, status, false))
}

pub(crate) enum Refusal {
    Said(String),
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

fn run(
    tx: &rusqlite::Connection,
    catalog: &Catalog,
    actor: &Actor<'_>,
    call: &IntentCall<'_>,
    now: DateTime<chrono::Utc>,
) -> Result<(String, Effect), Refusal> {
    let spec = catalog.get(call.name).ok_or_else(|| {
        let known: Vec<&str> = catalog.intents.iter().map(|i| i.name.as_str()).collect();
        Refusal::Said(format!("I don't have a function called {}; I have {}.", call.name, known.join(", ")))
    })?;
    let parsed;
    let args = match call.arguments {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|_| {
                Refusal::Said(format!("The arguments for {} were not valid JSON.", call.name))
            })?;
            &parsed
        }
        other => other,
    };
    let args = spec.check_args(args).map_err(Refusal::Said)?;
    handlers::dispatch(tx, spec.kind, actor, call, &args, now)
}

fn outcome(call: &IntentCall<'_>, result: String, status: CallStatus, replayed: bool) -> IntentOutcome {
    IntentOutcome {
        function_call_id: call.call_id.to_string(),
        name: call.name.to_string(),
        result,
        status,
        replayed,
    }
}

fn args_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
