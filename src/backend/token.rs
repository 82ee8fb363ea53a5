//! Minting short-lived Deepgram tokens (`POST {api_url}/v1/auth/grant`), so the long-lived key
//! never leaves this process: the agent socket only ever sees the temporary token.

use crate::config::secret::Secret;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// Where the Deepgram key comes from; looked up at each mint so a key set while the app runs
/// (the desktop app's keychain, an exported variable) is used without a restart.
pub type KeySource = Arc<dyn KeyLookup>;

/// A place the key may be kept. `Ok(None)` is "no key saved"; an error is "the place could not be
/// read", which the user must hear as such rather than as a missing key.
pub trait KeyLookup: Send + Sync {
    fn lookup(&self) -> Result<Option<Secret>, KeyUnreadable>;
}

/// A plain function never fails to look: the environment, a fixed key in tests.
impl<F: Fn() -> Option<Secret> + Send + Sync> KeyLookup for F {
    fn lookup(&self) -> Result<Option<Secret>, KeyUnreadable> {
        Ok(self())
    }
}

/// Why the key could not be read; never the key itself.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct KeyUnreadable(pub String);

pub fn env_key_source() -> KeySource {
    Arc::new(|| Secret::from_env("DEEPGRAM_API_KEY"))
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MintError {
    #[error("no Deepgram API key: set DEEPGRAM_API_KEY (or save one in the app's settings)")]
    NoKey,
    #[error("the Deepgram API key could not be read: {0}")]
    KeyUnreadable(KeyUnreadable),
    #[error("Deepgram refused the API key (HTTP {0}); check that it is valid and has the Member role")]
    Refused(u16),
    #[error("Deepgram could not be reached at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Deepgram answered HTTP {status} to the token request")]
    Failed { status: u16 },
    #[error("Deepgram's token reply was not understood: {0}")]
    BadReply(String),
    /// The HTTP client could not be set up (its TLS backend failed to initialise).
    #[error("the HTTP client for Deepgram could not be set up: {0}")]
    Client(String),
}

/// How long a mint may take: connecting, then the whole request. A token is minted before every
/// conversation and reconnect, so a stalled network must fail fast rather than hang the start.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct GrantReply {
    access_token: String,
}

#[derive(Clone)]
pub struct TokenMinter {
    /// A client that could not be built is kept as its reason and reported at each mint: a
    /// default client in its place would carry none of the timeouts.
    http: Result<reqwest::Client, String>,
    key: KeySource,
}

impl TokenMinter {
    pub fn new(key: KeySource) -> Self {
        Self::with_client(key, reqwest::Client::builder(), CONNECT_TIMEOUT, TOTAL_TIMEOUT)
    }

    fn with_client(
        key: KeySource,
        builder: reqwest::ClientBuilder,
        connect: Duration,
        total: Duration,
    ) -> Self {
        let http = builder.connect_timeout(connect).timeout(total).build().map_err(|e| {
            let why = std::error::Error::source(&e).map(ToString::to_string);
            why.unwrap_or_else(|| e.to_string())
        });
        TokenMinter { http, key }
    }

    /// Whether a key is saved; an error when the place it is kept could not be read.
    pub fn key_status(&self) -> Result<bool, KeyUnreadable> {
        self.key.lookup().map(|k| k.is_some())
    }

    pub async fn mint(&self, api_url: &str, ttl_seconds: u32) -> Result<Secret, MintError> {
        let key = self.key.lookup().map_err(MintError::KeyUnreadable)?.ok_or(MintError::NoKey)?;
        let http = self.http.as_ref().map_err(|why| MintError::Client(why.clone()))?;
        let url = format!("{}/v1/auth/grant", api_url.trim_end_matches('/'));
        let reply = http
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> KeySource {
        Arc::new(|| Secret::new("0123456789abcdef0123a1b2"))
    }

    /// A server that accepts connections and never answers.
    async fn silent_server() -> (String, tokio::net::TcpListener) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        (format!("http://{}", listener.local_addr().unwrap()), listener)
    }

    #[tokio::test]
    async fn a_silent_server_times_out() {
        let (url, _listener) = silent_server().await;
        let short = Duration::from_millis(200);
        let minter = TokenMinter::with_client(key(), reqwest::Client::builder(), short, short);
        let err =
            tokio::time::timeout(Duration::from_secs(5), minter.mint(&url, 30)).await.unwrap().unwrap_err();
        assert!(matches!(&err, MintError::Unreachable { reason, .. } if reason == "timed out"), "{err:?}");
    }

    #[tokio::test]
    async fn a_client_that_cannot_be_built_is_reported_not_replaced_by_one_without_timeouts() {
        let (url, _listener) = silent_server().await;
        // A TLS configuration reqwest does not know makes `build` fail.
        let broken = reqwest::Client::builder().use_preconfigured_tls(());
        let minter = TokenMinter::with_client(key(), broken, CONNECT_TIMEOUT, TOTAL_TIMEOUT);
        let err = tokio::time::timeout(Duration::from_secs(5), minter.mint(&url, 30))
            .await
            .expect("the mint must fail at once, not wait on a server that never answers")
            .unwrap_err();
        assert!(matches!(&err, MintError::Client(why) if why.contains("TLS")), "{err:?}");
        assert!(err.to_string().contains("could not be set up"), "{err}");
    }
}
