//! The voice-provider seam: what the session needs from any speech service (Deepgram's Voice
//! Agent, a local pipeline, OpenAI's Realtime API). A provider opens a [`VoiceLink`] for a
//! conversation from a [`ConnectRequest`]; the session sends audio frames, typed turns and
//! function results on it and receives provider-neutral [`VoiceEvent`]s.
//!
//! Nothing here knows about audio devices, the store or a particular provider's wire format;
//! the session depends on this room, and each provider implements it.

mod error;
mod event;
mod frame;
#[cfg(feature = "test-support")]
pub mod scripted;
mod setup;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

pub use bytes::Bytes;
pub use error::{ConnectError, CredentialError, SendError};
pub use event::{AgentStartedLatency, FunctionCallRequest, LatencyReport, VoiceEvent};
pub use frame::Frame;
pub use setup::{ConversationSetup, Credential, FunctionDef, HistoryEntry};

/// A boxed future, so providers can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything a provider needs to open one connection of a conversation.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub setup: ConversationSetup,
    /// Rate of the mono linear16 frames the session will send.
    pub input_sample_rate: u32,
    /// Rate of the mono linear16 speech the playback expects back.
    pub output_sample_rate: u32,
    /// A credential minted together with the conversation; `None` asks the provider to get its
    /// own (reconnects: a minted token lives only seconds).
    pub credential: Option<Credential>,
    /// The conversation so far, oldest first; empty on the first connection.
    pub history: Vec<HistoryEntry>,
    /// Whether the agent should speak the greeting (first connection only).
    pub greet: bool,
}

/// Mints short-lived credentials from a long-lived key, so the key itself never travels on a
/// conversation's connection.
pub trait CredentialSource: Send + Sync + 'static {
    fn mint(&self) -> Result<Credential, CredentialError>;
}

/// A speech service that can hold a conversation.
pub trait VoiceProvider: Send + Sync + 'static {
    /// Opens and configures a connection; when it resolves, audio may flow.
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Box<dyn VoiceLink>, ConnectError>>;
}

/// Something the app (not the user) tells the agent mid-conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// For a provider whose language model follows instructions: added to what it was told.
    pub text: String,
    /// Spoken as it is by a provider without such a model.
    pub fixed_reply: String,
}

/// Counters of one link's outbound side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkCounters {
    pub frames_sent: u64,
    pub keepalives_sent: u64,
    /// Frames dropped because the link's queue was full (the capture path never waits).
    pub frames_dropped: u64,
}

/// One live connection to a provider. Sending never waits: every method returns at once.
pub trait VoiceLink: Send {
    /// The provider's id for this connection (for support requests).
    fn request_id(&self) -> &str;
    /// The next event; `Ready(None)` only after [`VoiceEvent::Closed`] was delivered.
    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<VoiceEvent>>;
    /// Queues one captured frame.
    fn send_audio(&self, pcm: Bytes, ready_at: Instant) -> Result<(), SendError>;
    /// A typed user turn.
    fn send_user_text(&self, text: &str) -> Result<(), SendError>;
    /// The result of a client-side function call.
    fn answer_call(&self, id: &str, name: &str, content: &str) -> Result<(), SendError>;
    /// An instruction from the app, which the agent follows from its next reply on. A provider
    /// that cannot take one says so.
    fn send_instruction(&self, _instruction: &Instruction) -> Result<(), SendError> {
        Err(SendError::Invalid("this provider takes no instructions".into()))
    }
    /// Closes normally and waits (at most `wait`) for the provider to confirm.
    fn close(&mut self, wait: Duration) -> BoxFuture<'_, ()>;
    fn counters(&self) -> LinkCounters;
    /// Frame ready → written latencies recorded so far (empty unless the provider was asked to
    /// record them); taking them empties the record.
    fn take_write_latencies(&mut self) -> Vec<Duration> {
        Vec::new()
    }
}

/// Waits for the next event of `link`.
pub async fn next_event(link: &mut dyn VoiceLink) -> Option<VoiceEvent> {
    std::future::poll_fn(|cx| link.poll_event(cx)).await
}
