//! Choosing and building the voice provider of a conversation, and the control plane that
//! goes with it (the conversation record, and credentials for the chosen provider).

use std::path::PathBuf;
use std::sync::Arc;

use chrono_tz::Tz;

use super::{LaunchError, ServiceControl};
use crate::agent::{Auth, ConnectConfig, DeepgramProvider};
use crate::backend::Service;
use crate::config::{ProviderChoice, Settings};
use crate::local::LocalProvider;
use crate::openai::{self, KeyFn, OpenAiProvider, OpenAiSecrets};
use crate::voice::{Credential, CredentialSource, VoiceProvider};

/// The providers a conversation can run on today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// Everything on this computer: no account, no network.
    Local,
    Deepgram,
    OpenAi,
}

impl ProviderKind {
    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Local => "local",
            ProviderKind::Deepgram => "deepgram",
            ProviderKind::OpenAi => "openai",
        }
    }
}

/// `agent.provider` resolved against the keys that are set: `auto` is Deepgram with its key,
/// else OpenAI with its key, else this computer. An explicit choice is kept even without its key
/// (the caller explains which key is missing).
pub fn choose_provider(
    settings: &Settings,
    deepgram_key: bool,
    openai_key: bool,
) -> Result<ProviderKind, LaunchError> {
    match settings.agent.provider {
        ProviderChoice::Deepgram => Ok(ProviderKind::Deepgram),
        ProviderChoice::Openai => Ok(ProviderKind::OpenAi),
        ProviderChoice::Local => Ok(ProviderKind::Local),
        ProviderChoice::Auto if deepgram_key => Ok(ProviderKind::Deepgram),
        ProviderChoice::Auto if openai_key => Ok(ProviderKind::OpenAi),
        ProviderChoice::Auto => Ok(ProviderKind::Local),
    }
}

/// The long-lived OpenAI key from `OPENAI_API_KEY`, read at each mint.
pub fn openai_env_key() -> KeyFn {
    Arc::new(|| {
        std::env::var(openai::KEY_ENV)
            .ok()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .map(Credential::new)
    })
}

/// A conversation's provider and the control plane that starts it.
pub struct Wired {
    pub kind: ProviderKind,
    pub control: Arc<ServiceControl>,
    pub provider: Arc<dyn VoiceProvider>,
}

/// Builds the chosen provider. Deepgram tokens come from the service (which holds the Deepgram
/// key); OpenAI client secrets are minted from `openai_key`; the local provider needs none and
/// reads its models from `models_dir`. Only Deepgram's conversation record is created with a
/// Deepgram token.
pub fn wire(
    kind: ProviderKind,
    service: &Service,
    settings: &Settings,
    handle: tokio::runtime::Handle,
    openai_key: KeyFn,
    models_dir: PathBuf,
) -> Wired {
    match kind {
        ProviderKind::Local => {
            let control = Arc::new(ServiceControl::without_credentials(service.clone(), handle));
            let provider = Arc::new(local_provider(settings, service, models_dir));
            Wired { kind, control, provider }
        }
        ProviderKind::Deepgram => {
            let control = Arc::new(ServiceControl::new(service.clone(), handle));
            let provider = deepgram_provider(settings, control.clone());
            Wired { kind, control, provider }
        }
        ProviderKind::OpenAi => {
            let secrets = Arc::new(openai_secrets(settings, openai_key));
            let control = Arc::new(ServiceControl::with_credentials(service.clone(), handle, secrets));
            let provider = openai_provider(settings, control.clone());
            Wired { kind, control, provider }
        }
    }
}

/// Deepgram's agent with the hosted plane's token and config (hosted mode).
pub fn wire_hosted(
    service: &Service,
    settings: &Settings,
    handle: tokio::runtime::Handle,
    plane: Arc<super::HostedPlane>,
) -> Wired {
    let control = Arc::new(ServiceControl::hosted(service.clone(), handle, plane));
    let provider = deepgram_provider(settings, control.clone());
    Wired { kind: ProviderKind::Deepgram, control, provider }
}

/// The voice on this computer, resolving spoken times in the user's timezone.
pub fn local_provider(settings: &Settings, service: &Service, models_dir: PathBuf) -> LocalProvider {
    // Settings are validated on load, so the timezone parses; UTC only guards a hand-built one.
    let tz: Tz = settings.user.timezone.parse().unwrap_or(Tz::UTC);
    LocalProvider::new(models_dir, tz, service.clock().clone())
}

/// Deepgram's Voice Agent at the settings' agent URL; tokens for reconnects come from `tokens`.
pub fn deepgram_provider(settings: &Settings, tokens: Arc<dyn CredentialSource>) -> Arc<DeepgramProvider> {
    let config = ConnectConfig::new(settings.deepgram.agent_url.clone(), Auth::Bearer(String::new()));
    Arc::new(DeepgramProvider::new(config, tokens))
}

/// Client secrets for the settings' OpenAI model, minted at the settings' base URL.
pub fn openai_secrets(settings: &Settings, key: KeyFn) -> OpenAiSecrets {
    OpenAiSecrets::new(settings.openai.api_url.clone(), settings.openai.model.clone(), key)
}

/// OpenAI's Realtime API with the settings' model and voice; secrets for reconnects come from
/// `secrets`.
pub fn openai_provider(settings: &Settings, secrets: Arc<dyn CredentialSource>) -> Arc<OpenAiProvider> {
    let o = &settings.openai;
    let mut config = openai::ConnectConfig::new(o.api_url.clone(), o.model.clone(), o.voice.clone());
    config.transcription_model = o.transcription_model.clone();
    Arc::new(OpenAiProvider::new(config, secrets))
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

/// Refuses an OpenAI base URL that could never work before a conversation record is created.
pub fn check_openai_url(base: &str, model: &str) -> Result<(), LaunchError> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    match openai::realtime_url(base, model) {
        Ok(url) if url.as_str().into_client_request().is_ok() => Ok(()),
        _ => Err(LaunchError::BadOpenAiUrl { url: base.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_prefers_deepgram_then_openai_then_this_computer() {
        let mut s = Settings::default();
        assert_eq!(choose_provider(&s, true, true).unwrap(), ProviderKind::Deepgram);
        assert_eq!(choose_provider(&s, false, true).unwrap(), ProviderKind::OpenAi);
        assert_eq!(choose_provider(&s, false, false).unwrap(), ProviderKind::Local);
        s.agent.provider = ProviderChoice::Openai;
        assert_eq!(choose_provider(&s, true, false).unwrap(), ProviderKind::OpenAi);
        s.agent.provider = ProviderChoice::Local;
        assert_eq!(choose_provider(&s, true, true).unwrap(), ProviderKind::Local);
    }
}
