//! Emergency phrases in the user's words, end to end against the fake Deepgram agent: the
//! notice is shown, the agent is told (UpdatePrompt) and the conversation flagged, once per
//! category; words that only look alike do nothing.

mod support;

use std::sync::Arc;

use companion::safety::{SafetyConfig, SafetyGuard};
use companion::session::memory::ScriptedSource;
use companion::session::{SessionCommand, SessionEnd, SessionEvent};
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::fake_openai::{self as openai_fake, FakeOpenAi};
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

/// OpenAI: a typed turn with an emergency phrase puts a system message with the numbers into the
/// conversation and asks for a reply that follows it, after the reply already under way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_openai_the_instruction_is_a_system_message_and_a_new_response() {
    let fake = FakeOpenAi::start(openai_fake::FakeConfig::new(
        "sk-unused",
        TOKEN,
        vec![
            openai_fake::Step::Typed,
            openai_fake::Step::Reply { text: "Oh no.".into(), ms: 300 },
            openai_fake::Step::Reply { text: "Please call 112 now.".into(), ms: 300 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(3000)], false);
    let say = vec![(0, SessionCommand::Say("I cant breathe".into()))];
    let out =
        run_with(control.clone(), openai_provider(control.clone(), &fake), source, options_for_any(), say)
            .await;
    assert_eq!(out.report().end, SessionEnd::Completed);
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert!(log.errors_sent.is_empty(), "{:?}", log.errors_sent);
    let system: Vec<&serde_json::Value> =
        log.items.iter().map(|(_, i)| i).filter(|i| i["role"] == "system").collect();
    assert_eq!(system.len(), 1, "{:?}", log.items);
    let text = system[0]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("112") && !text.contains("cant breathe"), "{text}");
    // The greeting, the typed turn and the instruction each asked for a response.
    assert_eq!(log.response_creates, 3);
    assert_eq!(control.snapshot().safety_flags, ["breathing"]);
    assert_eq!(notices(&out).len(), 1);
}

/// Session options for a provider other than the Deepgram fake (no agent URL).
fn options_for_any() -> companion::session::SessionOptions {
    let mut o = companion::session::SessionOptions::new("local-user");
    o.reply_timeout = std::time::Duration::from_secs(4);
    o.backoff_base = std::time::Duration::from_millis(100);
    o.settle = std::time::Duration::from_millis(600);
    o
}

/// Through the real service and store: the flag is stored by category (the words stay in the
/// messages only), Review's list and detail show it, and a conversation without one does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flag_is_stored_and_review_shows_it() {
    use chrono::{TimeZone, Utc};
    use companion::backend::{Service, ServiceParts};
    use companion::voice::scripted::{Cue, ScriptStep, ScriptedProvider};
    use companion::voice::VoiceEvent;

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(companion::store::Store::open_in(dir.path()).unwrap());
    let service = Service::new(ServiceParts {
        store: store.clone(),
        settings: companion::config::Settings::default(),
        catalog: companion::config::catalog::Catalog::builtin(),
        prompt_template: companion::config::prompt::DEFAULT_TEMPLATE.to_string(),
        key: Arc::new(|| None::<companion::config::secret::Secret>),
        clock: companion::time::Clock::manual(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()),
    });
    let converse = |said: &'static str| {
        let service = service.clone();
        async move {
            let control = companion::launch::ServiceControl::without_credentials(
                service,
                tokio::runtime::Handle::current(),
            );
            let mut answer =
                vec![VoiceEvent::AgentTranscript { role: "assistant".into(), content: "OK.".into() }];
            answer.extend(ScriptedProvider::reply(200, 24_000));
            let script = ScriptedProvider::new(vec![ScriptStep { cue: Cue::Typed, events: answer }]);
            let source = ScriptedSource::new(16_000, &[silence(1000)], false);
            let say = vec![(0, SessionCommand::Say(said.into()))];
            let out =
                run_with(Arc::new(control), Arc::new(script.clone()), source, options_for_any(), say).await;
            (out.report().session_id.clone(), script.log().instructions)
        }
    };
    let (flagged, told) = converse("I think I took too many pills").await;
    let (plain, not_told) = converse("I took my vitamins").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(not_told.is_empty(), "{not_told:?}");

    let detail = service.session_detail(&flagged).unwrap();
    assert_eq!(detail.safety_categories, ["overdose"]);
    assert!(detail.conversation.safety_notice);
    assert!(service.session_detail(&plain).unwrap().safety_categories.is_empty());
    let listed: Vec<(String, bool)> =
        service.list_sessions(10).unwrap().into_iter().map(|c| (c.id, c.safety_notice)).collect();
    assert!(listed.contains(&(flagged.clone(), true)) && listed.contains(&(plain, false)), "{listed:?}");
    // Only the category is in the flags table.
    let rows = store.read(|c| companion::store::safety::categories_of(c, &flagged)).unwrap();
    assert_eq!(rows, ["overdose"]);
}
