//! Conversations over several turns: a question for a missing slot, its answer, a change of
//! mind, an answer that can't be used. And no input, of any shape, makes a turn panic.

use super::*;
use crate::understand::rules::tests::{assert_valid, now};
use crate::understand::{resolve_time, RuleUnderstanding, Understanding};
use chrono::TimeZone;
use chrono_tz::Europe::Berlin;
use proptest::prelude::*;
use serde_json::{json, Value};

enum Want {
    Call(&'static str, Value),
    Ask(&'static str),
    /// A reply that runs nothing and keeps no question open.
    Say,
}

/// Runs the turns through one conversation and checks each reply.
fn talk(turns: &[(&str, Want)]) {
    let mut u = RuleUnderstanding::new();
    for (text, want) in turns {
        let got = u.turn(text, now(), Berlin);
        assert_valid(&got);
        match (want, &got) {
            (Want::Call(name, args), Reply::Call { name: n, arguments }) => {
                assert_eq!((*name, args), (n.as_str(), arguments), "{text}");
            }
            (Want::Ask(q), Reply::Ask(asked)) => assert_eq!(q, asked, "{text}"),
            (Want::Say, Reply::Say(_)) => {}
            _ => panic!("{text:?} gave {got:?}"),
        }
    }
}

fn task(title: &str, at: &str) -> Want {
    Want::Call("create_task", json!({"title": title, "scheduled_at": at}))
}

#[test]
fn a_missing_time_is_asked_for() {
    talk(&[
        ("Add a task to call mom", Want::Ask("When should I schedule call mom?")),
        ("tomorrow at 3 pm", task("call mom", "2026-11-25T15:00:00")),
        ("Add a task for the dentist", Want::Ask("When should I schedule the dentist?")),
        ("um, at three please", task("the dentist", "2026-11-24T15:00:00")),
        ("remind me to water the plants", Want::Ask("When should I schedule water the plants?")),
        ("make it 6", task("water the plants", "2026-11-24T18:00:00")),
    ]);
}

#[test]
fn a_day_is_kept_until_the_time_comes() {
    talk(&[
        (
            "remind me to call mom on Friday",
            Want::Ask("What time on Friday 27 November should I schedule call mom?"),
        ),
        ("at 10", task("call mom", "2026-11-27T10:00:00")),
        ("add buy milk", Want::Ask("When should I schedule buy milk?")),
        ("tomorrow", Want::Ask("What time tomorrow should I schedule buy milk?")),
        ("how about nine thirty", task("buy milk", "2026-11-25T09:30:00")),
    ]);
}

#[test]
fn other_missing_slots() {
    talk(&[
        ("add a task for tomorrow at 3", Want::Ask("What should I call the task?")),
        ("buy milk", task("buy milk", "2026-11-25T15:00:00")),
        ("add a task", Want::Ask("What should I call the task?")),
        ("call it spanish homework", Want::Ask("When should I schedule spanish homework?")),
        ("friday at 5", task("spanish homework", "2026-11-27T17:00:00")),
        ("I finished", Want::Ask("Which task did you finish?")),
        ("the spanish lesson", Want::Call("complete_task", json!({"task": "spanish lesson"}))),
        ("move the dentist", Want::Ask("When should I move dentist?")),
        (
            "next monday at 10",
            Want::Call("reschedule_task", json!({"task": "dentist", "new_time": "2026-11-30T10:00:00"})),
        ),
        ("move it to 5 pm", Want::Ask("Which task should I move?")),
        ("the gym", Want::Call("reschedule_task", json!({"task": "gym", "new_time": "2026-11-24T17:00:00"}))),
    ]);
}

#[test]
fn goals_ask_for_what_they_lack() {
    let goal = |g, t| Want::Call("submit_goal_intent", json!({"goal_statement": g, "timeline": t}));
    talk(&[
        ("My goal is to learn Spanish", Want::Ask("By when do you want to reach that goal?")),
        ("in six months", goal("learn Spanish", "six months")),
        ("set a goal", Want::Ask("What's the goal you'd like to reach?")),
        ("run a marathon by next summer", goal("run a marathon", "next summer")),
        ("I have a new goal: write a novel", Want::Ask("By when do you want to reach that goal?")),
        ("maybe by Christmas", goal("write a novel", "Christmas")),
    ]);
}

#[test]
fn cancelling_or_starting_something_else_drops_the_question() {
    talk(&[
        ("remind me to call mom", Want::Ask("When should I schedule call mom?")),
        ("never mind", Want::Say),
        ("tomorrow at 3", Want::Say),
        ("remind me to call mom", Want::Ask("When should I schedule call mom?")),
        ("what's on my list for tomorrow", Want::Call("list_tasks", json!({"day": "2026-11-25"}))),
        ("at 5", Want::Say),
        ("add a task for tomorrow at 3", Want::Ask("What should I call the task?")),
        ("remind me to buy milk at 6", task("buy milk", "2026-11-24T18:00:00")),
        ("I finished", Want::Ask("Which task did you finish?")),
        ("no", Want::Say),
    ]);
}

#[test]
fn a_weak_request_as_an_answer_is_just_text() {
    // "complete the tax return" would read as a completion on its own; asked for a title, it is one.
    talk(&[
        ("add a task for tomorrow at 3", Want::Ask("What should I call the task?")),
        ("complete the tax return", task("complete the tax return", "2026-11-25T15:00:00")),
    ]);
}

#[test]
fn unusable_answers_are_asked_again_twice_then_dropped() {
    let again = "Sorry, I didn't catch that. When should I schedule call mom? For example: tomorrow at 3 pm.";
    talk(&[
        ("remind me to call mom", Want::Ask("When should I schedule call mom?")),
        ("banana", Want::Ask(again)),
        ("um", Want::Ask(again)),
        ("purple elephants", Want::Say),
        ("at 3", Want::Say),
    ]);
    talk(&[
        ("remind me to call mom", Want::Ask("When should I schedule call mom?")),
        ("this morning", Want::Ask("That time has already passed. When should I schedule call mom? For example: tomorrow at 3 pm.")),
        ("at 5 pm", task("call mom", "2026-11-24T17:00:00")),
        ("I finished", Want::Ask("Which task did you finish?")),
        ("it", Want::Ask("Sorry, I didn't catch that. Which task did you finish?")),
        ("that one", Want::Ask("Sorry, I didn't catch that. Which task did you finish?")),
        ("yes", Want::Say),
    ]);
}

#[test]
fn a_sentence_about_something_else_is_no_task_name() {
    talk(&[
        ("I'm done", Want::Ask("Which task did you finish?")),
        ("I'm going to Paris next week", Want::Ask("Sorry, I didn't catch that. Which task did you finish?")),
        ("Mark is coming at 5", Want::Ask("Sorry, I didn't catch that. Which task did you finish?")),
        ("I finished the report", Want::Call("complete_task", json!({"task": "report"}))),
    ]);
}

#[test]
fn reset_forgets_the_question() {
    let mut u = RuleUnderstanding::new();
    assert!(matches!(u.turn("remind me to call mom", now(), Berlin), Reply::Ask(_)));
    u.reset();
    assert!(matches!(u.turn("tomorrow at 3", now(), Berlin), Reply::Say(_)));
}

const VOCABULARY: &[&str] = &[
    "remind",
    "me",
    "to",
    "add",
    "a",
    "task",
    "move",
    "the",
    "mark",
    "as",
    "done",
    "I",
    "finished",
    "my",
    "goal",
    "is",
    "by",
    "in",
    "at",
    "on",
    "tomorrow",
    "tonight",
    "next",
    "monday",
    "friday",
    "december",
    "3rd",
    "five",
    "thirty",
    "pm",
    "a.m.",
    "17:00",
    "9.30",
    "half",
    "past",
    "quarter",
    "hour",
    "hours",
    "minutes",
    "for",
    "45",
    "what's",
    "list",
    "this",
    "week",
    "weekend",
    "never",
    "mind",
    "not",
    "and",
    "a",
    "of",
    "from",
    "until",
    "every",
    "note",
    "called",
    "it",
    "0",
    "99999999999",
    "31",
    "february",
    "30th",
    "midnight",
    "noon",
    "'",
    "-",
    ":",
    ".",
    "?",
    "twenty",
    "oh",
    "o'clock",
    "morning",
    "evening",
    "days",
    "later",
    "back",
    "is",
    "want",
];

fn utterance() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,60}",
        prop::collection::vec(prop::sample::select(VOCABULARY), 0..14).prop_map(|w| w.join(" ")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any turns, at any time in any of a few timezones, give a reply and never panic; every
    /// call they make is one the intents accept.
    #[test]
    fn no_input_panics(
        turns in prop::collection::vec(utterance(), 1..5),
        secs in 0i64..4_102_444_800,
        zone in prop::sample::select(vec![Berlin, chrono_tz::America::New_York, chrono_tz::Asia::Kolkata, chrono_tz::UTC]),
    ) {
        let at = chrono::Utc.timestamp_opt(secs, 0).single().unwrap_or_else(now);
        let mut u = RuleUnderstanding::new();
        for t in &turns {
            if let Reply::Call { name, arguments } = u.turn(t, at, zone) {
                let catalog = crate::config::catalog::Catalog::builtin();
                prop_assert!(catalog.get(&name).is_some_and(|s| s.check_args(&arguments).is_ok()), "{name} {arguments}");
            }
            let _ = resolve_time(t, at, zone);
        }
    }
}
