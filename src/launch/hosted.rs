//! Hosted mode: a conversation starts on the hosted plane (`POST /api/v1/voice/session`), and
//! its Deepgram token and config (prompt, functions, models, greeting) open the agent, as the
//! plane's own clients do. Messages and intents still run and persist here first; the sync
//! delivers them to that same session and closes it at the end.

use crate::backend::Service;
use crate::config::Settings;
use crate::session::{ControlError, SessionStart};
use crate::sync::{PlaneError, Sync, SyncError};
use crate::voice::{ConversationSetup, Credential, CredentialError};
use std::sync::Mutex;

pub struct HostedPlane {
    sync: Sync,
    service: Service,
    llm_provider: String,
    /// The plane mints a token only with a new session; a reconnect reuses the last one.
    last_token: Mutex<Option<Credential>>,
}

impl HostedPlane {
    pub fn new(sync: Sync, service: Service, settings: &Settings) -> Self {
        HostedPlane {
            sync,
            service,
            llm_provider: settings.agent.llm_provider.clone(),
            last_token: Mutex::new(None),
        }
    }

    pub async fn start(&self, user_id: &str) -> Result<SessionStart, ControlError> {
        let key = uuid::Uuid::new_v4().to_string();
        let created = self.sync.start_live(&key).await.map_err(start_error)?;
        let config = created.config;
        let setup = ConversationSetup {
            system_prompt: config.system_prompt,
            functions: config.functions,
            voice_model: config.voice_model,
            listen_model: config.listen_model,
            llm_provider: self.llm_provider.clone(),
            llm_model: config.llm_model,
            greeting: (!config.greeting.trim().is_empty()).then_some(config.greeting),
        };
        let (session_id, _) = self
            .service
            .open_conversation_as(user_id, None, Some(&created.session_id))
            .map_err(|e| ControlError::Other(e.to_string()))?;
        let credential = Credential::new(created.deepgram_token);
        *self.last_token.lock().unwrap_or_else(|p| p.into_inner()) = Some(credential.clone());
        self.sync.kick();
        Ok(SessionStart { session_id, credential: Some(credential), setup })
    }

    pub fn token(&self) -> Result<Credential, CredentialError> {
        self.last_token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| CredentialError::Unavailable("no session was started on the hosted plane".into()))
    }
}

fn start_error(e: SyncError) -> ControlError {
    let text = match &e {
        SyncError::Plane(PlaneError::Busy { retry_after: Some(s), detail, .. }) => {
            format!("the hosted plane is limiting new sessions: {detail} (retry in {s} s)")
        }
        _ => format!("the hosted plane could not start a session: {e}"),
    };
    ControlError::Other(text)
}
