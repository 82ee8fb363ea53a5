//! Minting short-lived Deepgram tokens (`POST {api_url}/v1/auth/grant`), so the long-lived key
//! never leaves this process: the agent socket only ever sees the temporary token.

use crate::config::secret::Secret;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// Where the Deepgram key comes from; looked up at each mint so a key set while the app runs
/// (the desktop app's keychain, an exported variable) is used without a restart.
pub type KeySource = Arc<dyn Fn() -> Option<Secret> + Send + Sync>;

pub fn env_key_source() -> KeySource {
    Arc::new(|| Secret::from_env("DEEPGRAM_API_KEY"))
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MintError {
    #[error("no Deepgram API key: set DEEPGRAM_API_KEY (or save one in the app's settings)")]
    NoKey,
    #[error("Deepgram refused the API key (HTTP {0}); check that it is valid and has the Member role")]
    Refused(u16),
    #[error("Deepgram could not be reached at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Deepgram answered HTTP {status} to the token request")]
    Failed { status: u16 },
    #[error("Deepgram's token reply was not understood: {0}")]
    BadReply(String),
}

#[derive(Deserialize)]
struct GrantReply {
    access_token: String,
}

#[derive(Clone)]
pub struct TokenMinter {
    http: reqwest::Client,
    key: KeySource,
}

impl TokenMinter {
    pub fn new(key: KeySource) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        TokenMinter { http, key }
    }

    pub fn has_key(&self) -> bool {
        (self.key)().is_some()
    }

    pub async fn mint(&self, api_url: &str, ttl_seconds: u32) -> Result<Secret, MintError> {
        let key = (self.key)().ok_or(MintError::NoKey)?;
        let url = format!("{}/v1/auth/grant", api_url.trim_end_matches('/'));
        let reply = self
            .http
            .post(&url)
            .header("Authorization", format!("Token {}", key.expose()))
            .json(&serde_json::json!({ "ttl_seconds": ttl_seconds }))
            .send()
            .await
            .map_err(|e| MintError::Unreachable { url: url.clone(), reason: describe(&e) })?;
        let status = reply.status().as_u16();
        match status {
            200..=299 => {}
            401 | 403 => return Err(MintError::Refused(status)),
            _ => return Err(MintError::Failed { status }),
        }
        let body: GrantReply = reply.json().await.map_err(|e| MintError::BadReply(describe(&e)))?;
        Secret::new(body.access_token).ok_or_else(|| MintError::BadReply("empty access_token".into()))
    }
}

/// reqwest errors can carry the URL but never our headers; still keep only the kind of failure.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else if e.is_decode() {
        "invalid JSON".into()
    } else {
        "request failed".into()
    }
}
