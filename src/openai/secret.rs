//! Client secrets: `POST {base}/v1/realtime/client_secrets` with the long-lived key returns a
//! short-lived `ek_…` secret bound to a realtime session; only that secret travels on the
//! conversation's socket. The long-lived key is used for minting and nothing else.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::client_secrets_url;
use crate::voice::{Credential, CredentialError, CredentialSource};

/// Where the long-lived key comes from; looked up at each mint, so a key saved while the app
/// runs is used without a restart.
pub type KeyFn = Arc<dyn Fn() -> Option<Credential> + Send + Sync>;

/// How long a minted secret may be used to open sessions (an open session outlives it).
pub const SECRET_TTL_SECONDS: u32 = 600;

/// Mints client secrets for one model.
#[derive(Clone)]
pub struct OpenAiSecrets {
    http: reqwest::Client,
    base_url: String,
    model: String,
    key: KeyFn,
}

impl OpenAiSecrets {
    pub fn new(base_url: impl Into<String>, model: impl Into<String>, key: KeyFn) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        OpenAiSecrets { http, base_url: base_url.into(), model: model.into(), key }
    }

    pub fn has_key(&self) -> bool {
        (self.key)().is_some()
    }

    /// One new client secret.
    pub async fn mint_secret(&self) -> Result<Credential, CredentialError> {
        let key = (self.key)().ok_or_else(|| {
            CredentialError::NoKey(
                "no OpenAI API key: set OPENAI_API_KEY (or save one in the app's settings)".into(),
            )
        })?;
        let url = client_secrets_url(&self.base_url);
        let body = json!({
            "expires_after": {"anchor": "created_at", "seconds": SECRET_TTL_SECONDS},
            "session": {"type": "realtime", "model": self.model},
        });
        let reply = self.http.post(&url).bearer_auth(key.expose()).json(&body).send().await.map_err(|e| {
            CredentialError::Unavailable(format!("OpenAI could not be reached at {url}: {}", describe(&e)))
        })?;
        let status = reply.status().as_u16();
        // The service's error text may quote part of the key, so only the status is reported.
        match status {
            200..=299 => {}
            401 | 403 => {
                return Err(CredentialError::KeyRefused(format!(
                "OpenAI refused the API key (HTTP {status}); check that it is valid and has Realtime access"
            )))
            }
            429 | 500..=599 => {
                return Err(CredentialError::Unavailable(format!(
                    "OpenAI answered HTTP {status} to the client-secret request"
                )))
            }
            _ => {
                return Err(CredentialError::Other(format!(
                    "OpenAI answered HTTP {status} to the client-secret request"
                )))
            }
        }
        let reply: serde_json::Value = reply
            .json()
            .await
            .map_err(|e| CredentialError::Other(format!("OpenAI's client-secret reply: {}", describe(&e))))?;
        let value = reply.get("value").and_then(serde_json::Value::as_str).unwrap_or("").trim();
        if value.is_empty() {
            return Err(CredentialError::Other("OpenAI's client-secret reply had no `value`".into()));
        }
        Ok(Credential::new(value))
    }
}

impl CredentialSource for OpenAiSecrets {
    /// Blocks on the current runtime; call it from a blocking thread (as providers do).
    fn mint(&self) -> Result<Credential, CredentialError> {
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle.block_on(self.mint_secret()),
            Err(_) => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CredentialError::Other(e.to_string()))?
                .block_on(self.mint_secret()),
        }
    }
}

/// reqwest errors may carry the URL but never our headers; keep only the kind of failure.
fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_decode() {
        "invalid JSON"
    } else {
        "request failed"
    }
}
