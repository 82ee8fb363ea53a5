//! Choosing and building the voice provider of a conversation.

use std::sync::Arc;

use super::LaunchError;
use crate::agent::{Auth, ConnectConfig, DeepgramProvider};
use crate::config::Settings;
use crate::voice::CredentialSource;

/// Deepgram's Voice Agent at the settings' agent URL; tokens for reconnects come from `tokens`.
pub fn deepgram_provider(settings: &Settings, tokens: Arc<dyn CredentialSource>) -> Arc<DeepgramProvider> {
    let config = ConnectConfig::new(settings.deepgram.agent_url.clone(), Auth::Bearer(String::new()));
    Arc::new(DeepgramProvider::new(config, tokens))
}

/// Refuses an agent URL that could never work before a conversation record is created.
pub fn check_agent_url(url: &str) -> Result<(), LaunchError> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let ok = (url.starts_with("ws://") || url.starts_with("wss://")) && url.into_client_request().is_ok();
    if ok {
        Ok(())
    } else {
        Err(LaunchError::BadAgentUrl { url: url.to_string() })
    }
}
