//! Deepgram's Voice Agent behind the provider seam: a [`DeepgramProvider`] opens connections
//! (minting a token when the control plane did not hand one over), and a [`DeepgramLink`] turns
//! the V1 wire messages into provider-neutral events.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::connection::{connect, AgentConnection, AgentSender, Auth, ConnectConfig, ServerEvent};
use super::protocol::{ClientMessage, ServerMessage};
use super::settings::{
    AgentSetup, ContextMessage, HistoryCall, HistoryCalls, HistoryItem, SettingsMessage, ThinkFunction,
};
use super::AgentError;
use crate::voice::{
    BoxFuture, ConnectError, ConnectRequest, CredentialError, CredentialSource, FunctionCallRequest,
    HistoryEntry, Instruction, LinkCounters, SendError, VoiceEvent, VoiceLink, VoiceProvider,
};

/// Deepgram's Voice Agent V1 as a voice provider.
pub struct DeepgramProvider {
    config: ConnectConfig,
    tokens: Arc<dyn CredentialSource>,
}

impl DeepgramProvider {
    /// `config.auth` is replaced on every connection by the token of that connection.
    pub fn new(config: ConnectConfig, tokens: Arc<dyn CredentialSource>) -> Self {
        DeepgramProvider { config, tokens }
    }
}

impl VoiceProvider for DeepgramProvider {
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Box<dyn VoiceLink>, ConnectError>> {
        let mut config = self.config.clone();
        let tokens = self.tokens.clone();
        Box::pin(async move {
            let token = match request.credential.clone() {
                Some(c) => c,
                None => tokio::task::spawn_blocking(move || tokens.mint())
                    .await
                    .map_err(|e| ConnectError::Credential(CredentialError::Other(e.to_string())))?
                    .map_err(ConnectError::Credential)?,
            };
            config.auth = Auth::Bearer(token.expose().to_string());
            let setup = agent_setup(&request);
            let settings = SettingsMessage::from_setup(&setup).map_err(connect_error)?;
            let conn = connect(&config, &settings).await.map_err(connect_error)?;
            let sender = conn.sender();
            Ok(Box::new(DeepgramLink { conn, sender }) as Box<dyn VoiceLink>)
        })
    }
}

/// The Settings input of one connection, from the provider-neutral request.
pub fn agent_setup(request: &ConnectRequest) -> AgentSetup {
    let setup = &request.setup;
    AgentSetup {
        input_sample_rate: request.input_sample_rate,
        output_sample_rate: request.output_sample_rate,
        listen_model: setup.listen_model.clone(),
        llm_provider: setup.llm_provider.clone(),
        llm_model: setup.llm_model.clone(),
        voice_model: setup.voice_model.clone(),
        prompt: setup.system_prompt.clone(),
        functions: setup
            .functions
            .iter()
            .map(|f| ThinkFunction {
                name: f.name.clone(),
                description: f.description.clone(),
                parameters: f.parameters.clone(),
                defer_until_eot: f.defer_until_eot,
            })
            .collect(),
        greeting: if request.greet { setup.greeting.clone() } else { None },
        context: request.history.iter().map(context_message).collect(),
    }
}

fn context_message(entry: &HistoryEntry) -> ContextMessage {
    match entry {
        HistoryEntry::Text { role, content } => {
            HistoryItem { role: role.clone(), content: content.clone() }.into()
        }
        HistoryEntry::Call { id, name, arguments, response } => ContextMessage::Calls(HistoryCalls {
            function_calls: vec![HistoryCall {
                id: id.clone(),
                name: name.clone(),
                client_side: true,
                arguments: arguments.clone(),
                response: response.clone(),
            }],
        }),
    }
}

/// Maps the agent room's errors onto the seam's, keeping the agent's own wording.
pub fn connect_error(e: AgentError) -> ConnectError {
    let message = e.to_string();
    let retriable = e.is_retriable();
    match e {
        AgentError::Unauthorized { status } => ConnectError::Unauthorized { status, message },
        AgentError::BadUrl(detail) => ConnectError::BadEndpoint { detail, message },
        AgentError::Refused | AgentError::Unreachable(_) | AgentError::Timeout(_) => {
            ConnectError::Unreachable { message }
        }
        AgentError::Server { code, description } => ConnectError::Rejected { code, description, message },
        _ => ConnectError::Other { message, retriable },
    }
}

/// One live Voice Agent connection.
pub struct DeepgramLink {
    conn: AgentConnection,
    sender: AgentSender,
}

impl DeepgramLink {
    fn send(&self, message: &ClientMessage) -> Result<(), SendError> {
        self.sender.send(message).map_err(|e| match e {
            AgentError::Closed => SendError::Closed,
            other => SendError::Invalid(other.to_string()),
        })
    }
}

impl VoiceLink for DeepgramLink {
    fn request_id(&self) -> &str {
        &self.conn.request_id
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<VoiceEvent>> {
        self.conn.poll_event(cx).map(|e| e.map(voice_event))
    }

    fn send_audio(&self, pcm: crate::voice::Bytes, ready_at: Instant) -> Result<(), SendError> {
        self.sender.send_audio(pcm, ready_at)
    }

    fn send_user_text(&self, text: &str) -> Result<(), SendError> {
        self.send(&ClientMessage::InjectUserMessage { content: text.to_string() })
    }

    fn answer_call(&self, id: &str, name: &str, content: &str) -> Result<(), SendError> {
        self.send(&ClientMessage::FunctionCallResponse {
            id: id.to_string(),
            name: name.to_string(),
            content: content.to_string(),
        })
    }

    /// `UpdatePrompt` adds to the agent's prompt (it does not replace it), so the instruction
    /// holds for the rest of the connection; `InjectAgentMessage` would only speak a sentence.
    fn send_instruction(&self, instruction: &Instruction) -> Result<(), SendError> {
        self.send(&ClientMessage::UpdatePrompt { prompt: instruction.text.clone() })
    }

    fn close(&mut self, wait: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            self.conn.close(wait).await;
        })
    }

    fn counters(&self) -> LinkCounters {
        let s = self.sender.stats();
        LinkCounters {
            frames_sent: s.frames_sent(),
            keepalives_sent: s.keepalives_sent(),
            frames_dropped: s.frames_dropped(),
        }
    }

    fn take_write_latencies(&mut self) -> Vec<Duration> {
        self.sender.stats().take_write_latencies()
    }
}

/// The V1 message as a provider-neutral event.
fn voice_event(event: ServerEvent) -> VoiceEvent {
    match event {
        ServerEvent::Audio(bytes) => VoiceEvent::Audio(bytes),
        ServerEvent::Malformed { error, .. } => VoiceEvent::Malformed(error),
        ServerEvent::Closed { code, reason } => VoiceEvent::Closed { code, reason },
        ServerEvent::Message(message) => match message {
            ServerMessage::ConversationText { role, content } if role == "user" => {
                VoiceEvent::UserTranscript(content)
            }
            ServerMessage::ConversationText { role, content } => {
                let role = if role.is_empty() { "assistant".to_string() } else { role };
                VoiceEvent::AgentTranscript { role, content }
            }
            ServerMessage::UserStartedSpeaking => VoiceEvent::UserStartedSpeaking,
            ServerMessage::AgentThinking { .. } => VoiceEvent::AgentThinking,
            ServerMessage::FunctionCallRequest { functions } => VoiceEvent::FunctionCalls(
                functions
                    .into_iter()
                    .map(|f| FunctionCallRequest {
                        client_side: f.is_client_side(),
                        id: f.id,
                        name: f.name,
                        arguments: f.arguments,
                    })
                    .collect(),
            ),
            ServerMessage::FunctionCallResponse { id, name, content } => {
                VoiceEvent::ServerFunctionResult { id: id.unwrap_or_default(), name, content }
            }
            ServerMessage::FunctionCallCancelled { functions } => {
                VoiceEvent::FunctionCallsCancelled(functions.into_iter().map(|c| (c.id, c.name)).collect())
            }
            ServerMessage::AgentStartedSpeaking(latency) => VoiceEvent::AgentStartedSpeaking(latency),
            ServerMessage::AgentAudioDone => VoiceEvent::AgentAudioDone,
            ServerMessage::LatencyReport(report) => VoiceEvent::Latency(report),
            ServerMessage::Warning { code, description } => VoiceEvent::Warning { code, description },
            ServerMessage::InjectionRefused { message } => VoiceEvent::TurnRefused(message),
            ServerMessage::Error { code, description } => VoiceEvent::Error { code, description },
            ServerMessage::Ack { kind } => {
                tracing::debug!(%kind, "agent acknowledged");
                VoiceEvent::Other
            }
            ServerMessage::Unknown { type_name, .. } => {
                tracing::debug!(%type_name, "ignoring an unknown agent message");
                VoiceEvent::Other
            }
            ServerMessage::Welcome { .. } | ServerMessage::SettingsApplied | ServerMessage::History(_) => {
                VoiceEvent::Other
            }
        },
    }
}
