//! The HTTP side of `Idempotency-Key`: reading the header, holding the key while its request
//! runs, and answering a retry from the recorded answer (marked `Idempotent-Replayed: true`).

use super::http::blocking;
use super::idempotency::{fingerprint, Claim, IdempotencyKey, InFlight, Keyed, Route};
use super::{ApiError, Service};
use crate::store::idempotency::{self as store, Recorded};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The keys of one server: those in flight, and the routes told to ignore them.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    in_flight: InFlight,
    ignored: Arc<[Route]>,
}

/// What a POST does next: run (holding its key, if it sent one), or answer from the record.
pub enum Begin {
    Run(Option<Claim>),
    Answer(Response),
}

impl Keys {
    /// `ignored` routes behave as a plane that does not implement the header (for tests of
    /// clients that must cope with one).
    pub fn new(ignored: Vec<Route>) -> Self {
        Keys { in_flight: InFlight::default(), ignored: ignored.into() }
    }

    /// Without a key the request runs as it always did. With one: a request already answered
    /// gets the recorded answer; the same key on another request is refused (422), as is a
    /// duplicate of one still running (409); otherwise the request runs holding the key.
    pub async fn begin(
        &self,
        service: &Service,
        route: Route,
        headers: &HeaderMap,
        body: &impl Serialize,
    ) -> Result<Begin, ApiError> {
        let Some(claim) = self.claim(route, headers, body)? else { return Ok(Begin::Run(None)) };
        let (svc, key) = (service.clone(), claim.keyed().key.clone());
        let found = blocking(move || Ok(svc.store().read(|c| store::find(c, key.as_str()))?)).await?;
        let Some(rec) = found else { return Ok(Begin::Run(Some(claim))) };
        let keyed = claim.keyed().clone();
        drop(claim);
        Ok(Begin::Answer(answer_recorded(service, &keyed, rec).await?))
    }

    /// The key of this request, held until the claim is dropped: `None` without a key (or on a
    /// route told to ignore keys); 422 for a malformed key, 409 while another request holds it.
    /// Whether the key was answered before is for the caller to look up.
    pub fn claim(
        &self,
        route: Route,
        headers: &HeaderMap,
        body: &impl Serialize,
    ) -> Result<Option<Claim>, ApiError> {
        let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
        let Some(raw) = values.next() else { return Ok(None) };
        if self.ignored.contains(&route) {
            return Ok(None);
        }
        if values.next().is_some() {
            return Err(ApiError::Invalid("Send one Idempotency-Key header, not several".into()));
        }
        let key = IdempotencyKey::parse(raw.as_bytes())?;
        let fingerprint = fingerprint(route, body)?;
        Ok(Some(self.in_flight.claim(Keyed { key, route, fingerprint })?))
    }
}

/// The answer for a request whose key was recorded: the recorded answer if it is the same
/// request, else 422 (the key was used for another one).
pub async fn answer_recorded(service: &Service, keyed: &Keyed, rec: Recorded) -> Result<Response, ApiError> {
    if rec.route != keyed.route.as_str() || rec.fingerprint != keyed.fingerprint {
        return Err(ApiError::Invalid(format!(
            "This Idempotency-Key was already used for a different request ({}); send a new key \
             with a new request",
            rec.route
        )));
    }
    replay(service, keyed.route, rec).await
}

/// The recorded answer again. A session's answer was stored without its Deepgram token (a
/// secret), so a fresh one is minted into it; if that fails, the error is the answer and the
/// client may retry.
async fn replay(service: &Service, route: Route, rec: Recorded) -> Result<Response, ApiError> {
    let corrupt = || ApiError::Storage("The recorded answer for this Idempotency-Key is unreadable".into());
    let body = match route {
        Route::Session => {
            let mut answer = match serde_json::from_str::<Value>(&rec.body) {
                Ok(Value::Object(map)) => map,
                _ => return Err(corrupt()),
            };
            let token = service.mint_token().await?;
            answer.insert("deepgram_token".into(), Value::String(token.expose().to_string()));
            Value::Object(answer).to_string()
        }
        Route::Messages | Route::Intents => rec.body,
    };
    let status = StatusCode::from_u16(rec.status).map_err(|_| corrupt())?;
    tracing::debug!(route = route.as_str(), "answered a retry from its idempotency record");
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    Ok(r)
}
