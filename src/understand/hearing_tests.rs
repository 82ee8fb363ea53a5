//! What the recogniser wrote, as heard in the spoken tests and the benchmark, and what the
//! understanding makes of it; and turns that look like a confusion but are not one.

use super::*;
use crate::understand::rules::tests::{check, now, one};
use crate::understand::words::{split, surface};
use crate::understand::{Reply, RuleUnderstanding, Understanding};
use chrono_tz::Europe::Berlin;
use serde_json::json;

fn norms(text: &str) -> Vec<String> {
    split(text).into_iter().map(|w| w.norm).collect()
}

#[test]
fn split_and_misspelt_words() {
    assert_eq!(norms("to-morrow at five p. M.."), ["tomorrow", "at", "5", "pm"]);
    assert_eq!(norms("six thirty p m.."), ["6", "30", "pm"]);
    assert_eq!(norms("at nine a. m."), ["at", "9", "am"]);
    assert_eq!(norms("at 7 P.M.!!"), ["at", "7", "pm"]);
    assert_eq!(norms("buy a map"), ["buy", "a", "map"]);
    assert_eq!(norms("to marrow"), ["tomorrow"]);
    assert_eq!(norms("what about tomorow"), ["what", "about", "tomorrow"]);
    assert_eq!(norms("what do I have to marlow?"), ["what", "do", "i", "have", "tomorrow"]);
    assert_eq!(norms("drive to Marlow at 5"), ["drive", "to", "marlow", "at", "5"]);
    assert_eq!(norms("call the dentist to Marl at five"), ["call", "the", "dentist", "tomorrow", "at", "5"]);
    assert_eq!(norms("talk to Mara at five"), ["talk", "to", "mara", "at", "5"]);
    assert_eq!(norms("Checkoff, pay the rent."), ["check", "off", "pay", "the", "rent"]);
    assert_eq!(norms("my tasks per Monday"), ["my", "tasks", "for", "monday"]);
    assert_eq!(norms("for a Monday"), ["for", "monday"]);
    assert_eq!(norms("per person"), ["per", "person"]);
    assert_eq!(norms("lesson into ours."), ["lesson", "in", "2", "hours"]);
    assert_eq!(norms("into ours they went"), ["into", "ours", "they", "went"]);
    assert_eq!(norms("the dentist has done."), ["the", "dentist", "is", "done"]);
    assert_eq!(norms("he has done it"), ["he", "has", "done", "it"]);
    assert_eq!(surface(&split("into ours")), "in two hours");
}

#[test]
fn first_words_heard_wrong() {
    let fixed = |text: &str| leading(&split(text)).map(|w| surface(&w));
    assert_eq!(fixed("At a task to call mom").as_deref(), Some("add a task to call mom"));
    assert_eq!(fixed("Aditast by milk").as_deref(), Some("add a task by milk"));
    assert_eq!(fixed("Preschedule by milk").as_deref(), Some("reschedule by milk"));
    assert_eq!(fixed("Reminds me to go").as_deref(), Some("remind me to go"));
    assert_eq!(
        fixed("Look a haircut for Thursday at 2 pm").as_deref(),
        Some("book a haircut for Thursday at 2 pm")
    );
    assert_eq!(fixed("Had a gym session tomorrow at 6").as_deref(), Some("add a gym session tomorrow at 6"));
    for text in [
        "at a glance what's the weather",
        "look a bit later tonight at 9",
        "had a gym session yesterday at 6",
        "at a party tomorrow at 8",
        "at a quarter past five",
        "scheduled maintenance tomorrow at 5",
        "reminded me to call at 5",
        "remind me to call",
        "add a task",
    ] {
        assert_eq!(fixed(text), None, "{text}");
    }
}

#[test]
fn transcripts_as_heard() {
    let task = |title: &str, at: &str| json!({"title": title, "scheduled_at": at});
    let moved = |task: &str, at: &str| json!({"task": task, "new_time": at});
    check(&[
        (
            "Remind me to call the dentist to-morrow at five p. M..",
            "create_task",
            task("call the dentist", "2026-11-25T17:00:00"),
        ),
        (
            "Move the dentist to tomorrow at six thirty p m..",
            "reschedule_task",
            moved("dentist", "2026-11-25T18:30:00"),
        ),
        ("What do I have to marlow?", "list_tasks", json!({"day": "2026-11-25"})),
        ("What do I have to marrow?", "list_tasks", json!({"day": "2026-11-25"})),
        ("Mark, the dentist has done.", "complete_task", json!({"task": "dentist"})),
        ("Aditast by milk on Friday at nine thirty.", "create_task", task("by milk", "2026-11-27T09:30:00")),
        (
            "I need to email Sarah tomorrow morning at seven.",
            "create_task",
            task("email Sarah", "2026-11-25T07:00:00"),
        ),
        ("I have to pick up the kids at 3.", "create_task", task("pick up the kids", "2026-11-24T15:00:00")),
        ("Checkoff paid the rent.", "complete_task", json!({"task": "paid the rent"})),
        ("Show me my tasks per Monday.", "list_tasks", json!({"day": "2026-11-30"})),
        ("Show me my tasks for a Monday.", "list_tasks", json!({"day": "2026-11-30"})),
        (
            "My goal was to save money within six months.",
            "submit_goal_intent",
            json!({"goal_statement": "save money", "timeline": "six months"}),
        ),
        (
            "Preschedule by Milk to Tomorrow at noon.",
            "reschedule_task",
            moved("by Milk", "2026-11-25T12:00:00"),
        ),
        ("Look a haircut for Thursday at 2 p.m.", "create_task", task("haircut", "2026-11-26T14:00:00")),
        (
            "It reminds me to take out the trash tomorrow at eight am.",
            "create_task",
            task("take out the trash", "2026-11-25T08:00:00"),
        ),
        (
            "Schedule a Spanish lesson into ours.",
            "create_task",
            task("Spanish lesson", "2026-11-24T12:00:00"),
        ),
        (
            "Had a gym session tomorrow at six in the evening.",
            "create_task",
            task("gym session", "2026-11-25T18:00:00"),
        ),
        (
            "At a thin session tomorrow at six in the evening.",
            "create_task",
            task("thin session", "2026-11-25T18:00:00"),
        ),
        (
            "Reminds me to pick up the kids tomorrow at 3:30pm.",
            "create_task",
            task("pick up the kids", "2026-11-25T15:30:00"),
        ),
        (
            "Scanjo up Spanish lesson in two hours.",
            "create_task",
            task("Spanish lesson", "2026-11-24T12:00:00"),
        ),
        ("Rescajo by milk to tomorrow at noon.", "reschedule_task", moved("by milk", "2026-11-25T12:00:00")),
        (
            "Scan your Spanish lesson in two hours.",
            "create_task",
            task("Spanish lesson", "2026-11-24T12:00:00"),
        ),
        (
            "Aditasked by milk on Friday at nine thirty.",
            "create_task",
            task("by milk", "2026-11-27T09:30:00"),
        ),
        ("Rescue by milk to tomorrow at noon.", "reschedule_task", moved("by milk", "2026-11-25T12:00:00")),
        ("Remove the dentist to Monday at 10.", "reschedule_task", moved("dentist", "2026-11-30T10:00:00")),
        (
            "Post not Spanish lesson to Friday at 4pm.",
            "reschedule_task",
            moved("not Spanish lesson", "2026-11-27T16:00:00"),
        ),
        (
            "Set the door to loose five kilos by march.",
            "submit_goal_intent",
            json!({"goal_statement": "lose five kilos", "timeline": "march"}),
        ),
    ]);
    for (text, question) in [
        ("At a task to water the plants.", "When should I schedule water the plants?"),
        ("Had a task to call Mum.", "When should I schedule call Mum?"),
        ("And a task to call mom.", "When should I schedule call mom?"),
        ("At a task to call ma'am,", "When should I schedule call ma'am?"),
        ("And a desk to call mum.", "When should I schedule call mum?"),
        ("Reminds me to buy flowers.", "When should I schedule buy flowers?"),
        ("Set a door to learn the piano.", "By when do you want to reach that goal?"),
        ("I need to buy milk.", "When should I schedule buy milk?"),
        ("Had a test to call mom.", "When should I schedule call mom?"),
        // A part of the day left over by a garbled time: morning or evening is not clear.
        (
            "I need to email Sarah up to my road morning at 7.",
            "Sorry, I couldn't tell when you meant. When should I schedule email Sarah up to my road morning?",
        ),
    ] {
        assert_eq!(one(text), Reply::Ask(question.into()), "{text}");
    }
}

#[test]
fn an_answer_as_heard() {
    let mut u = RuleUnderstanding::new();
    let asked = u.turn("Add a task to water the plants.", now(), Berlin);
    assert_eq!(asked, Reply::Ask("When should I schedule water the plants?".into()));
    let got = u.turn("To-morrow at nine in the morning.", now(), Berlin);
    let want = json!({"title": "water the plants", "scheduled_at": "2026-11-25T09:00:00"});
    assert_eq!(got, Reply::Call { name: "create_task".into(), arguments: want });
}

/// Turns that look like a confusion of a command, or an obligation, and are not a request.
const NOT_A_REQUEST: &[&str] = &[
    "at a glance, what's the weather",
    "it reminds me of my first job",
    "it reminds me of tomorrow at eight",
    "I had a task yesterday that went badly",
    "had a task yesterday that went badly",
    "had a great session yesterday at 6",
    "at a party tomorrow at 8",
    "at a quarter past five",
    "and a joke please",
    "I need to think about it",
    "I need to go",
    "I have to say the meeting at 5 went well",
    "I have to tell you the party at 8 is cancelled",
    "I need to delete the dentist",
    "look a bit later",
    "look a bit later tonight at 9",
    "scheduled maintenance tomorrow at 5",
    "reminded me to call mom at 5",
    "rewind the song to 2 minutes",
    "remind me to drive to Marlow",
    "my goal was never to get rich",
    "the report has done nothing",
    "set the door to open by 5",
    "into ours they went",
    "I need to email Terry McTamarault morning at 10:00.",
    "scan your passport tomorrow at 5",
    "look forward to tomorrow at 5",
    "remove the dentist",
    "remove the milk from the fridge at 5",
    "post the photos to Instagram at 5",
    "rescue the cat tomorrow at 5",
];

#[test]
fn look_alike_turns_run_nothing() {
    for text in NOT_A_REQUEST {
        let got = one(text);
        assert!(!matches!(got, Reply::Call { .. }), "{text:?} ran {got:?}");
    }
}
