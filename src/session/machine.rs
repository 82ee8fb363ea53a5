//! The conversation as an explicit state machine: which phase it is in, whether the agent owes
//! a reply, and what each event changes. It only decides; the session loop performs the
//! returned [`Action`]s (playback, sends, reconnects) and the store writes.

use std::time::{Duration, Instant};

use super::events::{SessionEnd, SessionState};

/// Where the conversation is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Connecting,
    Listening,
    UserSpeaking,
    Thinking,
    AgentSpeaking,
    /// The link dropped; attempt `attempt` is due at `due`.
    Reconnecting(Reconnect),
    Ended(SessionEnd),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reconnect {
    pub attempt: u32,
    pub due: Instant,
    /// Why the link was lost in the first place.
    pub reason: String,
}

/// How hard to try to get a dropped link back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconnectPolicy {
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl ReconnectPolicy {
    /// Exponential backoff: `base`, 2×, 4× … capped at `max`. `attempt` starts at 1.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.backoff_base.saturating_mul(factor).min(self.backoff_max)
    }
}

/// What happened, as far as the conversation's course is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The first link is up.
    Connected,
    /// The local voice detector heard speech start.
    LocalSpeechStarted,
    /// The provider heard the user start speaking; `playing` when agent speech was still
    /// arriving or queued.
    UserStartedSpeaking {
        playing: bool,
    },
    AgentAudio,
    AgentThinking,
    AgentStartedSpeaking,
    AgentAudioDone,
    /// The user's final text arrived (spoken).
    UserText,
    /// A typed turn went out.
    TypedTurnSent,
    /// A client-side function call is being run.
    CallStarted,
    /// The link closed; `agent_error` is the provider error that came just before, if any.
    Closed {
        code: Option<u16>,
        reason: String,
        agent_error: Option<(String, String)>,
    },
    /// The 20 ms housekeeping tick; `calls_running` while client-side calls have not answered.
    Tick {
        now: Instant,
        playback_drained: bool,
        connecting: bool,
        calls_running: bool,
    },
    Reconnected,
    ReconnectFailed {
        retriable: bool,
        message: String,
        now: Instant,
    },
    Stop,
    /// The input ended and the agent is done.
    Finished,
}

/// A side effect for the session loop to perform.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A reply starts: mark it in playback and in the turn's figures.
    BeginReply,
    /// Drop queued speech; `barge_in` when the user interrupted something playing.
    FlushPlayback { barge_in: bool },
    /// Start a connection attempt (the link dropped).
    OpenLink,
    /// Tell the user a reconnect attempt is coming.
    AnnounceReconnect { attempt: u32, reason: String },
    /// A new link replaced a dropped one: count it, and forget calls in flight on the old one.
    Resumed,
}

pub struct Conversation {
    phase: Phase,
    /// Agent audio of the current reply is arriving.
    reply_active: bool,
    /// The agent owes a reply (to speech, a typed turn or its greeting).
    awaiting_reply: bool,
    policy: ReconnectPolicy,
}

impl Conversation {
    pub fn new(policy: ReconnectPolicy, greeting: bool) -> Self {
        // A greeting is a reply the agent owes before any typed turn goes in.
        Conversation { phase: Phase::Connecting, reply_active: false, awaiting_reply: greeting, policy }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    /// Whether the next tick needs to know if playback has drained: only a finished reply
    /// still playing waits for it (asking the playback takes its queue's lock).
    pub fn awaits_drain(&self) -> bool {
        self.phase == Phase::AgentSpeaking && !self.reply_active
    }

    pub fn reply_active(&self) -> bool {
        self.reply_active
    }
    pub fn awaiting_reply(&self) -> bool {
        self.awaiting_reply
    }
    pub fn ended(&self) -> Option<&SessionEnd> {
        match &self.phase {
            Phase::Ended(end) => Some(end),
            _ => None,
        }
    }

    /// The state shown to the user; `None` once ended (the session reports `Closed` after its
    /// final bookkeeping).
    pub fn state(&self) -> Option<SessionState> {
        Some(match self.phase {
            Phase::Connecting => SessionState::Connecting,
            Phase::Listening => SessionState::Listening,
            Phase::UserSpeaking => SessionState::UserSpeaking,
            Phase::Thinking => SessionState::Thinking,
            Phase::AgentSpeaking => SessionState::AgentSpeaking,
            Phase::Reconnecting(_) => SessionState::Reconnecting,
            Phase::Ended(_) => return None,
        })
    }

    /// Applies one input and returns what the caller must do.
    pub fn step(&mut self, input: Input) -> Vec<Action> {
        if matches!(self.phase, Phase::Ended(_)) {
            return Vec::new();
        }
        let mut actions = Vec::new();
        let linked = !matches!(self.phase, Phase::Reconnecting(_) | Phase::Connecting);
        match input {
            Input::Connected => self.phase = Phase::Listening,
            Input::LocalSpeechStarted => self.awaiting_reply = true,
            Input::Stop => self.phase = Phase::Ended(SessionEnd::Stopped),
            Input::Finished => self.phase = Phase::Ended(SessionEnd::Completed),
            Input::TypedTurnSent => self.awaiting_reply = true,
            // Provider events only arrive over a live link.
            _ if !linked && is_provider_event(&input) => {}
            Input::UserStartedSpeaking { playing } => {
                actions.push(Action::FlushPlayback { barge_in: self.reply_active || playing });
                self.reply_active = false;
                self.awaiting_reply = true;
                self.phase = Phase::UserSpeaking;
            }
            Input::AgentAudio => {
                if !self.reply_active {
                    self.reply_active = true;
                    actions.push(Action::BeginReply);
                    self.phase = Phase::AgentSpeaking;
                }
            }
            Input::AgentThinking | Input::CallStarted => self.phase = Phase::Thinking,
            Input::AgentStartedSpeaking => self.phase = Phase::AgentSpeaking,
            Input::AgentAudioDone => {
                self.reply_active = false;
                self.awaiting_reply = false;
            }
            Input::UserText => {
                self.awaiting_reply = true;
                self.phase = Phase::Thinking;
            }
            Input::Closed { code, reason, agent_error } => {
                self.closed(code, reason, agent_error, &mut actions)
            }
            Input::Tick { now, playback_drained, connecting, calls_running } => match &self.phase {
                // A call that is still running when the link drops is answered first, so the
                // new link is told it ran (with its result) and the agent does not run it again.
                Phase::Reconnecting(r) if r.due <= now && !connecting && !calls_running => {
                    actions.push(Action::OpenLink)
                }
                Phase::AgentSpeaking if self.awaits_drain() && playback_drained => {
                    self.phase = Phase::Listening
                }
                _ => {}
            },
            Input::Reconnected => {
                if matches!(self.phase, Phase::Reconnecting(_)) {
                    actions.push(Action::Resumed);
                    // Replies in flight on the old link are gone.
                    self.reply_active = false;
                    self.phase = Phase::Listening;
                }
            }
            Input::ReconnectFailed { retriable, message, now } => {
                self.reconnect_failed(retriable, message, now, &mut actions)
            }
        }
        actions
    }

    fn closed(
        &mut self,
        code: Option<u16>,
        reason: String,
        agent_error: Option<(String, String)>,
        actions: &mut Vec<Action>,
    ) {
        if let Some((code, description)) = agent_error {
            let reason = format!("agent error {code}: {description}");
            self.phase = Phase::Ended(SessionEnd::Interrupted { reason });
            return;
        }
        let code = code.map_or_else(|| "none".to_string(), |c| c.to_string());
        let reason = format!(
            "connection lost (close code {code}{})",
            if reason.is_empty() { String::new() } else { format!(": {reason}") }
        );
        tracing::warn!(%reason, "agent connection lost");
        if self.policy.max_attempts == 0 {
            self.phase = Phase::Ended(SessionEnd::Interrupted { reason });
            return;
        }
        actions.push(Action::AnnounceReconnect { attempt: 1, reason: reason.clone() });
        // The first attempt is immediate: a dropped link is usually a blip.
        self.phase = Phase::Reconnecting(Reconnect { attempt: 1, due: Instant::now(), reason });
    }

    fn reconnect_failed(
        &mut self,
        retriable: bool,
        message: String,
        now: Instant,
        actions: &mut Vec<Action>,
    ) {
        let Phase::Reconnecting(r) = &self.phase else { return };
        let (attempt, reason) = (r.attempt, r.reason.clone());
        if !retriable {
            let reason = format!("reconnect refused: {message}");
            self.phase = Phase::Ended(SessionEnd::Interrupted { reason });
        } else if attempt >= self.policy.max_attempts {
            let reason = format!("gave up after {attempt} reconnect attempts ({reason}; last: {message})");
            self.phase = Phase::Ended(SessionEnd::Interrupted { reason });
        } else {
            let next = attempt + 1;
            actions.push(Action::AnnounceReconnect { attempt: next, reason: message });
            let due = now + self.policy.backoff(next);
            self.phase = Phase::Reconnecting(Reconnect { attempt: next, due, reason });
        }
    }
}

fn is_provider_event(input: &Input) -> bool {
    matches!(
        input,
        Input::UserStartedSpeaking { .. }
            | Input::AgentAudio
            | Input::AgentThinking
            | Input::AgentStartedSpeaking
            | Input::AgentAudioDone
            | Input::UserText
            | Input::CallStarted
            | Input::Closed { .. }
    )
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
