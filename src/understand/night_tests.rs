//! The check of a time at night: asked before anything runs, and each kind of answer.

use crate::understand::rules::tests::{assert_valid, now};
use crate::understand::{Reply, RuleUnderstanding, Understanding};
use chrono_tz::Europe::Berlin;
use serde_json::json;

/// Runs the turns through one conversation; each reply must be the one given.
fn talk(turns: &[(&str, Reply)]) {
    let mut u = RuleUnderstanding::new();
    for (text, want) in turns {
        let got = u.turn(text, now(), Berlin);
        assert_valid(&got);
        assert_eq!(&got, want, "{text}");
    }
}

fn ask(q: &str) -> Reply {
    Reply::Ask(q.into())
}

fn moved(task: &str, at: &str) -> Reply {
    Reply::Call { name: "reschedule_task".into(), arguments: json!({"task": task, "new_time": at}) }
}

fn task(title: &str, at: &str) -> Reply {
    Reply::Call { name: "create_task".into(), arguments: json!({"title": title, "scheduled_at": at}) }
}

#[test]
fn a_yes_runs_it() {
    talk(&[
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        ("yes", moved("haircut", "2026-11-26T23:00:00")),
        ("remind me to take my pills tonight at 10:30 pm", ask("Just to check: 10:30 PM today, at night?")),
        ("yeah, that's right", task("take my pills", "2026-11-24T22:30:00")),
        ("move the dentist to 3 am on Friday", ask("Just to check: 3 AM on Friday, in the night?")),
        ("correct", moved("dentist", "2026-11-27T03:00:00")),
        ("remind me to feed the baby at 5 am", ask("Just to check: 5 AM tomorrow, early in the morning?")),
        ("right", task("feed the baby", "2026-11-25T05:00:00")),
    ]);
}

#[test]
fn a_no_asks_the_time_again() {
    talk(&[
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        ("no", ask("What time on Thursday 26 November should I move haircut?")),
        ("at eleven am", moved("haircut", "2026-11-26T11:00:00")),
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        ("no, eleven in the morning", moved("haircut", "2026-11-26T11:00:00")),
        ("remind me to call mom", ask("When should I schedule call mom?")),
        ("at 11 pm", ask("Just to check: 11 PM today, at night?")),
        ("nope, that's wrong", ask("What time today should I schedule call mom?")),
        ("at 11 pm", ask("Just to check: 11 PM today, at night?")),
        ("yes", task("call mom", "2026-11-24T23:00:00")),
    ]);
}

#[test]
fn anything_else_is_asked_again_or_starts_over() {
    let again = "Just to check: 11 PM on Thursday, at night? Please say yes or no.";
    talk(&[
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        ("banana", ask(again)),
        ("never mind", Reply::Say("Okay, I've dropped that.".into())),
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        (
            "what's on my list for tomorrow",
            Reply::Call { name: "list_tasks".into(), arguments: json!({"day": "2026-11-25"}) },
        ),
        ("Change the haircut to Thursday at 11 p.m.", ask("Just to check: 11 PM on Thursday, at night?")),
        ("hmm", ask(again)),
        ("what", ask(again)),
    ]);
    let mut u = RuleUnderstanding::new();
    for text in ["move the gym to Friday at midnight", "pardon", "sorry", "I don't know"] {
        assert!(!matches!(u.turn(text, now(), Berlin), Reply::Call { .. }), "{text}");
    }
}

/// The night is 22:00 to 05:59: the minute either side runs at once.
#[test]
fn the_edges_of_the_night() {
    talk(&[
        ("remind me to stretch at 9:59 pm", task("stretch", "2026-11-24T21:59:00")),
        ("remind me to stretch tomorrow at 6 am", task("stretch", "2026-11-25T06:00:00")),
        ("remind me to stretch at 10 pm", ask("Just to check: 10 PM today, at night?")),
        ("cancel", Reply::Say("Okay, I've dropped that.".into())),
        (
            "remind me to stretch tomorrow at 5:59 am",
            ask("Just to check: 5:59 AM tomorrow, early in the morning?"),
        ),
    ]);
}
