//! One turn read on its own: an intent (possibly with missing slots) or something to say. Small
//! talk and questions Flux can answer offline come first; anything not clearly one of the five
//! intents is `Topic::Unknown`: a wrong task is worse than "sorry, I can only…".

use super::draft::Draft;
use super::filler::{self, REQUEST};
use super::hearing;
use super::patterns::{prefix_any, whole_any};
use super::triggers;
use super::words::Word;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reading {
    /// `strong`: said with words only a request of this kind uses ("remind me to", "mark … as
    /// done"), so it may interrupt a question whose answer is free text.
    Intent {
        draft: Draft,
        strong: bool,
    },
    Say(Topic),
}

/// What a turn that runs nothing is about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Topic {
    Nothing,
    Greeting,
    Thanks,
    Okay,
    Bye,
    Help,
    Time,
    Date,
    Cancel,
    /// "I haven't finished the report": nothing to change.
    KeepOpen,
    Delete,
    /// "every morning": tasks happen once.
    Repeating,
    UnclearDay,
    Unknown,
}

const GREETING: &str =
    "hello|hi|hey|hiya|howdy|greetings|yo|morning|good_morning|good_afternoon|good_evening|good_day";
/// What may follow a greeting and still be only a greeting.
const GREETING_TAIL: &[&str] = &[
    "flux", "there", "again", "everyone", "buddy", "friend", "how", "are", "you", "doing", "hows", "it",
    "going", "whats", "up", "today", "um", "uh", "and", "r", "u",
];
const THANKS: &[&str] = &[
    "[ok|okay|great|perfect|cool|awesome|nice] thanks|thank_you|thx|cheers [so_much|a_lot|very_much] [flux]",
    "thank_you|thanks [very_much|so_much|a_lot]",
];
const OKAY: &[&str] = &[
    "ok|okay|cool|great|perfect|nice|awesome|good|alright|all_right|got_it|sounds_good|fine|sure",
    "[ok|okay] thats|that_is it|all [for_now|for_today] [thanks|thank_you]",
];
const BYE: &[&str] = &["[ok|okay] bye|goodbye|good_bye|bye_bye|good_night|see_you|see_ya|talk_to_you [later|soon|tomorrow] [flux]"];
const HELP: &[&str] = &[
    "help [me]",
    "what can|do you do",
    "what are you able to do",
    "what can i say|ask",
    "how does this work",
    "what do you know",
    "who|what are you",
];
const HOW_ARE_YOU: &[&str] = &["how are|r you [doing] [today]", "hows it going"];
const TIME: &[&str] = &[
    "what time is it [now|right_now]",
    "whats|what_is the time [now|right_now]",
    "do you know [what] [the] time [it_is]",
];
const DATE: &[&str] = &[
    "what day|date is it [today]",
    "whats|what_is the date [today]",
    "whats|what_is todays date",
    "what day is today",
];
const CANCEL: &[&str] = &[
    "[oh] never_mind|nevermind",
    "cancel|abort|stop|skip [that|it|this]",
    "forget [about] [it|that|this]",
    "no|nope|nah [thanks|thank_you] [never_mind]",
    "nothing [thanks]",
    "scratch|leave|drop that|it",
];
const NEGATION: &[&str] = &[
    "not", "never", "didnt", "havent", "hasnt", "isnt", "wasnt", "arent", "dont", "doesnt", "cant", "cannot",
    "wont", "neither",
];
const COMPLETION_WORDS: &[&str] = &["done", "finished", "finish", "completed", "complete"];
const DELETE: &[&str] = &["delete|remove|cancel|clear|erase|drop", "get rid of", "take off"];

/// Reads one turn. A turn that means nothing as heard is read again with its first words put
/// right (`hearing::leading`: "at a task…" is "add a task…"); only a request counts then, so a
/// confusion never turns chat into a different answer.
pub(crate) fn read(words: &[Word], now: DateTime<Utc>, tz: Tz) -> Reading {
    let heard = read_heard(words, now, tz);
    // "Remove the dentist to Monday at 10" reads as a delete, which Flux can't do anyway.
    if !matches!(heard, Reading::Say(Topic::Unknown | Topic::Delete)) {
        return heard;
    }
    // Before the filler goes too: "and" is an opening, but "and a task" is "add a task".
    let fixed = hearing::leading(words).or_else(|| hearing::leading(&filler::strip(words)));
    match fixed.map(|w| read_heard(&w, now, tz)) {
        Some(r @ Reading::Intent { .. }) => r,
        _ => heard,
    }
}

fn read_heard(words: &[Word], now: DateTime<Utc>, tz: Tz) -> Reading {
    if words.is_empty() {
        return Reading::Say(Topic::Nothing);
    }
    if prefix_any(words, &[GREETING])
        .is_some_and(|n| n > 0 && words[n..].iter().all(|w| w.is_any(GREETING_TAIL)))
    {
        return Reading::Say(Topic::Greeting);
    }
    if whole_any(words, THANKS) {
        return Reading::Say(Topic::Thanks);
    }
    if whole_any(words, OKAY) {
        return Reading::Say(Topic::Okay);
    }
    if whole_any(words, BYE) {
        return Reading::Say(Topic::Bye);
    }
    let w = filler::strip(words);
    if w.is_empty() {
        return Reading::Say(Topic::Nothing);
    }
    if is_cancel(&w) {
        return Reading::Say(Topic::Cancel);
    }
    for (patterns, topic) in
        [(HOW_ARE_YOU, Topic::Greeting), (HELP, Topic::Help), (TIME, Topic::Time), (DATE, Topic::Date)]
    {
        if whole_any(&w, patterns) {
            return Reading::Say(topic);
        }
    }
    if w.iter().any(|x| x.is_any(NEGATION)) && w.iter().any(|x| x.is_any(COMPLETION_WORDS)) {
        return Reading::Say(Topic::KeepOpen);
    }
    // "I want to add a task": a request before a command; else maybe a goal ("I want to…").
    let after_request = prefix_any(&w, REQUEST).filter(|n| *n > 0 && *n < w.len());
    if let Some(r) = after_request.and_then(|n| triggers::read(&w[n..], now, tz)) {
        return r;
    }
    if let Some(r) = triggers::read(&w, now, tz) {
        return r;
    }
    let start = after_request.unwrap_or(0);
    if prefix_any(&w[start..], DELETE).is_some() {
        return Reading::Say(Topic::Delete);
    }
    Reading::Say(Topic::Unknown)
}

/// "never mind", "cancel", "forget it", "no": drop what was being asked.
pub(crate) fn is_cancel(w: &[Word]) -> bool {
    whole_any(w, CANCEL)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
pub(super) mod tests;

#[cfg(test)]
#[path = "must_not_act_tests.rs"]
mod must_not_act_tests;
