//! The hosted plane's five routes, as its REST contract defines them, with every answer sorted
//! into what the worker can do about it: sent or not, known or unknown outcome, wait, sign in
//! again, or give up on one item. Nothing here retries; the worker decides.

use crate::backend::schemas::{
    CreateSessionRequest, IntentRequest, SaveMessageRequest, SessionCreated, SessionMessages,
};
use crate::config::secret::Secret;
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// Where the bearer token comes from, asked on every request so a fixed token is used at once.
pub trait TokenSource: Send + Sync {
    /// `Ok(None)`: no token is configured. `Err`: where it is kept could not be read.
    fn token(&self) -> Result<Option<Secret>, String>;
}

/// A token known up front (the environment, a test).
pub struct FixedToken(pub Option<Secret>);

impl TokenSource for FixedToken {
    fn token(&self) -> Result<Option<Secret>, String> {
        Ok(self.0.clone())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaneError {
    /// The request never reached the plane (connection refused, DNS): safe to send again.
    #[error("cannot reach the hosted plane at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    /// The request may or may not have been applied (500/502/504).
    #[error("the hosted plane gave no clear answer ({detail}); the request may or may not have been saved")]
    Unknown { detail: String },
    /// The connection broke or timed out after the request may have been sent.
    #[error(
        "the connection to the hosted plane broke ({detail}); the request may or may not have been saved"
    )]
    Dropped { detail: String },
    /// 429 or 503: not applied; try again after `retry_after` seconds when given.
    #[error("the hosted plane asked to wait ({status}): {detail}")]
    Busy { status: u16, retry_after: Option<u64>, detail: String },
    /// 401/403: the token is missing, wrong or expired.
    #[error("the hosted plane refused the sync token ({status}): {detail}")]
    Auth { status: u16, detail: String },
    /// 404/409 on a session: the plane does not know it, or it was closed there.
    #[error("the hosted plane no longer accepts this session ({status}): {detail}")]
    Gone { status: u16, detail: String },
    /// Another 4xx: this request will never be accepted as it is.
    #[error("the hosted plane refused the request ({status}): {detail}")]
    Rejected { status: u16, detail: String },
    /// The answer is not the plane's API (HTML, JSON of another shape, a route it lacks).
    #[error("{url} does not answer like a Flux control plane ({detail}); check the sync URL")]
    NotAPlane { url: String, detail: String },
    #[error("no sync token is set: set COMPANION_SYNC_TOKEN, or save one in the app's Sync settings")]
    NoToken,
    #[error("the sync token could not be read ({0}): set COMPANION_SYNC_TOKEN, or save it in the app's Sync settings")]
    TokenUnreadable(String),
}

impl PlaneError {
    /// Whether the plane may have applied the request although no success came back.
    pub fn is_uncertain(&self) -> bool {
        matches!(self, PlaneError::Unknown { .. } | PlaneError::Dropped { .. } | PlaneError::NotAPlane { .. })
    }
}

#[derive(Clone)]
pub struct PlaneClient {
    base: String,
    http: reqwest::Client,
    token: Arc<dyn TokenSource>,
}

impl PlaneClient {
    pub fn new(base_url: &str, token: Arc<dyn TokenSource>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .pool_idle_timeout(Duration::from_secs(50))
            .build()
            .unwrap_or_default();
        PlaneClient { base: base_url.trim_end_matches('/').to_string(), http, token }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn create_session(&self, user_id: &str, key: &str) -> Result<SessionCreated, PlaneError> {
        let body = CreateSessionRequest { user_id: user_id.to_string() };
        let created: SessionCreated =
            self.send(reqwest::Method::POST, "/api/v1/voice/session", Some(&body), Some(key)).await?;
        if created.session_id.trim().is_empty() {
            return Err(self.not_a_plane("its new session has no session_id"));
        }
        Ok(created)
    }

    pub async fn post_message(
        &self,
        session: &str,
        role: &str,
        content: &str,
        key: &str,
    ) -> Result<(), PlaneError> {
        let body = SaveMessageRequest {
            session_id: session.to_string(),
            role: role.to_string(),
            content: content.to_string(),
        };
        let _: serde_json::Value =
            self.send(reqwest::Method::POST, "/api/v1/voice/messages", Some(&body), Some(key)).await?;
        Ok(())
    }

    pub async fn post_intent(&self, req: &IntentRequest, key: &str) -> Result<(), PlaneError> {
        let _: serde_json::Value =
            self.send(reqwest::Method::POST, "/api/v1/voice/intents", Some(req), Some(key)).await?;
        Ok(())
    }

    pub async fn messages(&self, session: &str) -> Result<SessionMessages, PlaneError> {
        let path = format!("/api/v1/voice/sessions/{}/messages", segment(session));
        self.send::<(), _>(reqwest::Method::GET, &path, None, None).await
    }

    pub async fn close_session(&self, session: &str) -> Result<(), PlaneError> {
        let path = format!("/api/v1/voice/session/{}", segment(session));
        let _: serde_json::Value = self.send::<(), _>(reqwest::Method::DELETE, &path, None, None).await?;
        Ok(())
    }

    fn not_a_plane(&self, detail: &str) -> PlaneError {
        PlaneError::NotAPlane { url: self.base.clone(), detail: detail.to_string() }
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        key: Option<&str>,
    ) -> Result<T, PlaneError> {
        let token = self.token.token().map_err(PlaneError::TokenUnreadable)?.ok_or(PlaneError::NoToken)?;
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let resp = req.send().await.map_err(|e| self.transport(&e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text =
            resp.text().await.map_err(|e| PlaneError::Unknown { detail: scrub(&e.to_string(), &token) })?;
        let detail = || scrub(&detail_of(&text, &headers), &token);
        match status {
            200..=299 => {
                if !is_json(&headers) {
                    return Err(
                        self.not_a_plane(&format!("it answered {status} with {}", content_type(&headers)))
                    );
                }
                serde_json::from_str(&text)
                    .map_err(|e| self.not_a_plane(&format!("its answer is not the API's JSON: {e}")))
            }
            401 | 403 => Err(PlaneError::Auth { status, detail: detail() }),
            429 | 503 => {
                Err(PlaneError::Busy { status, retry_after: retry_after(&headers), detail: detail() })
            }
            404 | 405
                if !is_json(&headers) || detail() == "Not Found" || detail() == "Method Not Allowed" =>
            {
                Err(self.not_a_plane(&format!("{path} answered {status}")))
            }
            404 | 409 => Err(PlaneError::Gone { status, detail: detail() }),
            400..=499 => Err(PlaneError::Rejected { status, detail: detail() }),
            _ => Err(PlaneError::Unknown { detail: format!("{status}: {}", detail()) }),
        }
    }

    fn transport(&self, e: &reqwest::Error) -> PlaneError {
        // reqwest puts the URL in its messages (never the token: it is a header); the chain of
        // sources says what actually failed.
        let mut detail = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            detail = format!("{detail}: {s}");
            src = s.source();
        }
        if e.is_connect() {
            PlaneError::Unreachable { url: self.base.clone(), detail }
        } else if e.is_builder() {
            self.not_a_plane(&format!("the URL cannot be used: {detail}"))
        } else {
            PlaneError::Dropped { detail }
        }
    }
}

/// Session ids come from the plane; an id with a slash must not reach another route.
fn segment(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.~".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32 & 0xff)
            }
        })
        .collect()
}

fn is_json(h: &HeaderMap) -> bool {
    content_type(h).starts_with("application/json") || content_type(h).contains("+json")
}

fn content_type(h: &HeaderMap) -> String {
    h.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type").to_ascii_lowercase()
}

fn retry_after(h: &HeaderMap) -> Option<u64> {
    h.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

/// The plane's `{"detail"}` (a string, or FastAPI's list of validation errors), else the start
/// of whatever it sent.
fn detail_of(text: &str, h: &HeaderMap) -> String {
    if is_json(h) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            match v.get("detail") {
                Some(serde_json::Value::String(s)) => return clip(s),
                Some(other) => return clip(&other.to_string()),
                None => {}
            }
        }
    }
    format!("{} body: {}", content_type(h), clip(text.trim()))
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A plane that echoes the Authorization header must not put the token into our status.
fn scrub(text: &str, token: &Secret) -> String {
    text.replace(token.expose(), "***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_stay_one_path_segment() {
        assert_eq!(segment("ab-12_c"), "ab-12_c");
        assert_eq!(segment("a/../b"), "a%2F..%2Fb");
    }

    #[test]
    fn details_are_read_and_clipped() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        assert_eq!(detail_of(r#"{"detail":"nope"}"#, &h), "nope");
        assert!(detail_of(r#"{"detail":[{"loc":["body"]}]}"#, &h).contains("loc"));
        let long = "x".repeat(500);
        assert!(detail_of(&long, &HeaderMap::new()).chars().count() < 260);
        let token = Secret::new("tok123").unwrap();
        assert_eq!(scrub("Bearer tok123 refused", &token), "Bearer *** refused");
    }
}
