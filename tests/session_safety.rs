//! Emergency phrases in the user's words, end to end against the fake Deepgram agent: the
//! notice is shown, the agent is told (UpdatePrompt) and the conversation flagged, once per
//! category; words that only look alike do nothing.

mod support;

use std::sync::Arc;

use companion::safety::{SafetyConfig, SafetyGuard};
use companion::session::memory::ScriptedSource;
use companion::session::{SessionEnd, SessionEvent};
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::session_kit::*;

/// Two spoken user turns with the given transcripts, each answered briefly.
async fn two_turns(
    first: &str,
    second: &str,
) -> (FakeAgent, Arc<companion::session::memory::MemoryControl>, Outcome) {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText(first.into()),
            Step::AgentText("I hear you.".into()),
            Step::Reply { ms: 400 },
            Step::UserTurn,
            Step::UserText(second.into()),
            Step::AgentText("I'm here.".into()),
            Step::Reply { ms: 300 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(
        16_000,
        &[silence(800), speech(700), silence(2000), speech(700), silence(300)],
        false,
    );
    let mut opts = options(&fake);
    let guard = SafetyGuard::new(Arc::new(SafetyConfig::builtin()), "US", "UTC").unwrap();
    opts.safety = Some(Arc::new(guard));
    let out = run_session(control.clone(), source, opts, vec![]).await;
    (fake, control, out)
}

fn notices(out: &Outcome) -> Vec<&companion::safety::SafetyNotice> {
    out.events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::SafetyNotice { notice } => Some(notice),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emergency_phrase_shows_the_notice_tells_the_agent_and_flags_once() {
    let (fake, control, out) =
        two_turns("I think I'm having a heart attack", "the chest pain is still there").await;
    assert_eq!(out.report().end, SessionEnd::Completed);
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");

    // The agent was told once, with the region's numbers and without the user's words.
    assert_eq!(log.prompt_updates.len(), 1, "{:?}", log.prompt_updates);
    let update = &log.prompt_updates[0];
    assert!(update.contains("911") && update.contains("988"), "{update}");
    assert!(!update.contains("having a heart attack"), "{update}");

    // Flagged once, by category.
    let c = control.snapshot();
    assert_eq!(c.safety_flags, ["chest_pain"]);
    assert!(c.closed);

    // One notice, after the transcript that caused it.
    let shown = notices(&out);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].category, "chest_pain");
    assert_eq!((shown[0].emergency_number.as_str(), shown[0].crisis_line.number.as_str()), ("911", "988"));
    let position = |f: &dyn Fn(&SessionEvent) -> bool| out.events.iter().position(f).unwrap();
    let said = position(&|e| matches!(e, SessionEvent::Transcript { role, .. } if role == "user"));
    let notice = position(&|e| matches!(e, SessionEvent::SafetyNotice { .. }));
    assert!(said < notice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_kind_of_emergency_is_acted_on_too() {
    let (fake, control, out) = two_turns("my chest pains are bad", "now I can’t breathe").await;
    assert!(fake.log().problems.is_empty());
    assert_eq!(fake.log().prompt_updates.len(), 2);
    assert_eq!(control.snapshot().safety_flags, ["chest_pain", "breathing"]);
    assert_eq!(notices(&out).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_misses_do_nothing() {
    let (fake, control, out) =
        two_turns("I signed up for chest painting classes", "what a stroke of luck").await;
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert!(log.prompt_updates.is_empty(), "{:?}", log.prompt_updates);
    assert!(control.snapshot().safety_flags.is_empty());
    assert!(notices(&out).is_empty());
}
