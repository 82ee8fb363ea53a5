//! What a speech recogniser gets wrong, put right before the rules read a turn. Recognisers
//! write one word as two ("to-morrow", "p. M.", "Checkoff" for "check off"), two as one
//! ("Aditast"), and hear a short command verb as a word that sounds like it ("At a task…",
//! "Had a gym session…", "Preschedule…", "Look a haircut…"). The rules match words exactly, so
//! without this a request the user said clearly reads as chat.
//!
//! Two layers, both conservative, because a wrong action is worse than a miss:
//! - [`mend`]: spellings no one means as written, fixed wherever they are ("to marrow",
//!   "p m" after a time, "per Monday", "into ours" at the end).
//! - [`leading`]: the command verb at the start of a turn, from a small table of known
//!   confusions and an edit distance of one on long command verbs. The rules only try it when
//!   the turn as heard means nothing, and most confusions need what follows to fit a request
//!   (a task word, or a thing and a clear time), so "at a glance, what's the weather" stays chat.

use super::patterns::{prefix, prefix_any};
use super::time_parts::scan;
use super::words::Word;

const WEEKDAYS: &str = "monday tuesday wednesday thursday friday saturday sunday";

/// "to-morrow", "to marrow", "tomorow": a split or misspelt "tomorrow".
const TOMORROW: &[&str] =
    &["to morrow|marrow|morow|morro|marow", "tomorow|tommorow|tommorrow|tomarrow|tomoro|tomorro"];

/// Words the recogniser splits or misspells, fixed anywhere in a turn.
pub(crate) fn mend(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        let last = rest.len();
        let after_time = out.last().is_some_and(|p| p.num.is_some() || p.clock.is_some());
        let fix: Option<(usize, &[&str])> = if let Some(n) = prefix_any(rest, TOMORROW).filter(|n| *n > 0) {
            Some((n, &["tomorrow"]))
        } else if prefix(rest, "to marlow|marlo") == Some(last) {
            // A town too, so only where nothing follows: "what do I have to marlow?".
            Some((2, &["tomorrow"]))
        } else if prefix(rest, "to marl").is_some()
            && rest
                .get(2)
                .is_some_and(|w| ["at", "morning", "afternoon", "evening", "night"].iter().any(|p| w.is(p)))
        {
            // Right before a time of day it can only be the day: "the dentist to Marl at five".
            Some((2, &["tomorrow"]))
        } else if after_time && prefix(rest, "p|a m").is_some() {
            // "five p. m.": the "a" of "a m" is only a mark right after a time and before "m".
            Some((2, if rest[0].is("p") { &["pm"] } else { &["am"] }))
        } else if prefix(rest, "to loose").is_some() {
            // "to loose weight": the verb "loose" is all but gone; this is "lose" misspelt.
            Some((2, &["to", "lose"]))
        } else if rest[0].is_any(&["checkoff", "checkof"]) {
            Some((1, &["check", "off"]))
        } else if let Some(n) = prefix(rest, "per|for_a|for_an").filter(|n| *n > 0) {
            // "per Monday", "for a Monday": "for Monday" heard wrong.
            rest.get(n).filter(|d| d.is_in(WEEKDAYS)).map(|_| (n, &["for"][..]))
        } else if prefix(rest, "into ours|hours") == Some(last) {
            // "in two hours" run together; only at the end, where "into ours" means nothing.
            Some((2, &["in", "two", "hours"]))
        } else if prefix(rest, "has done|finished|completed|complete") == Some(last) {
            // "the dentist has done": "has" for "is" or "as"; "has done" wants an object.
            Some((1, &["is"]))
        } else {
            None
        };
        match fix {
            Some((n, meant)) => {
                out.extend(meant.iter().map(|m| said(m)));
                i += n;
            }
            None => {
                out.push(rest[0].clone());
                i += 1;
            }
        }
    }
    out
}

/// A word put in place of what was heard: as if the recogniser had written it.
fn said(text: &str) -> Word {
    let mut w = super::numbers::merge(vec![Word::new(text)]).pop().unwrap_or_default();
    w.surface = text.to_string();
    w
}

/// What must follow a heard verb for the confusion to be the command.
#[derive(Clone, Copy)]
enum Then {
    Anything,
    /// Words matching this pattern.
    Starts(&'static str),
    /// "a gym session tomorrow at 6": a thing and a clear time that is not in the past. With
    /// `event` the thing must be one of `EVENTS` ("Spanish lesson"); without, it needs an
    /// article ("a haircut"), so "look forward to tomorrow at 5" is no thing.
    ThingAndTime {
        event: bool,
    },
    /// "… to Friday at 4": a new time after "to", which only a move has ("rescue the milk to
    /// Friday" means nothing else).
    ToTime,
}

struct Confusion {
    heard: &'static str,
    meant: &'static str,
    then: Then,
}

const fn c(heard: &'static str, meant: &'static str, then: Then) -> Confusion {
    Confusion { heard, meant, then }
}

/// Known confusions of a turn's first words, heard → meant. "at", "had", "and" are real words,
/// so they only count before a task word or before an event with a time ("had a gym session
/// tomorrow at 6": "had" with a time to come is "add"); "look", "hook" only before a thing and a
/// time. Run-together and nonsense spellings ("aditast", "scanjo") mean nothing else.
const CONFUSIONS: &[Confusion] = &[
    c("at|had|and", "add", Then::Starts("a|an|the [new] task|tasks|todo|to_do|reminder")),
    c("at|had|and a|an desk|tusk|test to", "add a task to", Then::Anything),
    c("at|had|and", "add", Then::ThingAndTime { event: true }),
    c("add it as|ast", "add a task", Then::Starts("to|by")),
    c("look|hook", "book", Then::ThingAndTime { event: false }),
    c("scanjo up|a", "schedule a", Then::Anything),
    c("scanjo", "schedule", Then::Anything),
    c("scan your", "schedule a", Then::ThingAndTime { event: true }),
    c("rescajo", "reschedule", Then::Anything),
    // A breath before the verb heard as a word: "It reminds me to take out the trash at 8".
    c("it reminds|remind me", "remind me", Then::Starts("to")),
    c("rescue", "reschedule", Then::ToTime),
    c("remove|post", "move", Then::ToTime),
    c("set a|the door|doll to", "set a goal to", Then::Starts(GOAL_VERBS)),
    c("my goal|aim was", "my goal is", Then::Anything),
];

/// What a goal is to do: "set the door to lose five kilos" is a goal, "set the door to open at
/// 5" is not.
const GOAL_VERBS: &str = "lose|learn|read|save|run|get|become|finish|start|write|quit|stop|gain|build|speak|pass|climb|visit|travel|earn|walk|swim|cycle|eat|drink|sleep|exercise|meditate|practice|practise|improve|reach|complete|launch|grow";
/// Things one books or adds with a time, for the confusions of "add" that are real words.
const EVENTS: &str = "session lesson appointment class workout training practice checkup";
/// Words after "a" that make a phrase about time, not a thing: "look a bit later", "at a glance".
const NOT_A_THING: &str =
    "bit little lot while moment second minute minutes glance time few couple quarter half point";
/// A time in the past: "had a session yesterday at 6" is what happened, not a request.
const PAST: &str = "yesterday ago last earlier before";
/// "Aditast", "Aditasked", "Adatask": "add a task" run into one word (no English word starts so).
const RUN_TOGETHER: &[&str] = &["adita", "adata", "addita", "addata", "adta"];
/// Long command verbs, heard one letter off at the start ("reminds me", "preschedule"). Short
/// ones ("add", "book", "move") are one letter from too many real words.
const VERBS: &[&str] = &["remind", "schedule", "reschedule", "postpone", "create"];

/// The turn with its first words put right, if they are a known confusion of a command.
pub(crate) fn leading(w: &[Word]) -> Option<Vec<Word>> {
    for conf in CONFUSIONS {
        let Some(n) = prefix(w, conf.heard).filter(|n| *n > 0) else { continue };
        let rest = &w[n..];
        let fits = match conf.then {
            Then::Anything => true,
            Then::Starts(pattern) => prefix(rest, pattern).is_some_and(|k| k > 0),
            Then::ThingAndTime { event } => thing_and_time(rest, event),
            Then::ToTime => to_time(rest),
        };
        if fits {
            return Some(conf.meant.split(' ').map(said).chain(rest.iter().cloned()).collect());
        }
    }
    let first = w.first()?;
    if RUN_TOGETHER.iter().any(|p| first.norm.starts_with(p) && first.norm.len() >= 6) {
        return Some(["add", "a", "task"].into_iter().map(said).chain(w[1..].iter().cloned()).collect());
    }
    // "scheduled", "reminded": a statement about the past, not a request heard wrong.
    let tense = first.norm.ends_with("ed") || first.norm.ends_with("ing");
    let verb = VERBS.iter().find(|v| first.norm.len() >= 5 && !tense && one_off(&first.norm, v))?;
    Some(std::iter::once(said(verb)).chain(w[1..].iter().cloned()).collect())
}

fn thing_and_time(rest: &[Word], event: bool) -> bool {
    let n = prefix(rest, "[a|an]").unwrap_or(0);
    if n == 0 && !event {
        return false;
    }
    let parts = scan(rest, false);
    let clear = parts.date.is_some() || parts.clock.is_some() || parts.from_now.is_some();
    if !clear || parts.conflict || rest.iter().any(|x| x.is_in(PAST)) {
        return false;
    }
    let thing: Vec<&Word> =
        rest[n..].iter().zip(&parts.used[n..]).take_while(|(_, used)| !**used).map(|(x, _)| x).collect();
    !thing.is_empty()
        && !thing.iter().any(|x| x.num.is_some() || x.is_in(NOT_A_THING))
        && (!event || thing.iter().any(|x| x.is_in(EVENTS)))
}

fn to_time(rest: &[Word]) -> bool {
    rest.iter().enumerate().any(|(k, x)| {
        let parts = scan(&rest[k + 1..], false);
        x.is_any(&["to", "until", "till"])
            && parts.used.first() == Some(&true)
            && (parts.date.is_some() || parts.clock.is_some())
    })
}

/// Whether `a` and `b` differ, by one letter added, dropped or changed.
fn one_off(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..].iter().rev().zip(b[start..].iter().rev()).take_while(|(x, y)| x == y).count();
    a.len().max(b.len()) - start - end <= 1
}

#[cfg(test)]
#[path = "hearing_tests.rs"]
mod tests;
