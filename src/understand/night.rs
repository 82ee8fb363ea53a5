//! A time at night is checked before it is acted on. Recognisers mishear "am" as "pm" and back
//! ("eleven am" heard as "11 p.m."), and the mistake is invisible until the task is due: a
//! dentist moved to 23:00 is a wrong action, where a question costs one "yes". So a task created
//! or moved to between 22:00 and 05:59 local time waits for the user to confirm ("Just to check:
//! 11 PM on Wednesday, at night?"): "yes", "yeah", "right", "correct" run it; "no" keeps the day
//! and asks the time again; a new time ("no, 11 am") is taken as the answer; anything else is
//! asked again, like any unusable answer.

use super::draft::Draft;
use super::patterns::prefix;
use super::spoken_time::When;
use super::words::Word;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;

/// The first hour of the night and the first hour after it, local time.
const NIGHT_FROM: u32 = 22;
const NIGHT_UNTIL: u32 = 6;

/// Words that say yes; one is needed, and no word of `NO`.
const YES: &str =
    "yes yeah yep yup yea ya sure correct right exactly indeed affirmative absolutely definitely";
const NO: &str = "no nope nah not wrong incorrect isnt";
/// What may come with a yes and change nothing: "yes, that's right, at night, thanks".
const AROUND_YES: &str =
    "ok okay that thats is its it at night pm please thanks thank you flux um uh oh well so i do mean meant";

/// The night time a complete draft would run at, if it is one.
pub(crate) fn time(draft: &Draft) -> Option<DateTime<Tz>> {
    match draft.when() {
        Some(When::At(t)) if t.hour() >= NIGHT_FROM || t.hour() < NIGHT_UNTIL => Some(t),
        _ => None,
    }
}

/// "Just to check: 11 PM on Wednesday, at night?"
pub(crate) fn question(t: DateTime<Tz>, retry: bool, now: DateTime<Utc>) -> String {
    let clock = if t.minute() == 0 { t.format("%-I %p") } else { t.format("%-I:%M %p") };
    let today = now.with_timezone(&t.timezone()).date_naive();
    let days = (t.date_naive() - today).num_days();
    let day = match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        2..=6 => format!("on {}", t.format("%A")),
        _ => format!("on {} {} {}", t.format("%A"), t.day(), t.format("%B")),
    };
    let part = match t.hour() {
        h if h >= NIGHT_FROM => "at night",
        h if h < 4 => "in the night",
        _ => "early in the morning",
    };
    let again = if retry { " Please say yes or no." } else { "" };
    format!("Just to check: {clock} {day}, {part}?{again}")
}

/// The answer to the check: `Some(true)` yes, `Some(false)` a plain no, `None` anything else.
pub(crate) fn yes_or_no(w: &[Word]) -> Option<bool> {
    let w: Vec<&Word> = w.iter().filter(|x| !x.is_in("um uh er erm hmm please flux")).collect();
    let no = w.iter().any(|x| x.is_in(NO));
    if !no && w.iter().any(|x| x.is_in(YES)) && w.iter().all(|x| x.is_in(YES) || x.is_in(AROUND_YES)) {
        return Some(true);
    }
    (no && w.iter().all(|x| x.is_in(NO) || x.is_in("that thats its it is right correct sorry oh")))
        .then_some(false)
}

/// What follows a leading "no" ("no, eleven in the morning"), if the turn starts with one.
pub(crate) fn after_no(w: &[Word]) -> Option<&[Word]> {
    let n = prefix(w, "no|nope|nah [no] [thats|that_is|its] [not] [right|it|correct|wrong]")
        .filter(|n| *n > 0)?;
    Some(&w[n..])
}

/// The draft with its clock forgotten and its day kept, to ask the time again.
pub(crate) fn without_clock(draft: Draft) -> Draft {
    let day = |when: When| match when {
        When::At(t) => When::Day(t.date_naive()),
        other => other,
    };
    match draft {
        Draft::Create { title, when, minutes, notes } => {
            Draft::Create { title, when: day(when), minutes, notes }
        }
        Draft::Move { task, when } => Draft::Move { task, when: day(when) },
        other => other,
    }
}

#[cfg(test)]
#[path = "night_tests.rs"]
mod tests;
