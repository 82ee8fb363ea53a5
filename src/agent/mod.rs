//! Deepgram Voice Agent (V1) client: wire types, the Settings builder, the WebSocket connection
//! and the voice provider built on them. Nothing here knows about the store or audio devices.

pub mod connection;
mod connection_io;
pub mod protocol;
pub mod provider;
pub mod settings;

#[cfg(test)]
mod protocol_tests;

pub use connection::{connect, AgentConnection, AgentSender, Auth, ConnectConfig, ServerEvent, WriterStats};
pub use protocol::{
    AgentStartedLatency, CancelledCall, ClientMessage, FunctionCall, InjectBehavior, LatencyReport,
    ServerMessage,
};
pub use provider::{DeepgramLink, DeepgramProvider};
pub use settings::{
    AgentSetup, ContextMessage, HistoryCall, HistoryCalls, HistoryItem, SettingsMessage, ThinkFunction,
};
/// Audio payloads travel as `Bytes` end to end (no copies between reader, session and writer).
pub use tokio_tungstenite::tungstenite::Bytes;

/// Where the agent lives unless `COMPANION_DEEPGRAM_AGENT_URL` says otherwise.
pub const DEFAULT_AGENT_URL: &str = "wss://agent.deepgram.com/v1/agent/converse";
/// The environment variable that overrides the agent URL (tests and self-hosted setups).
pub const AGENT_URL_ENV: &str = "COMPANION_DEEPGRAM_AGENT_URL";

/// The agent URL from the environment, or the Deepgram default.
pub fn agent_url_from_env() -> String {
    std::env::var(AGENT_URL_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_AGENT_URL.to_string())
}

/// Errors of the agent room. Messages never include credentials.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("agent setup is invalid: {0}")]
    InvalidSetup(String),
    #[error("refusing to send a message with an empty `{0}`")]
    EmptyField(&'static str),
    #[error("could not encode a client message: {0}")]
    Encode(String),
    #[error("malformed server frame: {0}")]
    Malformed(String),
    #[error("agent URL is not usable: {0}")]
    BadUrl(String),
    #[error("the agent refused the credentials (HTTP {status})")]
    Unauthorized { status: u16 },
    #[error("the agent rejected the handshake (HTTP {status})")]
    HandshakeRejected { status: u16 },
    #[error("connection refused by the agent host")]
    Refused,
    #[error("agent host unreachable: {0}")]
    Unreachable(String),
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
    #[error("agent error {code}: {description}")]
    Server { code: String, description: String },
    #[error("the agent closed the connection during setup: {0}")]
    ClosedDuringSetup(String),
    #[error("the connection is closed")]
    Closed,
    #[error("websocket failure: {0}")]
    Socket(String),
}

impl AgentError {
    /// Whether trying again with a new connection could help. Bad credentials, a bad URL or a
    /// rejected Settings will fail the same way every time.
    pub fn is_retriable(&self) -> bool {
        matches!(
            self,
            AgentError::Refused
                | AgentError::Unreachable(_)
                | AgentError::Timeout(_)
                | AgentError::ClosedDuringSetup(_)
                | AgentError::Closed
                | AgentError::Socket(_)
        ) || matches!(self, AgentError::HandshakeRejected { status } if *status >= 500 || *status == 429)
    }
}
