//! The free-text slots, cut out of what is left once the trigger and the time are gone: a task's
//! title ("call the dentist"), the task meant ("the dentist" → "dentist"), a goal and its
//! timeline ("learn Spanish" / "three months"). Text is kept as said; only the glue around it
//! ("to", "on my list", a dangling "at") goes. A slot that is only a pronoun ("it", "that") is
//! missing: acting on it would be a guess.

use super::patterns::{find, prefix, prefix_any, suffix};
use super::words::{surface, Word};

const LEADING: &[&str] =
    &["a", "an", "the", "my", "to", "too", "about", "that", "of", "called", "named", "for"];
const TITLE_LEADING: &[&str] = &["a", "an", "to", "too", "about", "that", "of", "called", "named", "for"];
/// A title that starts like a question ("remind me what my tasks are") is not a task.
pub(crate) const QUESTION_START: &[&str] =
    &["what", "whats", "when", "where", "who", "whos", "how", "hows", "which", "why", "if", "whether"];
const TRAILING: &[&str] = &[
    "at", "on", "for", "by", "in", "to", "from", "and", "then", "until", "till", "around", "about",
    "starting", "ok", "okay", "thanks", "so", "now", "as", "with", "please", "back", "forward", "later",
    "earlier", "instead", "is", "are", "was",
];
/// Words that name no task: pronouns, yes/no, and the commands themselves ("add it", "set it
/// as done", "complete"). A slot made only of these is missing. ("one" is read as the number 1.)
const EMPTY: &str = "\
    it that this them those these something 1 task tasks reminder thing stuff me a an the everything \
    all thats its done finished completed complete yes yeah no ok okay sure what as off here later \
    soon sometime add ad schedule book remind create make put move reschedule mark set check tick \
    cross finish postpone push delete remove cancel is was are you u conversation talking today now";
/// "next week", "sometime this month": when, but too vague for a task's time.
const VAGUE: &str =
    "[sometime|some_time] [during|in|on|to|until|till] [the] next|this|coming week|month|weekend|year";
/// "on my list", "to my calendar": where a task goes, not part of its title.
pub(crate) const DESTINATION: &str =
    "to|on|onto|in|into|for my|the [task|todo|to_do|shopping|grocery] list|calendar|schedule|tasks|agenda|todos|reminders|planner";

fn trim<'a>(mut w: &'a [Word], leading: &[&str]) -> &'a [Word] {
    while w.first().is_some_and(|x| x.is_any(leading)) {
        w = &w[1..];
    }
    while w.last().is_some_and(|x| x.is_any(TRAILING)) {
        w = &w[..w.len() - 1];
    }
    w
}

fn text(w: &[Word]) -> Option<String> {
    let meaningful = w.iter().any(|x| !x.is_in(EMPTY));
    (!w.is_empty() && meaningful).then(|| surface(w))
}

/// A new task's title.
pub(crate) fn title(words: &[Word]) -> Option<String> {
    let mut w = words.to_vec();
    // "next week": too vague for a time, and not part of the title either.
    for pattern in [DESTINATION, VAGUE] {
        if let Some((at, n)) = find(&w, pattern) {
            w.drain(at..at + n);
        }
    }
    let start =
        prefix_any(&w, &["call|name|title it", "its|it_is called|named", "the title is"]).unwrap_or(0);
    // "the dentist", "my passport" read as the user said them; "a haircut" reads as "haircut".
    let w = trim(&w[start..], TITLE_LEADING);
    if w.first().is_some_and(|x| x.is_any(QUESTION_START)) {
        return None;
    }
    text(w)
}

/// An existing task, as the user names it: "the dentist" → "dentist", "the milk one" → "milk".
pub(crate) fn task(words: &[Word]) -> Option<String> {
    let start = prefix_any(
        words,
        &[
            "its|it_is|it_was|i_meant|i_mean [the] [1|task] [called|named|about|with]",
            "the 1|task [called|named|about|with]",
        ],
    )
    .unwrap_or(0);
    let mut w = trim(&words[start..], LEADING);
    if let Some(k) = suffix(w, VAGUE).filter(|k| *k > 0) {
        w = trim(&w[..k], LEADING);
    }
    if let Some(k) = suffix(w, "from|off|on|in [my|the] [task|todo|to_do] list|tasks") {
        w = trim(&w[..k], LEADING);
    }
    // "set it as done" as an answer to "which task?" names no task.
    if let Some(k) = suffix(w, "[is|as] done|complete|completed|finished") {
        w = trim(&w[..k], LEADING);
    }
    // "I finished my coffee, what's next": the task ends where a question starts.
    if let Some(k) =
        w.iter().position(|x| x.is_any(&["whats", "what", "hows", "how", "thanks"])).filter(|k| *k > 0)
    {
        w = trim(&w[..k], LEADING);
    }
    while w.len() > 1 && w.last().is_some_and(|x| x.is_any(&["1", "task", "item", "reminder", "thing"])) {
        w = &w[..w.len() - 1];
    }
    text(trim(w, LEADING))
}

/// Words a timeline is made of: "three months", "next summer", "the end of the year", "my
/// birthday", "June 2027". All of a timeline's words must be among these or be numbers, and one
/// must name a time, so "learn to cook in Spanish" has no timeline.
const TIME_CORE: &str = "\
    day days week weeks weekend month months year years hour hours minute minutes summer winter \
    spring fall autumn christmas easter thanksgiving halloween birthday holidays vacation tomorrow \
    tonight today january february march april may june july august september october november \
    december monday tuesday wednesday thursday friday saturday sunday decade semester quarter term \
    am pm";
const TIME_GLUE: &str = "\
    a an the next this coming of end middle mid early late beginning start couple few my new half \
    and or so about around roughly at least most than less within following school last";

/// Whether `w` is a timeline; `Some(true)` when it is hours or days away.
fn timeline_kind(w: &[Word]) -> Option<bool> {
    let vocab =
        w.iter().all(|x| x.num.is_some() || x.clock.is_some() || x.is_in(TIME_CORE) || x.is_in(TIME_GLUE));
    let core = w.iter().any(|x| x.num.is_some() || x.clock.is_some() || x.is_in(TIME_CORE));
    let short = w.iter().any(|x| x.clock.is_some() || x.is_in(SHORT_TERM));
    (vocab && core).then_some(short)
}

/// A timeline with these is days away at most: a task's time, not a goal's.
const SHORT_TERM: &str = "\
    hour hours minute minutes am pm tonight today tomorrow monday tuesday wednesday thursday friday \
    saturday sunday";

pub(crate) struct GoalText {
    pub statement: Option<String>,
    pub timeline: Option<String>,
    /// The timeline is hours or days away ("in 2 hours", "by Friday"): a task, not a goal.
    pub short: bool,
}

/// A goal and its timeline: "learn Spanish in three months", "run a marathon by next summer",
/// "read 20 books this year".
pub(crate) fn goal(words: &[Word]) -> GoalText {
    const MARKS: &[&str] = &["by", "in", "within", "before", "until", "till", "over"];
    // The first place a timeline starts: "by the end of next year", not just "next year".
    let split = (0..words.len()).find_map(|k| {
        let at_mark = words[k].is_any(MARKS);
        let rest = &words[k + usize::from(at_mark)..];
        let bare =
            prefix(rest, "this|next year|month|summer|winter|spring|fall|autumn|week") == Some(rest.len());
        (!rest.is_empty() && (at_mark || bare)).then(|| timeline_kind(rest).map(|h| (k, rest, h))).flatten()
    });
    let (statement, timeline, short) = match split {
        Some((k, rest, short)) => (&words[..k], Some(surface(rest)), short),
        None => (words, None, false),
    };
    GoalText { statement: text(trim(statement, &["to", "that"])), timeline, short }
}

/// An answer to "by when?": "in six months", "maybe by Christmas", "next summer".
pub(crate) fn timeline(words: &[Word]) -> Option<String> {
    const HEDGES: &str = "maybe|perhaps|probably|about|around|roughly|hopefully|ideally|within|by|in|before|until|till|over|say|lets_say|i_think|i_guess|i_hope|i_would_say|id_say";
    let mut w = words;
    while let Some(n) = prefix(w, HEDGES).filter(|n| *n > 0) {
        w = &w[n..];
    }
    timeline_kind(w).map(|_| surface(w))
}

/// "…, note: bring the forms", "with the note bring the forms": notes kept with a new task.
pub(crate) fn notes(words: &[Word]) -> (Vec<Word>, Option<String>) {
    let found = ["with|and [a|the] note|notes [that|saying]", "note|notes that|saying"]
        .iter()
        .filter_map(|p| find(words, p))
        .filter(|(at, _)| *at > 0)
        .min();
    match found {
        Some((at, n)) => (words[..at].to_vec(), text(&words[at + n..])),
        None => (words.to_vec(), None),
    }
}
