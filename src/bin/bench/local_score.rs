//! Scoring one understood utterance against the test set: intent, slots, and whether what would
//! be executed is a wrong action (a wrong intent, or a right one at a wrong time or day).

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use super::local_set::{Case, Expect, Slot};
use companion::understand::Reply;

#[derive(Debug, Default, Clone, Copy)]
pub struct Score {
    pub intent: bool,
    pub slots: bool,
    pub wrong_action: bool,
}

/// `today` is the user's local date at the benchmark's "now".
pub fn score(case: &Case, reply: &Reply, today: NaiveDate) -> Score {
    match (&case.expect, reply) {
        (Expect::Call(name, slots), Reply::Call { name: got, arguments }) => {
            if got != name {
                return Score { wrong_action: true, ..Score::default() };
            }
            let mut all = true;
            let mut wrong_time = false;
            for (key, slot) in slots.iter() {
                let ok = slot_ok(slot, key, arguments, today);
                all &= ok;
                wrong_time |= !ok && matches!(slot, Slot::At(..) | Slot::Day(_) | Slot::CoversToday);
            }
            Score { intent: true, slots: all, wrong_action: wrong_time }
        }
        (Expect::Call(..), _) => Score::default(),
        (Expect::Ask, Reply::Ask(_)) => Score { intent: true, slots: true, wrong_action: false },
        (Expect::Nothing, Reply::Ask(_) | Reply::Say(_)) => {
            Score { intent: true, slots: true, wrong_action: false }
        }
        (Expect::Ask, Reply::Say(_)) => Score::default(),
        (Expect::Ask | Expect::Nothing, Reply::Call { .. }) => {
            Score { wrong_action: true, ..Score::default() }
        }
    }
}

fn slot_ok(slot: &Slot, key: &str, args: &Value, today: NaiveDate) -> bool {
    let text = args.get(key).and_then(Value::as_str).unwrap_or("");
    match slot {
        Slot::Has(words) => text.to_lowercase().contains(words),
        Slot::At(days, h, m) => {
            let want =
                (today + Days::new(u64::from(*days))).and_time(NaiveTime::from_hms_opt(*h, *m, 0).unwrap());
            local_time(text) == Some(want)
        }
        Slot::Day(days) => day(text, today) == Some(today + Days::new(u64::from(*days))),
        Slot::CoversToday => {
            let single = day(text, today);
            let from = args.get("from").and_then(Value::as_str).and_then(|d| day(d, today));
            let to = args.get("to").and_then(Value::as_str).and_then(|d| day(d, today));
            match (single, from, to) {
                (Some(d), _, _) => d == today,
                (None, Some(f), Some(t)) => f <= today && today <= t,
                // No day at all means today to the intent.
                (None, None, None) => true,
                _ => false,
            }
        }
    }
}

fn local_time(s: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"].iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

fn day(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match s {
        "today" => Some(today),
        "tomorrow" => Some(today + Days::new(1)),
        _ => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
    }
}

/// Words for the error rate: lowercase, letters, digits and apostrophes only.
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// (word edits, reference words) between what was said and what was heard.
pub fn word_errors(reference: &str, heard: &str) -> (usize, usize) {
    let (r, h) = (words(reference), words(heard));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(rw != hw)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    (prev[h.len()], r.len())
}
