//! The session's lifecycle outside single events: attaching and detaching connections,
//! the 20 ms housekeeping tick (silence after the input, reconnect timer, typed turns, the
//! "agent is done" check), reconnect outcomes, and the final bookkeeping.

use std::time::Instant;

use super::events::{SessionEnd, SessionEvent, SessionState};
use super::link::{open, LinkError};
use super::runner::{Runner, FRAME};
use super::{CallRecord, ErrorRecord, SessionReport, TranscriptLine};
use crate::agent::{AgentConnection, Auth, ConnectConfig, HistoryItem};

impl Runner {
    pub(super) fn connect_config(&self) -> ConnectConfig {
        let mut c = ConnectConfig::new(self.opts.agent_url.clone(), Auth::Bearer(String::new()));
        c.keepalive_every = self.opts.keepalive_every;
        c.connect_timeout = self.opts.connect_timeout;
        c.record_write_latency = self.opts.record_write_latency;
        c
    }

    pub(super) fn emit(&self, event: SessionEvent) {
        let _ = self.events.send(event);
    }

    pub(super) fn set_state(&mut self, state: SessionState) {
        if self.state != state {
            self.state = state;
            self.emit(SessionEvent::State { state });
        }
    }

    pub(super) fn attach(&mut self, conn: AgentConnection) {
        self.emit(SessionEvent::Started {
            session_id: self.session_id.clone(),
            request_id: conn.request_id.clone(),
        });
        self.report.request_ids.push(conn.request_id.clone());
        self.worker.push(super::worker::Job::RequestId(conn.request_id.clone()));
        self.sender = Some(conn.sender());
        self.conn = Some(conn);
        self.last_server_activity = Instant::now();
        self.last_error = None;
    }

    /// Folds a finished connection's writer counters into the session's.
    pub(super) fn detach(&mut self) {
        if let Some(sender) = self.sender.take() {
            let s = sender.stats();
            self.stats.frames_sent += s.frames_sent();
            self.stats.keepalives_sent += s.keepalives_sent();
            self.stats.frames_unsent += s.frames_dropped();
            let latencies = s.take_write_latencies();
            self.report
                .write_latencies_us
                .extend(latencies.into_iter().map(|d| u32::try_from(d.as_micros()).unwrap_or(u32::MAX)));
        }
        self.conn = None;
    }

    pub(super) fn on_tick(&mut self) {
        let now = Instant::now();
        if self.turns.awaiting_played() {
            if let Some(at) = self.playback.first_sample_played_at() {
                self.turns.played(at);
            }
        }
        if self.input_ended {
            while self.next_silence_at <= now {
                if let Some(sender) = &self.sender {
                    let _ = sender.send_audio(self.silence.clone(), now);
                }
                // The VAD hears what is sent, so speech that ran to the end of the input ends.
                if let Some(super::vad::VadEvent::SpeechEnd(at)) =
                    self.vad.push(super::vad::SILENCE_DBFS, now)
                {
                    self.turns.speech_ended(at);
                }
                self.next_silence_at += FRAME;
            }
        }
        if let Some((attempt, due, _)) = &self.reconnect {
            if *due <= now && self.connecting.is_none() {
                tracing::info!(attempt, "reconnecting to the agent");
                let mut setup = self.setup.clone();
                setup.greeting = None;
                setup.context = self.history.clone();
                let task = open(self.control.clone(), None, self.connect_config(), setup);
                self.connecting = Some(tokio::spawn(task));
            }
        }
        if self.state == SessionState::AgentSpeaking && !self.reply_active && self.playback.is_drained() {
            self.set_state(SessionState::Listening);
        }
        self.dispatch_say(now);
        if self.input_ended && self.agent_done(now) {
            self.end = Some(SessionEnd::Completed);
        }
    }

    /// Whether the agent is idle: nothing pending, nothing playing, not mid-reply.
    pub(super) fn agent_idle(&self) -> bool {
        self.conn.is_some()
            && self.pending_calls.is_empty()
            && !self.reply_active
            && self.playback.is_drained()
    }

    pub(super) fn agent_done(&self, now: Instant) -> bool {
        let quiet = now.saturating_duration_since(self.last_server_activity);
        self.agent_idle()
            && self.says.is_empty()
            && quiet >= self.opts.settle
            && (!self.awaiting_reply || quiet >= self.opts.reply_timeout)
    }

    pub(super) fn dispatch_say(&mut self, now: Instant) {
        let owed = self.awaiting_reply
            && now.saturating_duration_since(self.last_server_activity) < self.opts.reply_timeout;
        if self.says.is_empty() || !self.agent_idle() || owed || self.vad.in_speech() {
            return;
        }
        let Some(text) = self.says.pop_front() else { return };
        let message = crate::agent::ClientMessage::InjectUserMessage { content: text.clone() };
        if let Some(sender) = &self.sender {
            if let Err(e) = sender.send(&message) {
                tracing::warn!(error = %e, "typed turn not sent");
                return;
            }
        }
        self.typed_echo.push_back(text.clone());
        self.awaiting_reply = true;
        self.last_server_activity = now;
        self.user_text(text, true, Some(now));
    }

    pub(super) fn on_linked(&mut self, result: Result<AgentConnection, LinkError>) {
        let Some((attempt, _, reason)) = self.reconnect.take() else { return };
        match result {
            Ok(conn) => {
                self.stats.reconnects += 1;
                self.attach(conn);
                // Replies in flight on the old socket are gone; so are their calls.
                self.reply_active = false;
                self.pending_calls.clear();
                self.set_state(SessionState::Listening);
            }
            Err(e) if !e.retriable => {
                let reason = format!("reconnect refused: {}", e.message);
                self.end = Some(SessionEnd::Interrupted { reason });
            }
            Err(e) if attempt >= self.opts.max_reconnects => {
                let reason =
                    format!("gave up after {attempt} reconnect attempts ({reason}; last: {})", e.message);
                self.end = Some(SessionEnd::Interrupted { reason });
            }
            Err(e) => {
                let next = attempt + 1;
                let delay = super::link::backoff(next, self.opts.backoff_base, self.opts.backoff_max);
                self.emit(SessionEvent::Reconnecting { attempt: next, reason: e.message.clone() });
                self.reconnect = Some((next, Instant::now() + delay, reason));
            }
        }
    }

    /// Closes the connection, records the last turn and the counters, and ends the record.
    pub(super) async fn finish(&mut self, end: SessionEnd) -> SessionReport {
        if let Some(mut conn) = self.conn.take() {
            conn.close(self.opts.close_wait).await;
            self.conn = Some(conn);
        }
        self.detach();
        if let Some(task) = self.connecting.take() {
            task.abort();
        }
        if let Some(metrics) = self.turns.take() {
            self.record_turn(metrics);
        }
        let playback = self.playback.stats();
        self.stats.playback_underruns = playback.underruns;
        self.stats.turns = self.report.turns.len() as u64;
        let finish = match &end {
            SessionEnd::Interrupted { reason } => super::worker::Finish::Interrupted(reason.clone()),
            _ => super::worker::Finish::Close,
        };
        for e in self.worker.finish(self.stats, finish).await {
            self.report.errors.push(ErrorRecord { code: "STORE".into(), description: e.to_string() });
        }
        self.emit(SessionEvent::SessionStats { stats: self.stats });
        self.emit(SessionEvent::Ended { outcome: end.clone() });
        self.set_state(SessionState::Closed);
        self.report.stats = self.stats;
        self.report.end = end;
        self.report.clone()
    }

    pub(super) fn record_turn(&mut self, metrics: super::TurnMetrics) {
        self.emit(SessionEvent::TurnMetrics { metrics: metrics.clone() });
        self.worker.push(super::worker::Job::TurnMetrics(metrics.clone()));
        self.report.turns.push(metrics);
    }

    pub(super) fn user_text(&mut self, content: String, typed: bool, typed_at: Option<Instant>) {
        if let Some(done) = self.turns.user_turn(typed_at) {
            self.record_turn(done);
        }
        self.store_text("user", content, typed);
    }

    pub(super) fn store_text(&mut self, role: &str, content: String, typed: bool) {
        self.history.push(HistoryItem { role: role.to_string(), content: content.clone() }.into());
        self.worker
            .push(super::worker::Job::SaveMessage { role: role.to_string(), content: content.clone() });
        self.emit(SessionEvent::Transcript { role: role.to_string(), content: content.clone(), typed });
        self.report.transcript.push(TranscriptLine { role: role.to_string(), content, typed });
    }

    pub(super) fn call_record(&mut self, id: &str) -> Option<&mut CallRecord> {
        self.report.function_calls.iter_mut().rev().find(|c| c.id == id)
    }
}
