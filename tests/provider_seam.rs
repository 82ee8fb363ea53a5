//! The same conversations through three providers on the voice seam: Deepgram's Voice Agent
//! and OpenAI's Realtime API (each against its protocol-faithful fake) and an in-process
//! scripted provider. The session must
//! produce the same transcript, calls, store writes and reconnect behaviour on both.

mod support;

use std::sync::Arc;

use companion::session::memory::{MemoryControl, ScriptedSource};
use companion::session::{SessionCommand, SessionEnd};
use companion::voice::scripted::{Cue, ScriptStep, ScriptedProvider};
use companion::voice::{FunctionCallRequest, HistoryEntry, VoiceEvent, VoiceProvider};
use serde_json::json;
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::fake_openai::{self as openai_fake, FakeOpenAi};
use support::session_kit::*;

const GREETING: &str = "Hey! What can I help you with today?";
const TYPED: &str = "Add a task to call mum";
const DONE: &str = "Done, call mum is on your list.";

fn call_mum() -> FunctionCallRequest {
    FunctionCallRequest {
        id: "fc-1".into(),
        name: "create_task".into(),
        arguments: json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"}).to_string(),
        client_side: true,
    }
}

fn step(cue: Cue, events: Vec<VoiceEvent>) -> ScriptStep {
    ScriptStep { cue, events }
}

fn intents() -> Arc<MemoryControl> {
    Arc::new(control().with_intents(|name, args| Ok(format!("{name} ok: {}", args["title"]))))
}

/// A typed turn, a function call run locally, a spoken reply, then the end of the input.
async fn typed_turn_with_a_call(provider: Arc<dyn VoiceProvider>, control: Arc<MemoryControl>) -> Outcome {
    let source = ScriptedSource::new(16_000, &[silence(2500)], false);
    let mut opts = options_for_any();
    opts.settle = std::time::Duration::from_millis(600);
    let out =
        run_with(control.clone(), provider, source, opts, vec![(0, SessionCommand::Say(TYPED.into()))]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed);
    let lines: Vec<(&str, &str, bool)> =
        report.transcript.iter().map(|t| (t.role.as_str(), t.content.as_str(), t.typed)).collect();
    assert_eq!(
        lines,
        vec![("assistant", GREETING, false), ("user", TYPED, true), ("assistant", DONE, false)]
    );
    assert_eq!(report.function_calls.len(), 1);
    let call = &report.function_calls[0];
    assert_eq!((call.id.as_str(), call.name.as_str()), ("fc-1", "create_task"));
    assert_eq!(call.result.as_deref(), Some("create_task ok: \"Call mum\""));
    let log = control.snapshot();
    assert_eq!(log.messages.len(), 3, "{:?}", log.messages);
    assert_eq!(log.intents.len(), 1);
    assert!(log.closed && log.interrupted.is_none());
    assert!(out.played_bytes() > 0, "the reply was played");
    out
}

fn options_for_any() -> companion::session::SessionOptions {
    let mut o = companion::session::SessionOptions::new("local-user");
    o.reply_timeout = std::time::Duration::from_secs(4);
    o.backoff_base = std::time::Duration::from_millis(100);
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turn_with_a_call_on_deepgram() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::Typed,
            Step::Call {
                id: "fc-1".into(),
                name: "create_task".into(),
                args: json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"}),
                await_response: true,
            },
            Step::AgentText(DONE.into()),
            Step::Reply { ms: 400 },
        ],
    ))
    .await;
    let control = intents();
    let provider = provider(control.clone(), &options(&fake));
    typed_turn_with_a_call(provider, control).await;
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert_eq!(log.injected, vec![TYPED.to_string()]);
    assert_eq!(log.function_responses.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turn_with_a_call_on_a_scripted_provider() {
    let mut answer = vec![VoiceEvent::AgentTranscript { role: "assistant".into(), content: DONE.into() }];
    answer.extend(ScriptedProvider::reply(400, 24_000));
    let scripted = ScriptedProvider::new(vec![
        step(Cue::Typed, vec![VoiceEvent::FunctionCalls(vec![call_mum()])]),
        step(Cue::Answered("fc-1".into()), answer),
    ]);
    let control = intents();
    typed_turn_with_a_call(Arc::new(scripted.clone()), control).await;
    let log = scripted.log();
    assert!(log.script_done, "{log:?}");
    assert_eq!(log.typed, vec![TYPED.to_string()]);
    assert_eq!(log.answers.len(), 1);
    assert_eq!(log.closed_normally, 1);
}

/// A spoken turn whose call is answered, then the link drops: the session reconnects with a
/// fresh credential and hands the conversation so far to the new link.
async fn drop_and_resume(provider: Arc<dyn VoiceProvider>, control: Arc<MemoryControl>) -> Outcome {
    let source = ScriptedSource::new(16_000, &[silence(400), speech(700), silence(3000)], false);
    let out = run_with(control.clone(), provider, source, options_for_any(), vec![]).await;
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed);
    assert_eq!(report.stats.reconnects, 1);
    let lines: Vec<&str> = report.transcript.iter().map(|t| t.content.as_str()).collect();
    assert_eq!(lines, vec![GREETING, "Remember that I like tea", "Noted."]);
    let log = control.snapshot();
    assert_eq!(log.tokens_minted, 1, "a fresh credential for the new link");
    assert!(log.closed && log.interrupted.is_none());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_and_resume_on_deepgram() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            Step::Call {
                id: "fc-tea".into(),
                name: "create_task".into(),
                args: json!({"title": "Buy tea"}),
                await_response: true,
            },
            Step::Drop,
            Step::AgentText("Noted.".into()),
            Step::Reply { ms: 300 },
        ],
    ))
    .await;
    let control = intents();
    drop_and_resume(provider(control.clone(), &options(&fake)), control).await;
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    let ctx = log.settings[1]["agent"]["context"]["messages"].as_array().unwrap().clone();
    assert_eq!(ctx.len(), 3, "greeting, the user's words and the answered call: {ctx:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_and_resume_on_a_scripted_provider() {
    let tea = FunctionCallRequest {
        id: "fc-tea".into(),
        name: "create_task".into(),
        arguments: json!({"title": "Buy tea"}).to_string(),
        client_side: true,
    };
    let mut noted = vec![VoiceEvent::AgentTranscript { role: "assistant".into(), content: "Noted.".into() }];
    noted.extend(ScriptedProvider::reply(300, 24_000));
    let scripted = ScriptedProvider::new(vec![
        step(
            Cue::Speech,
            vec![
                VoiceEvent::UserStartedSpeaking,
                VoiceEvent::UserTranscript("Remember that I like tea".into()),
                VoiceEvent::FunctionCalls(vec![tea]),
            ],
        ),
        step(
            Cue::Answered("fc-tea".into()),
            vec![VoiceEvent::Closed { code: Some(1006), reason: String::new() }],
        ),
        step(Cue::Now, noted),
    ]);
    let control = intents();
    let scripted = scripted.with_credentials(control.clone());
    drop_and_resume(Arc::new(scripted.clone()), control).await;
    let log = scripted.log();
    assert!(log.script_done, "{log:?}");
    assert_eq!(log.connections, 2);
    let resumed = &log.requests[1];
    assert!(!resumed.greet && resumed.credential.is_none(), "the session asks the provider for one");
    assert_eq!(log.credentials[1].as_ref().map(|c| c.expose()), Some(TOKEN));
    assert!(resumed.history.iter().any(|h| matches!(h, HistoryEntry::Call { id, .. } if id == "fc-tea")));
    assert!(resumed
        .history
        .iter()
        .any(|h| matches!(h, HistoryEntry::Text { content, .. } if content == "Remember that I like tea")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_turn_with_a_call_on_openai() {
    let fake = FakeOpenAi::start(openai_fake::FakeConfig::new(
        "sk-unused",
        TOKEN,
        vec![
            openai_fake::Step::Typed,
            openai_fake::Step::Call {
                call_id: "fc-1".into(),
                name: "create_task".into(),
                args: json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"}),
                await_output: true,
            },
            openai_fake::Step::Reply { text: DONE.into(), ms: 400 },
        ],
    ))
    .await;
    let control = intents();
    typed_turn_with_a_call(openai_provider(control.clone(), &fake), control).await;
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert!(log.errors_sent.is_empty(), "{:?}", log.errors_sent);
    assert_eq!(log.typed, vec![TYPED.to_string()]);
    assert_eq!(log.function_outputs.len(), 1);
    assert_eq!(log.function_outputs[0]["output"], "create_task ok: \"Call mum\"");
    // The greeting, the typed turn and the function output each asked for a response.
    assert_eq!(log.response_creates, 3);
    let update = &log.session_updates[0]["session"];
    assert_eq!(update["audio"]["output"]["voice"], "marin");
    assert_eq!(update["tools"].as_array().unwrap().len(), support::session_kit::functions().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_and_resume_on_openai() {
    let fake = FakeOpenAi::start(openai_fake::FakeConfig::new(
        "sk-unused",
        TOKEN,
        vec![
            openai_fake::Step::UserTurn,
            openai_fake::Step::UserText("Remember that I like tea".into()),
            openai_fake::Step::Call {
                call_id: "fc-tea".into(),
                name: "create_task".into(),
                args: json!({"title": "Buy tea"}),
                await_output: true,
            },
            openai_fake::Step::Drop,
            openai_fake::Step::Reply { text: "Noted.".into(), ms: 300 },
        ],
    ))
    .await;
    let control = intents();
    drop_and_resume(openai_provider(control.clone(), &fake), control).await;
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    assert_eq!(log.connections, 2);
    let resumed: Vec<&serde_json::Value> =
        log.items.iter().filter(|(c, _)| *c == 2).map(|(_, i)| i).collect();
    let kinds: Vec<&str> = resumed.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["message", "message", "function_call", "function_call_output"],
        "greeting, the user's words and the answered call: {resumed:?}"
    );
}
