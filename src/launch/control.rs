//! The in-process control plane behind the session's seam, and the provider's key behind its
//! credential seam (the service's Deepgram key, or another provider's secret source).

use std::sync::Arc;

use crate::backend::schemas::{IntentRequest, SaveMessageRequest};
use crate::backend::{ApiError, Service};
use crate::session::{ControlError, ControlPlane, SessionStart, SessionStats, TurnMetrics};
use crate::voice::{Credential, CredentialError, CredentialSource};

/// The service as the session sees it. Its async calls (token minting) run on `handle`; the
/// session only calls these from blocking threads.
pub struct ServiceControl {
    service: Service,
    handle: tokio::runtime::Handle,
    credentials: Credentials,
}

/// Where a conversation's credentials come from.
enum Credentials {
    /// Tokens minted by the service from its Deepgram key.
    Deepgram,
    /// Another provider's secret source.
    Source(Arc<dyn CredentialSource>),
    /// The provider needs none (it runs on this computer).
    NotNeeded,
    /// The hosted plane creates the session and hands out its token (hosted mode).
    Hosted(Arc<super::HostedPlane>),
}

impl ServiceControl {
    /// For Deepgram: conversations start with a token minted by the service.
    pub fn new(service: Service, handle: tokio::runtime::Handle) -> Self {
        ServiceControl { service, handle, credentials: Credentials::Deepgram }
    }

    /// For a provider with its own credentials: a conversation starts with one minted from
    /// `source` (before the record is created, so a failed mint leaves none behind) and needs
    /// no Deepgram key.
    pub fn with_credentials(
        service: Service,
        handle: tokio::runtime::Handle,
        source: Arc<dyn CredentialSource>,
    ) -> Self {
        ServiceControl { service, handle, credentials: Credentials::Source(source) }
    }

    /// For hosted mode: conversations start on the hosted plane, with its token and config.
    pub fn hosted(service: Service, handle: tokio::runtime::Handle, plane: Arc<super::HostedPlane>) -> Self {
        ServiceControl { service, handle, credentials: Credentials::Hosted(plane) }
    }

    /// For a provider that needs no credential: conversations need no key at all.
    pub fn without_credentials(service: Service, handle: tokio::runtime::Handle) -> Self {
        ServiceControl { service, handle, credentials: Credentials::NotNeeded }
    }
}

fn credential_error(e: ApiError) -> CredentialError {
    let text = e.to_string();
    match e {
        ApiError::KeyMissing(_) => CredentialError::NoKey(text),
        ApiError::KeyRefused(_) => CredentialError::KeyRefused(text),
        ApiError::Upstream(_) | ApiError::Storage(_) => CredentialError::Unavailable(text),
        _ => CredentialError::Other(text),
    }
}

/// A failed store write keeps its kind, so the session can say the conversation stopped being
/// saved (and why); everything else is a plain failure.
fn other(e: ApiError) -> ControlError {
    match e {
        ApiError::DiskFull(message) => ControlError::Storage { full: true, message },
        ApiError::Storage(message) => ControlError::Storage { full: false, message },
        e => ControlError::Other(e.to_string()),
    }
}

impl CredentialSource for ServiceControl {
    fn mint(&self) -> Result<Credential, CredentialError> {
        match &self.credentials {
            Credentials::Source(source) => return source.mint(),
            // Nothing reads it; an empty credential keeps reconnects uniform.
            Credentials::NotNeeded => return Ok(Credential::new(String::new())),
            Credentials::Hosted(plane) => return plane.token(),
            Credentials::Deepgram => {}
        }
        let token = self.handle.block_on(self.service.mint_token()).map_err(credential_error)?;
        Ok(Credential::new(token.expose()))
    }
}

impl ControlPlane for ServiceControl {
    fn start_session(&self, user_id: &str) -> Result<SessionStart, ControlError> {
        let credential = match &self.credentials {
            Credentials::Hosted(plane) => return self.handle.block_on(plane.start(user_id)),
            Credentials::Deepgram => None,
            Credentials::Source(source) => Some(Some(source.mint()?)),
            Credentials::NotNeeded => Some(None),
        };
        if let Some(credential) = credential {
            let (session_id, setup) =
                self.service.open_conversation(user_id, None).map_err(credential_error)?;
            return Ok(SessionStart { session_id, credential, setup });
        }
        if !self.service.has_key() {
            return Err(ControlError::NoKey(
                "set DEEPGRAM_API_KEY to a key from https://console.deepgram.com".into(),
            ));
        }
        let started =
            self.handle.block_on(self.service.start_conversation(user_id, None)).map_err(credential_error)?;
        Ok(SessionStart {
            session_id: started.session_id,
            credential: Some(Credential::new(started.token.expose())),
            setup: started.setup,
        })
    }

    fn save_message(&self, session_id: &str, role: &str, content: &str) -> Result<(), ControlError> {
        let req =
            SaveMessageRequest { session_id: session_id.into(), role: role.into(), content: content.into() };
        self.service.save_message(&req, None).map(|_| ()).map_err(other)
    }

    fn run_intent(
        &self,
        session_id: &str,
        call_id: &str,
        name: &str,
        arguments: serde_json::Value,
    ) -> Result<String, ControlError> {
        let req = IntentRequest {
            session_id: session_id.into(),
            function_call_id: call_id.into(),
            function_name: name.into(),
            input: arguments,
        };
        match self.service.run_intent(&req, None) {
            Ok(r) => Ok(r.result),
            // A refused call is something the agent can say; not an internal failure.
            Err(ApiError::Invalid(detail)) => Ok(format!("The {name} request was not valid: {detail}")),
            Err(e) => Err(other(e)),
        }
    }

    fn cancel_intent(&self, session_id: &str, call_id: &str, name: &str) -> Result<(), ControlError> {
        self.service.cancel_intent(session_id, call_id, name).map(|_| ()).map_err(other)
    }

    fn set_request_id(&self, session_id: &str, request_id: &str) -> Result<(), ControlError> {
        self.service.set_provider_request_id(session_id, request_id).map_err(other)
    }

    fn record_turn_metrics(&self, session_id: &str, metrics: &TurnMetrics) -> Result<(), ControlError> {
        let figures = serde_json::to_value(metrics).map_err(|e| ControlError::Other(e.to_string()))?;
        self.service.record_turn_metrics(session_id, i64::from(metrics.turn), &figures).map_err(other)
    }

    fn record_session_stats(&self, session_id: &str, stats: &SessionStats) -> Result<(), ControlError> {
        let figures = serde_json::to_value(stats).map_err(|e| ControlError::Other(e.to_string()))?;
        self.service.record_session_stats(session_id, &figures).map_err(other)
    }

    fn close_session(&self, session_id: &str) -> Result<(), ControlError> {
        self.service.close_session(session_id).map(|_| ()).map_err(other)
    }

    fn mark_interrupted(&self, session_id: &str, reason: &str) -> Result<(), ControlError> {
        self.service.mark_interrupted(session_id, reason).map(|_| ()).map_err(other)
    }

    fn flag_safety(&self, session_id: &str, category: &str) -> Result<(), ControlError> {
        self.service.flag_safety(session_id, category).map_err(other)
    }
}
