//! The real control plane (issue A) and audio path (issue B) behind the session's seams.

use std::time::Instant;

use super::events::{SessionStats, TurnMetrics};
use super::traits::{
    ControlError, ControlPlane, Frame, FrameSource, Playback, PlaybackStats, SessionConfig, SessionStart,
};
use crate::agent::FunctionDef;
use crate::audio::{CaptureStream, Player};
use crate::backend::schemas::{IntentRequest, SaveMessageRequest};
use crate::backend::{ApiError, Service};

impl FrameSource for CaptureStream {
    fn sample_rate(&self) -> u32 {
        CaptureStream::sample_rate(self)
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        CaptureStream::next_frame(self).await
    }
    fn dropped_frames(&self) -> u64 {
        CaptureStream::dropped_frames(self)
    }
}

impl Playback for Player {
    fn sample_rate(&self) -> u32 {
        Player::sample_rate(self)
    }
    fn push_linear16(&mut self, bytes: &[u8]) {
        Player::push_linear16(self, bytes)
    }
    fn begin_reply(&mut self) {
        Player::begin_reply(self)
    }
    fn flush(&mut self) {
        Player::flush(self)
    }
    fn first_sample_played_at(&self) -> Option<Instant> {
        Player::first_sample_played_at(self)
    }
    fn is_drained(&self) -> bool {
        Player::is_drained(self)
    }
    fn stats(&self) -> PlaybackStats {
        PlaybackStats { underruns: Player::stats(self).underruns }
    }
}

/// The in-process control plane as the session sees it. Its async calls (token minting) run
/// on `handle`; the session only calls these from blocking threads.
pub struct ServiceControl {
    service: Service,
    handle: tokio::runtime::Handle,
}

impl ServiceControl {
    pub fn new(service: Service, handle: tokio::runtime::Handle) -> Self {
        ServiceControl { service, handle }
    }

    fn mint_error(&self, e: ApiError) -> ControlError {
        let text = e.to_string();
        match e {
            ApiError::KeyMissing(_) => ControlError::NoKey(text),
            ApiError::KeyRefused(_) => ControlError::KeyRefused(text),
            ApiError::Upstream(_) | ApiError::Storage(_) => ControlError::Unavailable(text),
            _ => ControlError::Other(text),
        }
    }
}

fn other(e: ApiError) -> ControlError {
    ControlError::Other(e.to_string())
}

impl ControlPlane for ServiceControl {
    fn start_session(&self, user_id: &str) -> Result<SessionStart, ControlError> {
        if !self.service.has_key() {
            return Err(ControlError::NoKey(
                "set DEEPGRAM_API_KEY to a key from https://console.deepgram.com".into(),
            ));
        }
        let created =
            self.handle.block_on(self.service.create_session(user_id)).map_err(|e| self.mint_error(e))?;
        let agent = self.service.settings().agent;
        // Same JSON shape on both sides; going through serde keeps the two types independent.
        let functions: Vec<FunctionDef> = serde_json::to_value(&created.config.functions)
            .and_then(serde_json::from_value)
            .map_err(|e| ControlError::Other(format!("function definitions: {e}")))?;
        let greeting = created.config.greeting.trim().to_string();
        Ok(SessionStart {
            session_id: created.session_id,
            token: created.deepgram_token,
            config: SessionConfig {
                system_prompt: created.config.system_prompt,
                functions,
                voice_model: created.config.voice_model,
                listen_model: created.config.listen_model,
                llm_provider: agent.llm_provider,
                llm_model: created.config.llm_model,
                greeting: (!greeting.is_empty()).then_some(greeting),
            },
        })
    }

    fn mint_token(&self) -> Result<String, ControlError> {
        let token = self.handle.block_on(self.service.mint_token()).map_err(|e| self.mint_error(e))?;
        Ok(token.expose().to_string())
    }

    fn save_message(&self, session_id: &str, role: &str, content: &str) -> Result<(), ControlError> {
        let req =
            SaveMessageRequest { session_id: session_id.into(), role: role.into(), content: content.into() };
        self.service.save_message(&req).map(|_| ()).map_err(other)
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
        match self.service.run_intent(&req) {
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
}

/// A live microphone: frames captured while the session was connecting are stale by the time
/// the agent is ready, so they are dropped at `start` (pitfall 13).
pub struct MicCapture(pub CaptureStream);

impl FrameSource for MicCapture {
    fn sample_rate(&self) -> u32 {
        self.0.sample_rate()
    }
    fn start(&mut self) {
        use futures_util::FutureExt;
        let mut stale = 0u32;
        while let Some(Some(_)) = self.0.next_frame().now_or_never() {
            stale += 1;
        }
        tracing::debug!(stale, "dropped frames captured before the agent was ready");
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        self.0.next_frame().await
    }
    fn dropped_frames(&self) -> u64 {
        self.0.dropped_frames()
    }
}
