//! [`OpenAiProvider`]: opens a configured Realtime socket for each connection of a
//! conversation, minting a client secret when the control plane did not hand one over.

use std::sync::Arc;

use super::connection::{open, ConnectConfig};
use super::events::{self, SessionConfig};
use super::link::OpenAiLink;
use super::pcm::PcmConverter;
use super::{OpenAiError, API_RATE};
use crate::voice::{
    BoxFuture, ConnectError, ConnectRequest, CredentialError, CredentialSource, HistoryEntry, VoiceLink,
    VoiceProvider,
};

/// OpenAI's Realtime API as a voice provider.
pub struct OpenAiProvider {
    config: ConnectConfig,
    secrets: Arc<dyn CredentialSource>,
}

impl OpenAiProvider {
    pub fn new(config: ConnectConfig, secrets: Arc<dyn CredentialSource>) -> Self {
        OpenAiProvider { config, secrets }
    }
}

impl VoiceProvider for OpenAiProvider {
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Box<dyn VoiceLink>, ConnectError>> {
        let config = self.config.clone();
        let secrets = self.secrets.clone();
        Box::pin(async move {
            let secret = match request.credential.clone() {
                Some(c) => c,
                None => tokio::task::spawn_blocking(move || secrets.mint())
                    .await
                    .map_err(|e| ConnectError::Credential(CredentialError::Other(e.to_string())))?
                    .map_err(ConnectError::Credential)?,
            };
            let session = events::session_update(&SessionConfig {
                instructions: request.setup.system_prompt.clone(),
                voice: config.voice.clone(),
                transcription_model: config.transcription_model.clone(),
                tools: request.setup.functions.clone(),
                vad_threshold: config.vad_threshold,
                prefix_padding_ms: config.prefix_padding_ms,
                silence_duration_ms: config.silence_duration_ms,
            });
            let mut after = events::history_items(&request.history);
            let greeting = request.setup.greeting.as_deref().filter(|_| request.greet);
            // A resumed conversation whose last turn is the user's, or an answered call, is
            // owed a reply the dropped link never gave.
            let reply_owed = match request.history.last() {
                Some(HistoryEntry::Call { .. }) => true,
                Some(HistoryEntry::Text { role, .. }) => role == "user",
                None => false,
            };
            if let Some(greeting) = greeting {
                after.push(events::greeting(greeting));
            } else if reply_owed {
                after.push(events::response_create());
            }
            let output = PcmConverter::new(API_RATE, request.output_sample_rate)
                .map_err(|e| ConnectError::Other { message: e, retriable: false })?;
            let conn = open(&config, secret.expose(), &session, &after, request.input_sample_rate)
                .await
                .map_err(connect_error)?;
            let responding = greeting.is_some() || reply_owed;
            Ok(Box::new(OpenAiLink::new(conn, output, responding)) as Box<dyn VoiceLink>)
        })
    }
}

/// Maps the room's errors onto the seam's, keeping OpenAI's wording and codes.
pub fn connect_error(e: OpenAiError) -> ConnectError {
    let message = e.to_string();
    let retriable = e.is_retriable();
    match e {
        OpenAiError::Unauthorized { status } => ConnectError::Unauthorized { status, message },
        OpenAiError::BadUrl(detail) => ConnectError::BadEndpoint { detail, message },
        OpenAiError::Refused | OpenAiError::Unreachable(_) | OpenAiError::Timeout(_) => {
            ConnectError::Unreachable { message }
        }
        OpenAiError::Server { code, message: description } if !retriable => {
            ConnectError::Rejected { code, description, message }
        }
        _ => ConnectError::Other { message, retriable },
    }
}
