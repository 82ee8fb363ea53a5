//! The session's lifecycle outside single events: performing the state machine's actions,
//! attaching and detaching links, the 20 ms housekeeping tick (silence after the input,
//! reconnect attempts, typed turns, the "agent is done" check), and the final bookkeeping.

use std::time::Instant;

use super::events::{SessionEnd, SessionEvent, SessionState};
use super::machine::{Action, Input};
use super::recent::push_recent;
use super::runner::Runner;
use super::worker::{Finish, Job};
use super::{CallRecord, ErrorRecord, SessionReport, TranscriptLine, HISTORY_KEEP, REPORT_KEEP};
use crate::voice::{ConnectError, HistoryEntry, VoiceLink};

impl Runner {
    pub(super) fn emit(&self, event: SessionEvent) {
        let _ = self.events.send(event);
    }

    /// Feeds the state machine, performs its actions and shows a changed state.
    pub(super) fn step(&mut self, input: Input) {
        for action in self.conversation.step(input) {
            match action {
                Action::BeginReply => {
                    self.playback.begin_reply();
                    self.turns.reply_audio(Instant::now());
                }
                Action::FlushPlayback { barge_in } => {
                    if barge_in {
                        self.stats.barge_ins += 1;
                        self.turns.barged_in();
                    }
                    self.playback.flush();
                }
                Action::OpenLink => {
                    if let super::machine::Phase::Reconnecting(r) = self.conversation.phase() {
                        tracing::info!(attempt = r.attempt, "reconnecting to the agent");
                    }
                    let request = self.connect_request(None, false);
                    self.linking = Some(tokio::spawn(self.provider.connect(request)));
                }
                Action::AnnounceReconnect { attempt, reason } => {
                    self.emit(SessionEvent::Reconnecting { attempt, reason })
                }
                Action::Resumed => {
                    self.stats.reconnects += 1;
                    // Calls in flight on the old link will never be answered there.
                    self.pending_calls.clear();
                }
            }
        }
        let state = self.conversation.state();
        if state.is_some() && state != self.shown_state {
            self.shown_state = state;
            if let Some(state) = state {
                self.emit(SessionEvent::State { state });
            }
        }
    }

    pub(super) fn attach(&mut self, link: Box<dyn VoiceLink>) {
        let request_id = link.request_id().to_string();
        self.emit(SessionEvent::Started {
            session_id: self.session_id.clone(),
            request_id: request_id.clone(),
        });
        self.report.request_ids.push(request_id.clone());
        self.worker.push(Job::RequestId(request_id));
        self.link = Some(link);
        self.last_provider_activity = Instant::now();
        self.last_error = None;
    }

    /// Folds a finished link's counters into the session's and drops it.
    pub(super) fn detach(&mut self) {
        if let Some(mut link) = self.link.take() {
            let c = link.counters();
            self.stats.frames_sent += c.frames_sent;
            self.stats.keepalives_sent += c.keepalives_sent;
            self.stats.frames_unsent += c.frames_dropped;
            let latencies = link.take_write_latencies();
            self.report
                .write_latencies_us
                .extend(latencies.into_iter().map(|d| u32::try_from(d.as_micros()).unwrap_or(u32::MAX)));
        }
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
                if let Some(link) = &self.link {
                    let _ = link.send_audio(self.silence.clone(), now);
                }
                // The VAD hears what is sent, so speech that ran to the end of the input ends.
                if let Some(super::vad::VadEvent::SpeechEnd(at)) =
                    self.vad.push(super::vad::SILENCE_DBFS, now)
                {
                    self.turns.speech_ended(at);
                }
                self.next_silence_at += self.frame_period();
            }
        }
        let playback_drained = self.conversation.awaits_drain() && self.playback.is_drained();
        self.step(Input::Tick {
            now,
            playback_drained,
            connecting: self.linking.is_some(),
            calls_running: !self.pending_calls.is_empty(),
        });
        self.dispatch_say(now);
        if self.input_ended && self.agent_done(now) {
            self.step(Input::Finished);
        }
    }

    /// Whether the agent is idle: nothing pending, nothing playing, not mid-reply.
    pub(super) fn agent_idle(&self) -> bool {
        self.link.is_some()
            && self.pending_calls.is_empty()
            && !self.conversation.reply_active()
            && self.playback.is_drained()
    }

    pub(super) fn agent_done(&self, now: Instant) -> bool {
        let quiet = now.saturating_duration_since(self.last_provider_activity);
        self.agent_idle()
            && self.says.is_empty()
            && quiet >= self.opts.settle
            && (!self.conversation.awaiting_reply() || quiet >= self.opts.reply_timeout)
    }

    pub(super) fn dispatch_say(&mut self, now: Instant) {
        let owed = self.conversation.awaiting_reply()
            && now.saturating_duration_since(self.last_provider_activity) < self.opts.reply_timeout;
        if self.says.is_empty() || !self.agent_idle() || owed || self.vad.in_speech() {
            return;
        }
        let Some(text) = self.says.pop_front() else { return };
        if let Some(link) = &self.link {
            if let Err(e) = link.send_user_text(&text) {
                tracing::warn!(error = %e, "typed turn not sent");
                return;
            }
        }
        self.typed_echo.push_back(text.clone());
        self.step(Input::TypedTurnSent);
        self.last_provider_activity = now;
        self.user_text(text, true, Some(now));
    }

    pub(super) fn on_linked(&mut self, result: Result<Box<dyn VoiceLink>, ConnectError>) {
        match result {
            Ok(link) => {
                self.attach(link);
                self.step(Input::Reconnected);
            }
            Err(e) => {
                let input = Input::ReconnectFailed {
                    retriable: e.is_retriable(),
                    message: e.to_string(),
                    now: Instant::now(),
                };
                self.step(input);
            }
        }
    }

    /// Closes the link, records the last turn and the counters, and ends the record.
    pub(super) async fn finish(&mut self, end: SessionEnd) -> SessionReport {
        if let Some(link) = self.link.as_mut() {
            link.close(self.opts.close_wait).await;
        }
        self.detach();
        if let Some(task) = self.linking.take() {
            task.abort();
        }
        if let Some(metrics) = self.turns.take() {
            self.record_turn(metrics);
        }
        let playback = self.playback.stats();
        self.stats.playback_underruns = playback.underruns;
        let finish = match &end {
            SessionEnd::Interrupted { reason } => Finish::Interrupted(reason.clone()),
            _ => Finish::Close,
        };
        let finished = self.worker.finish(self.stats, finish).await;
        self.report.warnings.extend(finished.notices);
        for e in finished.errors {
            self.report.errors.push(ErrorRecord { code: "STORE".into(), description: e.to_string() });
        }
        self.emit(SessionEvent::SessionStats { stats: self.stats });
        self.emit(SessionEvent::Ended { outcome: end.clone() });
        if self.shown_state != Some(SessionState::Closed) {
            self.shown_state = Some(SessionState::Closed);
            self.emit(SessionEvent::State { state: SessionState::Closed });
        }
        self.report.stats = self.stats;
        self.report.end = end;
        self.report.clone()
    }

    pub(super) fn record_turn(&mut self, metrics: super::TurnMetrics) {
        self.emit(SessionEvent::TurnMetrics { metrics: metrics.clone() });
        self.worker.push(Job::TurnMetrics(metrics.clone()));
        self.stats.turns += 1;
        self.report.earlier.turns += push_recent(&mut self.report.turns, metrics, REPORT_KEEP);
    }

    pub(super) fn user_text(&mut self, content: String, typed: bool, typed_at: Option<Instant>) {
        if let Some(done) = self.turns.user_turn(typed_at) {
            self.record_turn(done);
        }
        let found = self.opts.safety.as_ref().and_then(|guard| guard.check(&content));
        self.store_text("user", content, typed);
        if let Some(found) = found {
            self.on_safety_match(found);
        }
    }

    pub(super) fn store_text(&mut self, role: &str, content: String, typed: bool) {
        let entry = HistoryEntry::Text { role: role.to_string(), content: content.clone() };
        push_recent(&mut self.history, entry, HISTORY_KEEP);
        // Shown before it is queued, so a notice that it could not be saved comes after it.
        self.emit(SessionEvent::Transcript { role: role.to_string(), content: content.clone(), typed });
        self.worker.push(Job::SaveMessage { role: role.to_string(), content: content.clone() });
        let line = TranscriptLine { role: role.to_string(), content, typed };
        self.report.earlier.transcript += push_recent(&mut self.report.transcript, line, REPORT_KEEP);
    }

    pub(super) fn record_call(&mut self, call: CallRecord) {
        self.report.earlier.function_calls += push_recent(&mut self.report.function_calls, call, REPORT_KEEP);
    }

    pub(super) fn call_record(&mut self, id: &str) -> Option<&mut CallRecord> {
        self.report.function_calls.iter_mut().rev().find(|c| c.id == id)
    }
}
