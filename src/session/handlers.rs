//! What the session does with each captured frame, provider event and intent outcome.

use std::time::Instant;

use super::events::SessionEvent;
use super::machine::Input;
use super::recent::push_recent;
use super::runner::Runner;
use super::vad::{frame_dbfs, VadEvent};
use super::worker::{IntentDone, Job};
use super::{CallRecord, ErrorRecord, Frame, HISTORY_KEEP};
use crate::voice::{FunctionCallRequest, HistoryEntry, SendError, VoiceEvent};

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
            Some(VadEvent::SpeechStart(_)) => self.step(Input::LocalSpeechStarted),
            Some(VadEvent::SpeechEnd(at)) => self.turns.speech_ended(at),
            None => {}
        }
        match &self.link {
            // A full queue is counted by the link itself.
            Some(link) => {
                if let Err(SendError::Closed | SendError::Invalid(_)) =
                    link.send_audio(frame.pcm, frame.ready_at)
                {
                    self.stats.frames_unsent += 1;
                }
            }
            None => self.stats.frames_unsent += 1,
        }
    }

    pub(super) fn on_provider(&mut self, event: VoiceEvent) {
        self.last_provider_activity = Instant::now();
        match event {
            VoiceEvent::Audio(bytes) => {
                self.step(Input::AgentAudio);
                self.playback.push_linear16(&bytes);
                self.turns.audio_bytes(bytes.len());
                self.stats.agent_audio_bytes += bytes.len() as u64;
            }
            VoiceEvent::UserTranscript(content) => self.on_user_text(content),
            VoiceEvent::AgentTranscript { role, content } => {
                if !content.trim().is_empty() {
                    self.store_text(&role, content, false);
                }
            }
            VoiceEvent::UserStartedSpeaking => {
                let playing = !self.playback.is_drained();
                self.step(Input::UserStartedSpeaking { playing });
            }
            VoiceEvent::AgentThinking => self.step(Input::AgentThinking),
            VoiceEvent::FunctionCalls(calls) => {
                for call in calls {
                    self.on_call(call);
                }
            }
            VoiceEvent::ServerFunctionResult { id, name, content } => {
                // A server-side function's result: informational only.
                tracing::debug!(%id, %name, "server-side function answered");
                self.emit(SessionEvent::FunctionResult { id, name, content, ok: true });
            }
            VoiceEvent::FunctionCallsCancelled(calls) => {
                for (id, name) in calls {
                    self.on_cancelled(id, name);
                }
            }
            VoiceEvent::AgentStartedSpeaking(latency) => {
                self.turns.service_started(latency);
                self.step(Input::AgentStartedSpeaking);
            }
            VoiceEvent::AgentAudioDone => self.step(Input::AgentAudioDone),
            VoiceEvent::Latency(report) => self.turns.service_report(report),
            VoiceEvent::Warning { code, description } => {
                tracing::warn!(%code, %description, "agent warning");
                self.report
                    .warnings
                    .push(ErrorRecord { code: code.clone(), description: description.clone() });
                self.emit(SessionEvent::Warning { code, description });
            }
            VoiceEvent::TurnRefused(message) => {
                tracing::warn!(%message, "agent refused an injected message");
                self.emit(SessionEvent::Warning { code: "INJECTION_REFUSED".into(), description: message });
            }
            VoiceEvent::Error { code, description } => {
                tracing::error!(%code, %description, "agent error");
                self.last_error = Some(ErrorRecord { code: code.clone(), description: description.clone() });
                self.error(&code, description);
            }
            VoiceEvent::Malformed(error) => {
                tracing::warn!(%error, "malformed frame from the agent");
                self.error("MALFORMED_SERVER_MESSAGE", error);
            }
            VoiceEvent::Other => {}
            VoiceEvent::Closed { code, reason } => self.on_closed(code, reason),
        }
    }

    fn on_user_text(&mut self, content: String) {
        if content.trim().is_empty() {
            return;
        }
        // A typed turn may come back as user text; it was stored when it was sent.
        if self.typed_echo.front().is_some_and(|t| t.trim() == content.trim()) {
            self.typed_echo.pop_front();
            return;
        }
        self.step(Input::UserText);
        self.user_text(content, false, None);
    }

    fn on_cancelled(&mut self, id: String, name: String) {
        self.pending_calls.remove(&id);
        self.cancelled.insert(id.clone());
        self.history.retain(|m| !matches!(m, HistoryEntry::Call { id: call, .. } if *call == id));
        if let Some(record) = self.call_record(&id) {
            record.cancelled = true;
        }
        // Queued after the run, so an executed call is undone.
        self.worker.push(Job::CancelIntent { call_id: id.clone(), name: name.clone() });
        self.emit(SessionEvent::FunctionCancelled { id, name });
    }

    fn on_call(&mut self, call: FunctionCallRequest) {
        self.emit(SessionEvent::FunctionCall {
            id: call.id.clone(),
            name: call.name.clone(),
            arguments: call.arguments.clone(),
        });
        if !call.client_side {
            self.record_call(record(&call, false));
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
            let (id, name, content) =
                (done.id.clone(), done.name.clone(), done.result.clone().unwrap_or_default());
            self.answer(&id, &name, &content);
            return;
        }
        self.step(Input::CallStarted);
        self.pending_calls.insert(call.id.clone(), call.name.clone());
        self.record_call(record(&call, true));
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
        let entry = HistoryEntry::Call {
            id: done.call_id.clone(),
            name: done.name.clone(),
            arguments: if arguments.is_empty() { "{}".into() } else { arguments },
            response: done.content.clone(),
        };
        push_recent(&mut self.history, entry, HISTORY_KEEP);
        self.answer(&done.call_id, &done.name, &done.content);
        self.last_provider_activity = Instant::now();
    }

    pub(super) fn on_closed(&mut self, code: Option<u16>, reason: String) {
        self.detach();
        let agent_error = self.last_error.take().map(|e| (e.code, e.description));
        self.step(Input::Closed { code, reason, agent_error });
    }

    fn answer(&mut self, id: &str, name: &str, content: &str) {
        match self.link.as_ref().map(|l| l.answer_call(id, name, content)) {
            Some(Ok(())) => {}
            Some(Err(e)) => tracing::warn!(error = %e, "could not queue a message for the agent"),
            // Reconnecting: the new link learns the result from the conversation so far.
            None => tracing::debug!("no agent connection; the result goes with the resumed history"),
        }
    }

    fn error(&mut self, code: &str, description: String) {
        self.report.errors.push(ErrorRecord { code: code.to_string(), description: description.clone() });
        self.emit(SessionEvent::Error { code: code.to_string(), description });
    }
}

fn record(call: &FunctionCallRequest, client_side: bool) -> CallRecord {
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
