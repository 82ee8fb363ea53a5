//! The agent's socket drops mid-turn: while Flux is speaking, while a function call is still
//! running here, and right after its result was sent. In each case no call runs twice, no
//! result is lost, the transcript has no gap and no duplicate, and the conversation resumes.

mod support;

use std::sync::Arc;
use std::time::Duration;

use companion::session::memory::{MemoryControl, ScriptedSource};
use companion::session::SessionEnd;
use serde_json::{json, Value};
use support::fake_agent::{FakeAgent, FakeConfig, Step};
use support::session_kit::*;

const GREETING: &str = "Hey! What can I help you with today?";

fn call(id: &str, await_response: bool) -> Step {
    Step::Call {
        id: id.into(),
        name: "create_task".into(),
        args: json!({"title": "Buy tea", "scheduled_at": "2030-01-02T09:00:00"}),
        await_response,
    }
}

/// An intent that takes a while, as a busy disk would make it.
fn slow_intents() -> Arc<MemoryControl> {
    Arc::new(control().with_intents(|name, _| {
        std::thread::sleep(Duration::from_millis(300));
        Ok(format!("{name} done"))
    }))
}

fn context(settings: &Value) -> Vec<Value> {
    settings["agent"]["context"]["messages"].as_array().cloned().unwrap_or_default()
}

/// What every fault must leave: one run of the call, the transcript whole and in order, the
/// conversation completed on a second connection.
fn assert_whole(out: &Outcome, control: &MemoryControl, fake: &FakeAgent, last: &str) {
    let report = out.report();
    assert_eq!(report.end, SessionEnd::Completed, "{report:?}");
    assert_eq!(report.stats.reconnects, 1);
    let log = fake.log();
    assert!(log.script_done && log.problems.is_empty(), "{log:?}");
    let c = control.snapshot();
    assert_eq!(c.intents.len(), 1, "the call ran once: {:?}", c.intents);
    let said: Vec<&str> = c.messages.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(said, vec![GREETING, "Remember that I like tea", last], "no gap, no duplicate");
    assert!(c.closed && c.interrupted.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_while_flux_is_speaking() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            call("fc-1", true),
            Step::AgentText("Noted, you like tea.".into()),
            Step::Reply { ms: 1200 },
            Step::Drop,
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(600), speech(600), silence(3500)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    assert_whole(&out, &control, &fake, "Noted, you like tea.");
    let ctx = context(&fake.log().settings[1]);
    assert_eq!(ctx.len(), 4, "greeting, words, the answered call and the reply: {ctx:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_while_a_call_is_running_here() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            // The agent asks and drops before the (slow) intent has answered.
            call("fc-1", false),
            Step::Drop,
            Step::AgentText("Added tea to your list.".into()),
            Step::Reply { ms: 400 },
        ],
    ))
    .await;
    let control = slow_intents();
    let source = ScriptedSource::new(16_000, &[silence(600), speech(600), silence(3500)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    assert_whole(&out, &control, &fake, "Added tea to your list.");
    // The resumed agent is told the call already ran, with its result, so it will not ask again.
    let ctx = context(&fake.log().settings[1]);
    let calls: Vec<&Value> = ctx.iter().filter(|m| m.get("function_calls").is_some()).collect();
    assert_eq!(calls.len(), 1, "{ctx:?}");
    assert_eq!(calls[0]["function_calls"][0]["id"], "fc-1");
    assert_eq!(calls[0]["function_calls"][0]["response"], "create_task done");
    let report = out.report();
    assert_eq!(report.function_calls.len(), 1);
    assert_eq!(report.function_calls[0].result.as_deref(), Some("create_task done"), "the result is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_right_after_the_result_was_sent() {
    let fake = FakeAgent::start(FakeConfig::new(
        TOKEN,
        vec![
            Step::UserTurn,
            Step::UserText("Remember that I like tea".into()),
            call("fc-1", true),
            Step::Drop,
            Step::AgentText("Added tea to your list.".into()),
            Step::Reply { ms: 400 },
        ],
    ))
    .await;
    let control = Arc::new(control());
    let source = ScriptedSource::new(16_000, &[silence(600), speech(600), silence(3000)], false);
    let out = run_session(control.clone(), source, options(&fake), vec![]).await;
    assert_whole(&out, &control, &fake, "Added tea to your list.");
    assert_eq!(fake.log().function_responses.len(), 1, "answered once, on the first socket");
    let ctx = context(&fake.log().settings[1]);
    assert!(ctx.iter().any(|m| m["function_calls"][0]["id"] == "fc-1"), "{ctx:?}");
}
