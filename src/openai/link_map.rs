//! How [`OpenAiLink`] turns server events into provider-neutral ones: transcripts in spoken
//! order, audio at the session's rate, barge-in with truncation, and the end of a response
//! (calls to run, an owed `response.create`).

use std::time::Instant;

use base64::Engine;

use super::{OpenAiLink, Playing, BYTES_PER_MS};
use crate::openai::connection::Incoming;
use crate::openai::events;
use crate::openai::server::ServerEvent;
use crate::voice::{AgentStartedLatency, Bytes, FunctionCallRequest, VoiceEvent};

impl OpenAiLink {
    pub(super) fn on_incoming(&mut self, incoming: Incoming) {
        let event = match incoming {
            Incoming::Event(event) => event,
            Incoming::Malformed(e) => return self.queue.push_back(VoiceEvent::Malformed(e)),
            Incoming::Closed { code, reason } => {
                self.closed = true;
                self.release_parked();
                return self.queue.push_back(VoiceEvent::Closed { code, reason });
            }
        };
        let out = match event {
            ServerEvent::SpeechStarted => {
                self.barge_in();
                self.release_parked();
                VoiceEvent::UserStartedSpeaking
            }
            ServerEvent::Committed => {
                self.user_transcript_due = true;
                VoiceEvent::Other
            }
            ServerEvent::UserTranscript { transcript } => {
                if !transcript.trim().is_empty() {
                    self.queue.push_back(VoiceEvent::UserTranscript(transcript.trim().to_string()));
                }
                return self.release_parked();
            }
            ServerEvent::TranscriptionFailed { code, message } => {
                self.queue.push_back(VoiceEvent::Warning { code, description: message });
                return self.release_parked();
            }
            ServerEvent::ResponseCreated { .. } => {
                self.responses().active = true;
                self.response_audio = false;
                self.calls.clear();
                VoiceEvent::AgentThinking
            }
            ServerEvent::AudioDelta { item_id, delta } => return self.on_audio(item_id, &delta),
            ServerEvent::AgentTranscript { transcript } if !transcript.trim().is_empty() => {
                let content = transcript.trim().to_string();
                let event = VoiceEvent::AgentTranscript { role: "assistant".into(), content };
                if self.user_transcript_due {
                    return self.parked.push(event);
                }
                event
            }
            ServerEvent::CallItem { call_id, name } => {
                self.names.insert(call_id, name);
                VoiceEvent::Other
            }
            ServerEvent::CallArguments { call_id, name, arguments } => {
                let name = name.filter(|n| !n.is_empty()).or_else(|| self.names.get(&call_id).cloned());
                self.calls.push(FunctionCallRequest {
                    id: call_id,
                    name: name.unwrap_or_default(),
                    arguments,
                    client_side: true,
                });
                VoiceEvent::Other
            }
            ServerEvent::ResponseDone { status, error, .. } => return self.on_response_done(&status, error),
            ServerEvent::Error { code, message } => match code.as_str() {
                // Benign: a response was running; the create is retried when it is done.
                "conversation_already_has_active_response" => {
                    self.responses().create_owed = true;
                    VoiceEvent::Warning { code, description: message }
                }
                "response_cancel_not_active" => VoiceEvent::Warning { code, description: message },
                // The server closes next; a new connection resumes with the history.
                "session_expired" => VoiceEvent::Warning { code, description: message },
                // A truncation past the item's end: the server applies it clamped anyway.
                _ if message.starts_with("Audio content of") => {
                    VoiceEvent::Warning { code, description: message }
                }
                _ => VoiceEvent::Error { code, description: message },
            },
            _ => VoiceEvent::Other,
        };
        self.queue.push_back(out);
    }

    /// Delivers the agent transcripts that waited for the user's.
    fn release_parked(&mut self) {
        self.user_transcript_due = false;
        self.queue.extend(self.parked.drain(..));
    }

    fn on_audio(&mut self, item_id: String, delta: &str) {
        let pcm = match base64::engine::general_purpose::STANDARD.decode(delta) {
            Ok(pcm) => pcm,
            Err(e) => return self.queue.push_back(VoiceEvent::Malformed(format!("audio delta: {e}"))),
        };
        if self.playing.as_ref().is_none_or(|p| p.item_id != item_id) {
            self.playing = Some(Playing { item_id, first_at: Instant::now(), received_ms: 0.0 });
        }
        if let Some(p) = self.playing.as_mut() {
            p.received_ms += pcm.len() as f64 / BYTES_PER_MS;
        }
        if !self.response_audio {
            self.response_audio = true;
            self.queue.push_back(VoiceEvent::AgentStartedSpeaking(AgentStartedLatency::default()));
        }
        let mut out = Vec::with_capacity(pcm.len());
        self.output.convert(&pcm, &mut out);
        if !out.is_empty() {
            self.queue.push_back(VoiceEvent::Audio(Bytes::from(out)));
        }
    }

    /// The user talks over the agent: cut the item to what was played. The session starts
    /// playing agent audio as it arrives, so the time since the item's first chunk, capped at
    /// what was received, is what the user heard; an item already played to its end is left.
    fn barge_in(&mut self) {
        self.output.reset();
        let Some(p) = self.playing.take() else { return };
        let elapsed = p.first_at.elapsed().as_secs_f64() * 1000.0;
        if elapsed >= p.received_ms {
            return;
        }
        if let Err(e) = self.send(&events::truncate(&p.item_id, elapsed.floor() as u64)) {
            tracing::debug!(error = %e, "truncate not sent");
        }
    }

    fn on_response_done(&mut self, status: &str, error: Option<(String, String)>) {
        let calls = std::mem::take(&mut self.calls);
        let mut create = false;
        {
            let mut r = self.responses();
            r.active = false;
            if status == "completed" && !calls.is_empty() {
                r.unanswered = calls.iter().map(|c| c.id.clone()).collect();
            } else if r.create_owed && r.unanswered.is_empty() {
                r.create_owed = false;
                r.active = true;
                create = true;
            }
        }
        if create {
            if let Err(e) = self.send(&events::response_create()) {
                tracing::debug!(error = %e, "owed response.create not sent");
            }
        }
        if self.response_audio {
            self.response_audio = false;
            self.queue.push_back(VoiceEvent::AgentAudioDone);
        }
        if let (true, Some((code, description))) = (status == "failed", error) {
            self.queue.push_back(VoiceEvent::Error { code, description });
        }
        if status == "completed" && !calls.is_empty() {
            self.queue.push_back(VoiceEvent::FunctionCalls(calls));
        } else {
            self.queue.push_back(VoiceEvent::Other);
        }
    }
}
