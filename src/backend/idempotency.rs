//! `Idempotency-Key` on the POST routes: the key's syntax, the fingerprint of a request, and the
//! key a request holds while it runs. A keyed request's 2xx answer is recorded by the `Service`
//! method that makes the write, in the same transaction ([`record`]); a retry with the same key
//! and the same request gets that answer instead of a second write.

use super::schemas::SessionConfig;
use super::ApiError;
use crate::store::idempotency::{self as store, IdempotencyError, NewRecord};
use crate::voice::ConversationSetup;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Longest key accepted (a UUID is 36).
pub const MAX_KEY_LEN: usize = 255;

/// A key as the client sent it: 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Reads a header value. The key may be sent bare (`abc`) or as a structured-field string
    /// (`"abc"`, with `\"` and `\\` escapes), as the IETF draft writes it.
    pub fn parse(raw: &[u8]) -> Result<Self, ApiError> {
        let bad = || {
            ApiError::Invalid(format!(
                "Idempotency-Key must be 1 to {MAX_KEY_LEN} printable ASCII characters (a UUID is a good key)"
            ))
        };
        let text = std::str::from_utf8(raw).map_err(|_| bad())?;
        let key = match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(inner) => unquote(inner).ok_or_else(bad)?,
            None => text.to_string(),
        };
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(bad());
        }
        Ok(IdempotencyKey(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn unquote(inner: &str) -> Option<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('"' | '\\')) => out.push(e),
                _ => return None,
            },
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The POST routes that honour a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Session,
    Messages,
    Intents,
}

impl Route {
    /// How the route is recorded with a key, and named in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Session => "POST /api/v1/voice/session",
            Route::Messages => "POST /api/v1/voice/messages",
            Route::Intents => "POST /api/v1/voice/intents",
        }
    }
}

/// The SHA-256 (hex) of the route and the canonical JSON of the parsed body: two requests with
/// the same fields and values have the same fingerprint whatever their key order or spacing.
pub fn fingerprint(route: Route, body: &impl Serialize) -> Result<String, ApiError> {
    let value = serde_json::to_value(body)
        .map_err(|e| ApiError::Invalid(format!("The request body could not be read: {e}")))?;
    let mut text = String::new();
    canonical_json(&value, &mut text);
    let mut h = Sha256::new();
    h.update(route.as_str().as_bytes());
    h.update(b"\n");
    h.update(text.as_bytes());
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// JSON with every object's keys in sorted order and no spacing.
pub fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                canonical_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A keyed request being processed: what its answer is recorded with.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed {
    pub key: IdempotencyKey,
    pub route: Route,
    pub fingerprint: String,
}

/// What is recorded for a created session: its answer without `deepgram_token`, which is a
/// secret and never stored; a replay mints a fresh one.
#[derive(Debug, Serialize)]
pub(super) struct SessionAnswer<'a> {
    session_id: &'a str,
    config: SessionConfig,
}

impl<'a> SessionAnswer<'a> {
    pub(super) fn new(session_id: &'a str, setup: &ConversationSetup) -> Self {
        SessionAnswer { session_id, config: setup.into() }
    }
}

/// Records `body` as the 200 answer of `keyed`, if the request carried a key; call inside the
/// transaction that made the write. `body` must hold no secret: it is stored as it is.
pub(super) fn record(
    tx: &rusqlite::Connection,
    keyed: Option<&Keyed>,
    body: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if keyed.is_none() {
        return Ok(());
    }
    store::purge_expired(tx, now, store::PURGE_BATCH)?;
    record_unpurged(tx, keyed, body, now)
}

/// As [`record`] without deleting expired records: for a transaction that records many answers
/// and purges once for all of them.
pub(super) fn record_unpurged(
    tx: &rusqlite::Connection,
    keyed: Option<&Keyed>,
    body: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some(k) = keyed else { return Ok(()) };
    let body = serde_json::to_string(body)
        .map_err(|e| ApiError::Storage(format!("Could not record the answer: {e}")))?;
    let rec = NewRecord {
        key: k.key.as_str(),
        route: k.route.as_str(),
        fingerprint: &k.fingerprint,
        status: 200,
        body: &body,
    };
    Ok(store::insert(tx, &rec, now)?)
}

impl From<IdempotencyError> for ApiError {
    fn from(e: IdempotencyError) -> Self {
        match e {
            IdempotencyError::Store(e) => e.into(),
            IdempotencyError::Taken => in_flight(),
        }
    }
}

fn in_flight() -> ApiError {
    ApiError::Conflict(
        "A request with this Idempotency-Key is still being processed; retry it later to get its answer"
            .into(),
    )
}

/// The keys of requests being processed in this server, so a concurrent duplicate is refused
/// (409) instead of running twice.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    keys: Arc<Mutex<HashSet<String>>>,
}

/// A key held while its request runs; dropping it (answer sent, failed, or abandoned) frees it.
#[derive(Debug)]
pub struct Claim {
    keyed: Keyed,
    keys: Arc<Mutex<HashSet<String>>>,
}

impl InFlight {
    /// Takes the key for this request, or refuses with 409 if another request holds it.
    pub fn claim(&self, keyed: Keyed) -> Result<Claim, ApiError> {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if !keys.insert(keyed.key.as_str().to_string()) {
            return Err(in_flight());
        }
        Ok(Claim { keyed, keys: self.keys.clone() })
    }
}

impl Claim {
    pub fn keyed(&self) -> &Keyed {
        &self.keyed
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(self.keyed.key.as_str());
    }
}

#[cfg(test)]
#[path = "idempotency_tests.rs"]
mod tests;
