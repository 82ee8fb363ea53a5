//! The five intents' trigger phrases and how the words after them become slots. A trigger is a
//! phrase at the start of the turn (after the filler), so "tell me about my task list app" never
//! lists and "remind me to mark the report as done" is a reminder. The order below decides
//! between triggers that start alike. `strong` marks phrases only a request of that kind uses.

use super::days::{find_days, Days};
use super::draft::Draft;
use super::durations::amount;
use super::patterns::{find, only, prefix, prefix_any, suffix, whole};
use super::rules::{Reading, Topic};
use super::slots;
use super::spoken_time::{said_when, When};
use super::time_parts::scan;
use super::words::{surface, Word};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

const GOAL: &[&str] = &[
    "my [new|main|big|biggest|next|personal] goal|aim|objective|target [for] [this|next] [year|month|week|summer|winter|spring|fall|autumn] is|s|would_be|will_be [to]",
    "set|add|create|record|make|new|start|save|log [me] [a|an|my] [new] goal [to|of|for|that|is|is_to]",
    "i|ive [have|got|have_got] [a|an] [new] goal [to|of|for|that|is|is_to]",
    "[new] goal [is] [to]",
];
/// A goal said as a wish counts only with a timeline: "I want to run a marathon" alone may be
/// chat, "I want to run a marathon by next summer" is a goal. Plans ("I'm going to Paris next
/// week", "I will be late", "I need to…") are not wishes.
const GOAL_WISH: &[&str] = &[
    "i [really|also] want|wanna|hope|plan|intend|aim [to]",
    "id|i_would [really] like|love to",
    "im|i_am planning|hoping|aiming|trying to",
];
/// "I need to email Sarah at 7": an obligation with a time is a task. Said without one Flux
/// asks when, unless it is nothing one schedules ("I need to think about it", "I have to go").
const NEED_TO: &[&str] = &[
    "i|we [really|still|also|just] need|have|got to",
    "i|we [really|still|also|just] gotta",
    "ive|weve|i_have|we_have [really|still|also|just] got to",
];
/// "I have to say…", "I need to think…": never a task, with a time or without.
const NOT_TASKS: &str = "say admit confess agree guess think know feel wonder understand figure decide \
    focus relax hurry calm breathe";
/// "I need to go", "I have to leave": a task only with a time ("I need to leave at 5").
const NOT_TASKS_TIMELESS: &str =
    "go be get see wait stop sleep rest leave talk tell ask remember eat delete remove cancel clear erase";
const LIST: &[&str] = &[
    "whats|what_is|what_are|whatre|what_s [on|in] [my|the] [task|todo|to_do] list|lists|agenda|schedule|calendar|plan|plans|plate|docket|tasks|todos|to_dos|reminders|appointments",
    "give|tell me [a|the] rundown|summary|overview [of] [my]",
    "whats|what_is|what_s on",
    "what [else] do|did|have|will i [got] [have|got|need] [got] [on|planned|scheduled|going_on|coming_up|due|to_do]",
    "whats|what_is|what_are|whatre|what_s planned|scheduled|due|coming_up",
    "show|list|read|give|get [me] [all] [of] [my|the] [task|todo|to_do] tasks|list|agenda|schedule|calendar|todos|to_dos|plans|reminders|appointments",
    "list tasks",
    "my tasks|agenda|schedule|todos|to_do_list|todo_list|task_list",
    "do|have i [got] [have] anything|something|any_tasks|any_plans|any_appointments [on|planned|scheduled|due|to_do]",
    "anything|any_tasks [on|planned|scheduled|due]",
    "what|how does|do|will [my] [day|week|schedule|agenda|calendar] look|looking [like]",
    "hows|how_is|whats|what_is|what_does [my] [day|week|schedule] looking|look [like]",
    "am i free|busy",
];
/// Listing requests that are small talk without a day: "what's happening?" vs "what's happening
/// tomorrow?".
const LIST_WITH_DAY: &[&str] = &["whats|what_is|what_s happening|going_on"];
/// What may be left around a listing request once its days are gone.
const LIST_TAIL: &[&str] = &[
    "for", "on", "in", "at", "the", "of", "this", "my", "list", "calendar", "schedule", "agenda", "then",
    "like", "to", "do", "now", "so", "far", "again", "all", "please", "going",
];
const CREATE: &[&str] = &[
    "remind me [to|too|2|about|that|of]",
    "set|create|add|make|set_up [me] [a|an] [new] reminder [to|for|about|that]",
    "add|ad|create|make|new|put|set_up [me] [a|an|the] [new] task|tasks|todo|to_do|item|entry [to|for|about|called|named|that_says|saying]",
    "dont let me forget [to|about]",
    "i need|want [a] reminder [to|for|about|that]",
];
const CREATE_WEAK: &[&str] = &["add|ad|put [a|an|the]", "schedule|book [me] [a|an|the]"];
const COMPLETE: &[&str] = &[
    "i|ive|we|weve|i_have|we_have [just|already|finally|now|also] finished|completed|done|wrapped_up [with]",
    "im|i_am|were|we_are [all] [just|now|finally|also] done|finished|through with",
    "check|tick|cross|mark off",
];
const COMPLETE_WEAK: &[&str] = &["finished|completed", "done with", "complete"];
const DONE: &str =
    "[as|to] [being] done|complete|completed|finished|off [my|the] [list|todo_list|to_do_list]";
const IS_DONE: &str =
    "is|are|was|s|has_been|have_been [now|all|finally] done|finished|complete|completed [now|already]";
/// A turn starting like a question asks about a task; it does not report one done.
const QUESTION: &[&str] = &[
    "what",
    "which",
    "when",
    "where",
    "who",
    "why",
    "how",
    "is",
    "are",
    "was",
    "did",
    "do",
    "does",
    "has",
    "have",
    "if",
    "whether",
    "nothing",
    "not",
    "everything",
];
const HEARSAY: &[&str] = &[
    "if", "whether", "check", "see", "know", "tell", "ask", "wonder", "think", "hope", "guess", "sure",
    "believe", "when", "until", "once", "before", "after", "i", "you", "we", "they", "he", "she",
];
const MOVE: &[&str] =
    &["move|reschedule|postpone|push|shift|bump|delay|defer [back|forward|up|over|out]", "put off|back"];
const REPEATING: &[&str] = &["every", "each", "daily", "weekly", "monthly", "everyday", "hourly", "nightly"];
/// Words around an amount that make it a shift ("back an hour", "by 30 minutes", "an hour
/// later") rather than a time.
const SHIFT: &[&str] = &["by", "back", "forward", "up", "later", "earlier"];
const CHANGE: &str = "change|switch|update [the] [time|date|day] [of|for]";

fn intent(draft: Draft, strong: bool) -> Option<Reading> {
    Some(Reading::Intent { draft, strong })
}

/// The intent `w` asks for, if any.
pub(crate) fn read(w: &[Word], now: DateTime<Utc>, tz: Tz) -> Option<Reading> {
    if let Some(n) = prefix_any(w, GOAL) {
        let g = slots::goal(&w[n..]);
        // "my goal for this year is to…": the timeline came first.
        let early = find(&w[..n], "this|next year|month|week|summer|winter|spring|fall|autumn");
        let timeline = g.timeline.or_else(|| early.map(|(at, k)| surface(&w[at..at + k])));
        return intent(Draft::Goal { statement: g.statement, timeline }, true);
    }
    if let Some(r) = list(w, now, tz) {
        return Some(r);
    }
    if let Some(n) = prefix_any(w, CREATE) {
        return create(&w[n..], true, now, tz);
    }
    if let Some(n) = prefix(w, "add|put").filter(|_| find(w, slots::DESTINATION).is_some()) {
        return create(&w[n..], true, now, tz);
    }
    if let Some(r) = complete(w) {
        return Some(r);
    }
    if let Some(r) = move_task(w, now, tz) {
        return Some(r);
    }
    // "This year I want to read 50 books": the timeline may come first.
    let early = prefix(w, "[by] this|next year|month|summer|winter|spring|fall|autumn").unwrap_or(0);
    if let Some(n) = prefix_any(&w[early..], GOAL_WISH) {
        let g = slots::goal(&w[early + n..]);
        let timeline = g.timeline.or_else(|| (early > 0).then(|| surface(&w[..early])));
        if g.statement.is_some() && timeline.is_some() && !g.short {
            return intent(Draft::Goal { statement: g.statement, timeline }, false);
        }
    }
    if let Some(n) = prefix_any(w, NEED_TO).filter(|n| *n < w.len()) {
        // "I have to tell you the meeting at 5 is off": a statement, not a task.
        let statement = w[n..].iter().any(|x| x.is_any(&["is", "are", "was", "were", "am", "s"]));
        if statement || w[n].is_in(NOT_TASKS) {
            return None;
        }
        let r = create(&w[n..], false, now, tz)?;
        let timeless = matches!(&r, Reading::Intent { draft: Draft::Create { when: When::Nothing, .. }, .. });
        return (!timeless || !w[n].is_in(NOT_TASKS_TIMELESS)).then_some(r);
    }
    if let Some(n) = prefix_any(w, COMPLETE_WEAK) {
        return intent(Draft::Complete { task: done_task(&w[n..]) }, false);
    }
    if whole(w, "done|finished") {
        return intent(Draft::Complete { task: None }, false);
    }
    // "the report is done", but not "check if the report is done" or "I think Mark is done".
    let reported = |k: &usize| *k > 0 && !w[0].is_any(QUESTION) && !w[..*k].iter().any(|x| x.is_any(HEARSAY));
    if let Some(k) = suffix(w, IS_DONE).filter(reported) {
        return intent(Draft::Complete { task: done_task(&w[..k]) }, false);
    }
    let n = prefix_any(w, CREATE_WEAK)?;
    // "book club is at 7", "schedule is full": statements, not requests.
    if w[n..].iter().any(|x| x.is_any(&["is", "are", "was", "were", "am", "s"])) {
        return None;
    }
    create(&w[n..], false, now, tz)
}

fn list(w: &[Word], now: DateTime<Utc>, tz: Tz) -> Option<Reading> {
    let (days, used) = find_days(w, now, tz);
    let rest: Vec<Word> = w.iter().zip(&used).filter(|(_, u)| !**u).map(|(x, _)| x.clone()).collect();
    let said_day = used.contains(&true);
    let n = prefix_any(&rest, LIST)
        .or_else(|| prefix_any(&rest, LIST_WITH_DAY).filter(|_| said_day))
        .filter(|n| *n > 0)?;
    if !only(&rest[n..], LIST_TAIL) {
        return None;
    }
    match days {
        Ok(days) => {
            let today = now.with_timezone(&tz).date_naive();
            intent(Draft::List(days.unwrap_or(Days::One(today))), true)
        }
        Err(_) => Some(Reading::Say(Topic::UnclearDay)),
    }
}

fn create(body: &[Word], strong: bool, now: DateTime<Utc>, tz: Tz) -> Option<Reading> {
    // A task is one time; "every morning" would be scheduled once and silently drop the rest.
    if body.iter().any(|x| x.is_any(REPEATING)) {
        return Some(Reading::Say(Topic::Repeating));
    }
    let (body, notes) = slots::notes(body);
    let parts = scan(&body, false);
    let at = said_when(&parts, &body, now, tz);
    let rest = parts.rest(&body);
    // "remind me what my tasks are" asks something; it names no task.
    if rest
        .iter()
        .find(|x| !x.is_any(&["to", "about", "of"]))
        .is_some_and(|x| x.is_any(slots::QUESTION_START))
    {
        return Some(Reading::Say(Topic::Unknown));
    }
    let title = slots::title(&rest);
    intent(Draft::Create { title, when: at, minutes: parts.length, notes }, strong)
}

/// The task a completion names, without when it was done ("shopping at 5").
fn done_task(body: &[Word]) -> Option<String> {
    let parts = scan(body, false);
    slots::task(&parts.rest(body))
}

fn complete(w: &[Word]) -> Option<Reading> {
    if let Some(n) = prefix_any(w, COMPLETE) {
        return intent(Draft::Complete { task: done_task(&w[n..]) }, true);
    }
    // "I'm done" asks which task; "I'm done talking", "we're done here" are not about a task.
    if whole(w, "im|i_am|were|we_are [all] [just|now|finally|also] done|finished") {
        return intent(Draft::Complete { task: None }, true);
    }
    let n = prefix(w, "mark|check|tick|cross")?;
    let body = &w[n..];
    // "Mark is done": a person, not a command.
    if body.first().is_some_and(|x| x.is_any(&["is", "was", "has", "will", "said", "says"])) {
        return None;
    }
    let k = suffix(body, DONE).filter(|k| *k < body.len())?;
    // "check the oven off" could be anything; "mark … as done" is always a completion.
    if !w[0].is("mark") && !body[k].is("off") {
        return None;
    }
    intent(Draft::Complete { task: done_task(&body[..k]) }, true)
}

fn move_task(w: &[Word], now: DateTime<Utc>, tz: Tz) -> Option<Reading> {
    let (n, needs_time) = match prefix_any(w, MOVE) {
        Some(n) => (n, false),
        None => (prefix(w, CHANGE)?, true),
    };
    let mut body = w[n..].to_vec();
    // "move on", "let's move along": not about a task.
    if !body.is_empty() && only(&body, &["on", "along", "ahead", "forward"]) {
        return None;
    }
    // "from Friday to Monday": the old time names neither the task nor the new time.
    if let Some(f) = body.iter().position(|x| x.is("from")) {
        if let Some(t) = body[f..].iter().rposition(|x| x.is("to")).map(|t| t + f) {
            if scan(&body[f + 1..t], false).names_time() {
                body.drain(f..t);
            }
        }
    }
    // "back an hour" shifts from a time only the store knows: ask for the new time instead.
    let shift = (0..body.len()).find_map(|k| {
        let (_, n) = amount(&body[k..])?;
        let before = k > 0 && body[k - 1].is_any(SHIFT);
        let after = body.get(k + n).is_some_and(|x| x.is_any(SHIFT));
        (before || after).then_some((k - usize::from(before), n + usize::from(before) + usize::from(after)))
    });
    if let Some((k, n)) = shift {
        body.drain(k..k + n);
    }
    // "to 3", "until 5": the new time, where elsewhere a bare number would not be a clock.
    for k in 0..body.len().saturating_sub(1) {
        if body[k].is_any(&["to", "until", "till", "for"])
            && (body[k + 1].num.is_some() || body[k + 1].clock.is_some())
        {
            body[k] = Word::new("at");
        }
    }
    let parts = scan(&body, false);
    if needs_time && !parts.names_time() {
        return None;
    }
    let at = if shift.is_none() { said_when(&parts, &body, now, tz) } else { When::Nothing };
    intent(Draft::Move { task: slots::task(&parts.rest(&body)), when: at }, true)
}
