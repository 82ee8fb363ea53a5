//! The transition table: (phase, input) → (phase, actions), one row per transition.

use super::*;

fn policy(max_attempts: u32) -> ReconnectPolicy {
    ReconnectPolicy {
        max_attempts,
        backoff_base: Duration::from_millis(250),
        backoff_max: Duration::from_secs(2),
    }
}

/// A conversation put into `phase` with the given reply flags.
fn at(phase: Phase, reply_active: bool, awaiting_reply: bool) -> Conversation {
    Conversation { phase, reply_active, awaiting_reply, policy: policy(3) }
}

fn reconnecting(attempt: u32, due: Instant) -> Phase {
    Phase::Reconnecting(Reconnect { attempt, due, reason: "connection lost (close code 1006)".into() })
}

fn interrupted(reason: &str) -> Phase {
    Phase::Ended(SessionEnd::Interrupted { reason: reason.into() })
}

/// (from, reply_active, awaiting_reply, input, to, reply_active', awaiting_reply', actions)
type Row = (Phase, bool, bool, Input, Phase, bool, bool, Vec<Action>);

#[test]
fn transition_table() {
    let now = Instant::now();
    let later = now + Duration::from_secs(1);
    let tick = |drained, connecting| Input::Tick {
        now,
        playback_drained: drained,
        connecting,
        calls_running: false,
    };
    let tick_with_calls = Input::Tick { now, playback_drained: true, connecting: false, calls_running: true };
    use Action::*;
    use Phase::*;
    let rows: Vec<Row> = vec![
        (Connecting, false, true, Input::Connected, Listening, false, true, vec![]),
        (Listening, false, false, Input::LocalSpeechStarted, Listening, false, true, vec![]),
        (
            AgentSpeaking,
            true,
            false,
            Input::UserStartedSpeaking { playing: false },
            UserSpeaking,
            false,
            true,
            vec![FlushPlayback { barge_in: true }],
        ),
        (
            Listening,
            false,
            false,
            Input::UserStartedSpeaking { playing: true },
            UserSpeaking,
            false,
            true,
            vec![FlushPlayback { barge_in: true }],
        ),
        (
            Listening,
            false,
            false,
            Input::UserStartedSpeaking { playing: false },
            UserSpeaking,
            false,
            true,
            vec![FlushPlayback { barge_in: false }],
        ),
        (UserSpeaking, false, true, Input::UserText, Thinking, false, true, vec![]),
        (Listening, false, false, Input::AgentThinking, Thinking, false, false, vec![]),
        (Listening, false, true, Input::CallStarted, Thinking, false, true, vec![]),
        (Thinking, false, true, Input::AgentAudio, AgentSpeaking, true, true, vec![BeginReply]),
        (AgentSpeaking, true, true, Input::AgentAudio, AgentSpeaking, true, true, vec![]),
        (Thinking, false, true, Input::AgentStartedSpeaking, AgentSpeaking, false, true, vec![]),
        (AgentSpeaking, true, true, Input::AgentAudioDone, AgentSpeaking, false, false, vec![]),
        (AgentSpeaking, false, false, tick(true, false), Listening, false, false, vec![]),
        (AgentSpeaking, false, false, tick(false, false), AgentSpeaking, false, false, vec![]),
        (AgentSpeaking, true, false, tick(true, false), AgentSpeaking, true, false, vec![]),
        (Listening, false, false, Input::TypedTurnSent, Listening, false, true, vec![]),
        (
            Listening,
            false,
            false,
            Input::Closed {
                code: Some(1011),
                reason: String::new(),
                agent_error: Some(("E".into(), "boom".into())),
            },
            interrupted("agent error E: boom"),
            false,
            false,
            vec![],
        ),
        (
            reconnecting(1, now),
            false,
            false,
            tick(true, false),
            reconnecting(1, now),
            false,
            false,
            vec![OpenLink],
        ),
        (reconnecting(1, now), false, false, tick(true, true), reconnecting(1, now), false, false, vec![]),
        (reconnecting(1, now), false, false, tick_with_calls, reconnecting(1, now), false, false, vec![]),
        (
            reconnecting(1, later),
            false,
            false,
            tick(true, false),
            reconnecting(1, later),
            false,
            false,
            vec![],
        ),
        (reconnecting(1, now), true, true, Input::Reconnected, Listening, false, true, vec![Resumed]),
        (
            reconnecting(1, now),
            false,
            false,
            Input::ReconnectFailed { retriable: false, message: "401".into(), now },
            interrupted("reconnect refused: 401"),
            false,
            false,
            vec![],
        ),
        (
            reconnecting(1, now),
            false,
            false,
            Input::ReconnectFailed { retriable: true, message: "503".into(), now },
            Reconnecting(Reconnect {
                attempt: 2,
                due: now + Duration::from_millis(500),
                reason: "connection lost (close code 1006)".into(),
            }),
            false,
            false,
            vec![AnnounceReconnect { attempt: 2, reason: "503".into() }],
        ),
        (
            reconnecting(3, now),
            false,
            false,
            Input::ReconnectFailed { retriable: true, message: "503".into(), now },
            interrupted("gave up after 3 reconnect attempts (connection lost (close code 1006); last: 503)"),
            false,
            false,
            vec![],
        ),
        // Provider events cannot change anything while no link is up.
        (
            reconnecting(1, later),
            false,
            false,
            Input::AgentAudio,
            reconnecting(1, later),
            false,
            false,
            vec![],
        ),
        (Thinking, false, true, Input::Stop, Phase::Ended(SessionEnd::Stopped), false, true, vec![]),
        (Listening, false, false, Input::Finished, Phase::Ended(SessionEnd::Completed), false, false, vec![]),
        // Once ended, nothing moves.
        (
            Phase::Ended(SessionEnd::Stopped),
            false,
            false,
            Input::AgentAudio,
            Phase::Ended(SessionEnd::Stopped),
            false,
            false,
            vec![],
        ),
        (
            Phase::Ended(SessionEnd::Stopped),
            false,
            false,
            Input::Connected,
            Phase::Ended(SessionEnd::Stopped),
            false,
            false,
            vec![],
        ),
    ];
    for (i, (from, active, awaiting, input, to, active2, awaiting2, actions)) in rows.into_iter().enumerate()
    {
        let mut c = at(from.clone(), active, awaiting);
        let got = c.step(input.clone());
        assert_eq!(got, actions, "row {i}: {from:?} + {input:?}");
        assert_eq!(c.phase, to, "row {i}: {from:?} + {input:?}");
        assert_eq!((c.reply_active, c.awaiting_reply), (active2, awaiting2), "row {i}: {from:?} + {input:?}");
    }
}

#[test]
fn a_dropped_link_reconnects_at_once_or_ends_when_reconnects_are_off() {
    let mut c = at(Phase::Listening, false, false);
    let actions = c.step(Input::Closed { code: Some(1006), reason: "gone".into(), agent_error: None });
    assert_eq!(
        actions,
        vec![Action::AnnounceReconnect {
            attempt: 1,
            reason: "connection lost (close code 1006: gone)".into()
        }]
    );
    assert!(matches!(c.phase(), Phase::Reconnecting(r) if r.attempt == 1 && r.due <= Instant::now()));
    assert_eq!(c.state(), Some(SessionState::Reconnecting));

    let mut c = Conversation::new(policy(0), false);
    c.step(Input::Connected);
    assert!(c.step(Input::Closed { code: None, reason: String::new(), agent_error: None }).is_empty());
    assert_eq!(
        c.ended(),
        Some(&SessionEnd::Interrupted { reason: "connection lost (close code none)".into() })
    );
    assert_eq!(c.state(), None);
}

#[test]
fn a_greeting_is_a_reply_owed() {
    assert!(Conversation::new(policy(1), true).awaiting_reply());
    assert!(!Conversation::new(policy(1), false).awaiting_reply());
}

#[test]
fn backoff_doubles_and_caps() {
    let got: Vec<_> = (1..=6).map(|a| policy(5).backoff(a).as_millis()).collect();
    assert_eq!(got, vec![250, 500, 1000, 2000, 2000, 2000]);
}
