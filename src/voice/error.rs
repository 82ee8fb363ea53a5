//! Why a provider could not connect, mint a credential or take a message. Messages never carry
//! credentials.

/// Getting a short-lived credential (or anything else from a service the conversation depends
/// on) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// No API key is configured.
    #[error("{0}")]
    NoKey(String),
    /// The service refused the key (401/403).
    #[error("{0}")]
    KeyRefused(String),
    /// The service could not be reached; trying again later may work.
    #[error("{0}")]
    Unavailable(String),
    /// The local store could not write (`full`: the disk is full); that write was rolled back
    /// whole and what was stored before is kept.
    #[error("{message}")]
    Storage { full: bool, message: String },
    #[error("{0}")]
    Other(String),
}

impl CredentialError {
    pub fn other(message: impl Into<String>) -> Self {
        CredentialError::Other(message.into())
    }
}

/// Opening a connection failed. Each variant's message is the provider's own wording.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The provider refused the credentials (HTTP 401/403).
    #[error("{message}")]
    Unauthorized { status: u16, message: String },
    /// The endpoint URL is not usable.
    #[error("{message}")]
    BadEndpoint { detail: String, message: String },
    /// Refused, unreachable or timed out: the network or the host.
    #[error("{message}")]
    Unreachable { message: String },
    /// The provider rejected the conversation's configuration with its own code.
    #[error("{message}")]
    Rejected { code: String, description: String, message: String },
    #[error("could not get a new agent token: {0}")]
    Credential(CredentialError),
    #[error("{message}")]
    Other { message: String, retriable: bool },
}

impl ConnectError {
    /// Whether a new attempt could succeed. Bad credentials, a bad URL or a rejected
    /// configuration fail the same way every time.
    pub fn is_retriable(&self) -> bool {
        match self {
            ConnectError::Unreachable { .. } => true,
            ConnectError::Credential(c) => {
                matches!(c, CredentialError::Unavailable(_) | CredentialError::Other(_))
            }
            ConnectError::Other { retriable, .. } => *retriable,
            ConnectError::Unauthorized { .. }
            | ConnectError::BadEndpoint { .. }
            | ConnectError::Rejected { .. } => false,
        }
    }
}

/// A message could not be queued on a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The outbound queue is full; the frame was dropped and counted by the link.
    #[error("the outbound queue is full")]
    Full,
    #[error("the connection is closed")]
    Closed,
    /// The message would be rejected by the provider (an empty required field).
    #[error("{0}")]
    Invalid(String),
}
