//! What the session does with each captured frame, agent event and intent outcome.

use std::time::{Duration, Instant};

use super::events::{SessionEnd, SessionEvent, SessionState};
use super::runner::Runner;
use super::vad::{frame_dbfs, VadEvent};
use super::worker::{IntentDone, Job};
use super::{CallRecord, ErrorRecord, Frame};
use crate::agent::{
    ClientMessage, ContextMessage, FunctionCall, HistoryCall, HistoryCalls, ServerEvent, ServerMessage,
};

/// Level events every fifth 20 ms frame: about ten a second.
const LEVEL_EVERY: u64 = 5;

impl Runner {
    pub(super) fn on_frame(&mut self, frame: Frame) {
        self.frames_seen += 1;
        let dbfs = frame_dbfs(&frame.pcm);
        if self.frames_seen.is_multiple_of(LEVEL_EVERY) {
            self.emit(SessionEvent::Level { dbfs });
        }
        match self.vad.push(dbfs, frame.ready_at) {
            Some(VadEvent::SpeechStart(_)) => self.awaiting_reply = true,
            Some(VadEvent::SpeechEnd(at)) => self.turns.speech_ended(at),
            None => {}
        }
        match &self.sender {
            // A full writer queue is counted by the writer itself.
            Some(sender) => {
                if sender.send_audio(frame.pcm, frame.ready_at).is_err() {
                    self.stats.frames_unsent += 1;
                }
            }
            None => self.stats.frames_unsent += 1,
        }
    }

    pub(super) fn on_server(&mut self, event: ServerEvent) {
        self.last_server_activity = Instant::now();
        match event {
            ServerEvent::Audio(bytes) => self.on_audio(&bytes),
            ServerEvent::Message(message) => self.on_message(message),
            ServerEvent::Malformed { error, .. } => {
                tracing::warn!(%error, "malformed frame from the agent");
                self.error("MALFORMED_SERVER_MESSAGE", error);
            }
            ServerEvent::Closed { code, reason } => self.on_closed(code, reason),
        }
    }

    fn on_audio(&mut self, bytes: &[u8]) {
        if !self.reply_active {
            self.reply_active = true;
            self.playback.begin_reply();
            self.turns.reply_audio(Instant::now());
            self.set_state(SessionState::AgentSpeaking);
        }
        self.playback.push_linear16(bytes);
        self.turns.audio_bytes(bytes.len());
        self.stats.agent_audio_bytes += bytes.len() as u64;
    }

    fn on_message(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::ConversationText { role, content } => self.on_text(role, content),
            ServerMessage::UserStartedSpeaking => {
                if self.reply_active || !self.playback.is_drained() {
                    self.stats.barge_ins += 1;
                    self.turns.barged_in();
                }
                self.playback.flush();
                self.reply_active = false;
                self.awaiting_reply = true;
                self.set_state(SessionState::UserSpeaking);
            }
            ServerMessage::AgentThinking { .. } => self.set_state(SessionState::Thinking),
            ServerMessage::FunctionCallRequest { functions } => {
                for call in functions {
                    self.on_call(call);
                }
            }
            ServerMessage::FunctionCallResponse { id, name, content } => {
                // A server-side function's result: informational only.
                tracing::debug!(?id, %name, "server-side function answered");
                self.emit(SessionEvent::FunctionResult {
                    id: id.unwrap_or_default(),
                    name,
                    content,
                    ok: true,
                });
            }
            ServerMessage::FunctionCallCancelled { functions } => {
                for call in functions {
                    self.pending_calls.remove(&call.id);
                    self.cancelled.insert(call.id.clone());
                    self.history.retain(|m| {
                        !matches!(m, ContextMessage::Calls(c) if c.function_calls.iter().any(|f| f.id == call.id))
                    });
                    if let Some(record) = self.call_record(&call.id) {
                        record.cancelled = true;
                    }
                    // Queued after the run, so an executed call is undone.
                    self.worker.push(Job::CancelIntent { call_id: call.id.clone(), name: call.name.clone() });
                    self.emit(SessionEvent::FunctionCancelled { id: call.id, name: call.name });
                }
            }
            ServerMessage::AgentStartedSpeaking(latency) => {
                self.turns.service_started(latency);
                self.set_state(SessionState::AgentSpeaking);
            }
            ServerMessage::AgentAudioDone => {
                self.reply_active = false;
                self.awaiting_reply = false;
            }
            ServerMessage::LatencyReport(report) => self.turns.service_report(report),
            ServerMessage::Warning { code, description } => {
                tracing::warn!(%code, %description, "agent warning");
                self.report
                    .warnings
                    .push(ErrorRecord { code: code.clone(), description: description.clone() });
                self.emit(SessionEvent::Warning { code, description });
            }
            ServerMessage::InjectionRefused { message } => {
                tracing::warn!(%message, "agent refused an injected message");
                self.emit(SessionEvent::Warning { code: "INJECTION_REFUSED".into(), description: message });
            }
            ServerMessage::Error { code, description } => {
                tracing::error!(%code, %description, "agent error");
                self.last_error = Some(ErrorRecord { code: code.clone(), description: description.clone() });
                self.error(&code, description);
            }
            ServerMessage::Welcome { .. } | ServerMessage::SettingsApplied => {}
            ServerMessage::Ack { kind } => tracing::debug!(%kind, "agent acknowledged"),
            ServerMessage::History(_) => {}
            ServerMessage::Unknown { type_name, .. } => {
                tracing::debug!(%type_name, "ignoring an unknown agent message");
            }
        }
    }

    fn on_text(&mut self, role: String, content: String) {
        if content.trim().is_empty() {
            return;
        }
        if role == "user" {
            // A typed turn may come back as user text; it was stored when it was sent.
            if self.typed_echo.front().is_some_and(|t| t.trim() == content.trim()) {
                self.typed_echo.pop_front();
                return;
            }
            self.awaiting_reply = true;
            self.set_state(SessionState::Thinking);
            self.user_text(content, false, None);
        } else {
            let role = if role.is_empty() { "assistant".to_string() } else { role };
            self.store_text(&role, content, false);
        }
    }

    fn on_call(&mut self, call: FunctionCall) {
        let client_side = call.is_client_side();
        self.emit(SessionEvent::FunctionCall {
            id: call.id.clone(),
            name: call.name.clone(),
            arguments: call.arguments.clone(),
        });
        if !client_side {
            self.report.function_calls.push(record(&call, false));
            return;
        }
        if call.id.is_empty() || call.name.is_empty() {
            tracing::warn!("a client-side function call without id or name cannot be answered");
            self.error("BAD_FUNCTION_CALL", "a function call without id or name was ignored".into());
            return;
        }
        if self.pending_calls.contains_key(&call.id) {
            return;
        }
        if let Some(done) = self.report.function_calls.iter().find(|c| c.id == call.id && c.result.is_some())
        {
            // A repeated call: answer again with the first result (intents are idempotent).
            let message = ClientMessage::FunctionCallResponse {
                id: done.id.clone(),
                name: done.name.clone(),
                content: done.result.clone().unwrap_or_default(),
            };
            self.send(&message);
            return;
        }
        self.set_state(SessionState::Thinking);
        self.pending_calls.insert(call.id.clone(), call.name.clone());
        self.report.function_calls.push(record(&call, true));
        self.worker.push(Job::RunIntent { call_id: call.id, name: call.name, arguments: call.arguments });
    }

    pub(super) fn on_intent(&mut self, done: IntentDone) {
        let answer =
            self.pending_calls.remove(&done.call_id).is_some() && !self.cancelled.contains(&done.call_id);
        let mut arguments = String::new();
        if let Some(record) = self.call_record(&done.call_id) {
            record.ok = done.ok;
            if answer {
                record.result = Some(done.content.clone());
                arguments = record.arguments.clone();
            }
        }
        if !answer {
            tracing::debug!(call_id = %done.call_id, "function call finished after it was cancelled or lost");
            return;
        }
        self.emit(SessionEvent::FunctionResult {
            id: done.call_id.clone(),
            name: done.name.clone(),
            content: done.content.clone(),
            ok: done.ok,
        });
        // A resumed agent must know this call already ran (or it may run it again).
        self.history.push(ContextMessage::Calls(HistoryCalls {
            function_calls: vec![HistoryCall {
                id: done.call_id.clone(),
                name: done.name.clone(),
                client_side: true,
                arguments: if arguments.is_empty() { "{}".into() } else { arguments },
                response: done.content.clone(),
            }],
        }));
        self.send(&ClientMessage::FunctionCallResponse {
            id: done.call_id,
            name: done.name,
            content: done.content,
        });
        self.last_server_activity = Instant::now();
    }

    pub(super) fn on_closed(&mut self, code: Option<u16>, reason: String) {
        self.detach();
        if self.end.is_some() {
            return;
        }
        if let Some(error) = self.last_error.take() {
            let reason = format!("agent error {}: {}", error.code, error.description);
            self.end = Some(SessionEnd::Interrupted { reason });
            return;
        }
        let code = code.map_or_else(|| "none".to_string(), |c| c.to_string());
        let reason = format!(
            "connection lost (close code {code}{})",
            if reason.is_empty() { String::new() } else { format!(": {reason}") }
        );
        tracing::warn!(%reason, "agent connection lost");
        if self.opts.max_reconnects == 0 {
            self.end = Some(SessionEnd::Interrupted { reason });
            return;
        }
        self.set_state(SessionState::Reconnecting);
        self.emit(SessionEvent::Reconnecting { attempt: 1, reason: reason.clone() });
        // The first attempt is immediate: a dropped socket is usually a blip.
        self.reconnect = Some((1, Instant::now() + Duration::from_millis(0), reason));
    }

    fn send(&mut self, message: &ClientMessage) {
        let sent = self.sender.as_ref().map(|s| s.send(message));
        match sent {
            Some(Ok(())) => {}
            Some(Err(e)) => tracing::warn!(error = %e, "could not queue a message for the agent"),
            None => tracing::warn!("no agent connection; a message was not sent"),
        }
    }

    fn error(&mut self, code: &str, description: String) {
        self.report.errors.push(ErrorRecord { code: code.to_string(), description: description.clone() });
        self.emit(SessionEvent::Error { code: code.to_string(), description });
    }
}

fn record(call: &FunctionCall, client_side: bool) -> CallRecord {
    CallRecord {
        id: call.id.clone(),
        name: call.name.clone(),
        arguments: call.arguments.clone(),
        result: None,
        ok: false,
        cancelled: false,
        client_side,
    }
}
