//! Answers to Flux's own questions: "at three" for "When should I schedule call mom?", "buy
//! milk" for "What should I call the task?". An answer fills the slot asked for (and a time said
//! along with a title); anything else is not an answer.

use super::draft::{Draft, Need};
use super::patterns::only;
use super::slots;
use super::spoken_time::{when, When};
use super::time_parts::scan;
use super::words::Word;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Words around a time that leave it a time: "make it 3", "how about Friday at nine",
/// "tomorrow at 3 would be great".
const AROUND_TIME: &[&str] = &[
    "ok", "okay", "yes", "yeah", "sure", "great", "good", "fine", "perfect", "would", "be", "that", "works",
    "is", "lets", "say", "do", "make", "it", "how", "about", "what", "put", "schedule", "move", "then",
    "maybe", "perhaps", "i", "think", "guess", "should", "we", "can", "you", "instead", "set", "to",
    "better", "best", "please", "thanks", "so", "like", "probably", "around", "ideally", "just", "no",
    "nope", "actually", "rather", "wait", "oh", "sorry",
];
/// An answer starting like this, or with "is" in it, is a sentence about something else ("I'm
/// going to Paris", "Mark is coming at 5"), not the name of a task.
const SENTENCE_START: &[&str] = &[
    "i", "im", "ive", "id", "ill", "we", "were", "weve", "you", "youre", "he", "hes", "she", "shes", "they",
    "theyre", "there", "theres", "lets",
];
const COPULAS: &[&str] = &["is", "are", "was", "were", "am"];

/// What a time's lead can leave behind once the scan took the rest ("at", "on").
const LEADS: &[&str] = &["at", "on", "for", "by", "in", "the", "this"];

/// The draft with the asked slot filled from `w` (already without filler), or None.
pub(crate) fn fill(draft: &Draft, need: Need, w: &[Word], now: DateTime<Utc>, tz: Tz) -> Option<Draft> {
    let sentence = w.first().is_some_and(|x| x.is_any(SENTENCE_START)) || w.iter().any(|x| x.is_any(COPULAS));
    if sentence && matches!(need, Need::Title | Need::Task) {
        return None;
    }
    match (draft.clone(), need) {
        (Draft::Create { title, when, minutes, notes }, Need::Time) => {
            let (when, length) = time(w, when, now, tz)?;
            Some(Draft::Create { title, when, minutes: minutes.or(length), notes })
        }
        (Draft::Move { task, when }, Need::Time) => {
            let (when, _) = time(w, when, now, tz)?;
            Some(Draft::Move { task, when })
        }
        (Draft::Create { when: old, minutes, notes, .. }, Need::Title) => {
            let (rest, when, length) = text_and_time(w, old, now, tz);
            Some(Draft::Create {
                title: Some(slots::title(&rest)?),
                when,
                minutes: minutes.or(length),
                notes,
            })
        }
        (Draft::Move { when: old, .. }, Need::Task) => {
            let (rest, when, _) = text_and_time(w, old, now, tz);
            Some(Draft::Move { task: Some(slots::task(&rest)?), when })
        }
        (Draft::Complete { .. }, Need::Task) => Some(Draft::Complete { task: Some(slots::task(w)?) }),
        (Draft::Goal { timeline, .. }, Need::Statement) => {
            let g = slots::goal(w);
            Some(Draft::Goal { statement: Some(g.statement?), timeline: timeline.or(g.timeline) })
        }
        (Draft::Goal { statement, .. }, Need::Timeline) => {
            Some(Draft::Goal { statement, timeline: Some(slots::timeline(w)?) })
        }
        _ => None,
    }
}

/// A time and nothing else: "at three", "tomorrow at 3 pm", "make it Friday". A day alone keeps
/// the day for the next answer; a clock alone goes with a day said before.
fn time(w: &[Word], old: When, now: DateTime<Utc>, tz: Tz) -> Option<(When, Option<u32>)> {
    let core: Vec<Word> = w.iter().filter(|x| !x.is_any(AROUND_TIME)).cloned().collect();
    let parts = scan(&core, true);
    if !parts.names_time() || !only(&parts.rest(&core), LEADS) {
        return None;
    }
    let day = match old {
        When::Day(d) => Some(d),
        _ => None,
    };
    Some((when(&parts, now, tz, day), parts.length))
}

/// A free-text answer, with any time said along with it taken out for a time not yet known.
fn text_and_time(w: &[Word], old: When, now: DateTime<Utc>, tz: Tz) -> (Vec<Word>, When, Option<u32>) {
    let parts = scan(w, false);
    if matches!(old, When::At(_)) || !parts.names_time() {
        return (w.to_vec(), old, None);
    }
    let day = match old {
        When::Day(d) => Some(d),
        _ => None,
    };
    (parts.rest(w), when(&parts, now, tz, day), parts.length)
}
