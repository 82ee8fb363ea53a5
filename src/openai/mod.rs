//! OpenAI's Realtime API (GA interface, WebSocket transport) behind the provider seam: the
//! client events built from a conversation's setup, the server events it answers with, the
//! socket, the client-secret minting, and [`OpenAiProvider`]. Nothing here knows about the
//! store or audio devices; the only part of `audio` used is its resampler (the API speaks
//! 24 kHz PCM16 only).

mod connection;
pub mod events;
mod link;
mod pcm;
mod provider;
pub mod secret;
pub mod server;

#[cfg(test)]
mod link_tests;
#[cfg(test)]
mod tests;

pub use connection::ConnectConfig;
pub use link::OpenAiLink;
pub use provider::{connect_error, OpenAiProvider};
pub use secret::{KeyFn, OpenAiSecrets};

/// The only PCM rate the Realtime API accepts and produces.
pub const API_RATE: u32 = 24_000;
/// Where the API lives unless `COMPANION_OPENAI_URL` (or the settings) say otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com";
/// The environment variable that points the provider at another endpoint: one base for the
/// client-secret REST call and the realtime socket.
pub const BASE_URL_ENV: &str = "COMPANION_OPENAI_URL";
/// The environment variable the CLI reads the long-lived key from.
pub const KEY_ENV: &str = "OPENAI_API_KEY";

/// The REST endpoint that mints client secrets, under `base`.
pub fn client_secrets_url(base: &str) -> String {
    format!("{}/v1/realtime/client_secrets", base.trim_end_matches('/'))
}

/// The realtime socket under `base` (`http`→`ws`, `https`→`wss`), for `model`.
pub fn realtime_url(base: &str, model: &str) -> Result<String, OpenAiError> {
    let base = base.trim_end_matches('/');
    let socket = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if base.starts_with("wss://") || base.starts_with("ws://") {
        base.to_string()
    } else {
        return Err(OpenAiError::BadUrl(format!("{base:?} must start with https:// or http://")));
    };
    let model: String = model
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    Ok(format!("{socket}/v1/realtime?model={model}"))
}

/// Errors of the OpenAI room. Messages never include credentials.
#[derive(Debug, thiserror::Error)]
pub enum OpenAiError {
    #[error("OpenAI URL is not usable: {0}")]
    BadUrl(String),
    #[error("OpenAI refused the credentials (HTTP {status})")]
    Unauthorized { status: u16 },
    #[error("OpenAI rejected the handshake (HTTP {status})")]
    HandshakeRejected { status: u16 },
    #[error("connection refused by the OpenAI host")]
    Refused,
    #[error("OpenAI host unreachable: {0}")]
    Unreachable(String),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("OpenAI error {code}: {message}")]
    Server { code: String, message: String },
    #[error("OpenAI closed the connection during setup: {0}")]
    ClosedDuringSetup(String),
    #[error("the credential has characters not allowed in a header")]
    BadCredential,
    #[error("websocket failure: {0}")]
    Socket(String),
}

impl OpenAiError {
    /// Whether a new connection could succeed where this one failed.
    pub fn is_retriable(&self) -> bool {
        match self {
            OpenAiError::Refused
            | OpenAiError::Unreachable(_)
            | OpenAiError::Timeout(_)
            | OpenAiError::ClosedDuringSetup(_)
            | OpenAiError::Socket(_) => true,
            OpenAiError::HandshakeRejected { status } => *status >= 500 || *status == 429,
            OpenAiError::Server { code, .. } => code == "server_error" || code == "session_expired",
            OpenAiError::BadUrl(_) | OpenAiError::Unauthorized { .. } | OpenAiError::BadCredential => false,
        }
    }
}
