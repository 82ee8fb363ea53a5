//! The conversation around the rules: an intent missing a slot is kept while Flux asks for it,
//! and the next turn fills it, starts something else, or cancels. An answer that can't be used
//! is asked for again, at most twice; then Flux gives up rather than guess.

use super::answers;
use super::draft::{Draft, Need, Next};
use super::filler;
use super::night;
use super::phrases::{self, DROPPED, GAVE_UP};
use super::rules::{self, Reading, Topic};
use super::spoken_time::When;
use super::words::{split, Word};
use super::Reply;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// How many times an unusable answer is asked for again before giving up.
const MAX_RETRIES: u8 = 2;

#[derive(Debug, Default, Clone)]
pub(crate) struct Dialogue {
    pending: Option<Pending>,
}

#[derive(Debug, Clone)]
struct Pending {
    draft: Draft,
    need: Need,
    retries: u8,
}

impl Dialogue {
    pub(crate) fn turn(&mut self, text: &str, now: DateTime<Utc>, tz: Tz) -> Reply {
        let words = split(text);
        match self.pending.take() {
            Some(p) => self.answer(p, &words, now, tz),
            None => self.begin(rules::read(&words, now, tz), now, tz),
        }
    }

    pub(crate) fn reset(&mut self) {
        self.pending = None;
    }

    fn begin(&mut self, reading: Reading, now: DateTime<Utc>, tz: Tz) -> Reply {
        match reading {
            Reading::Intent { draft, .. } => self.advance(draft, 0, now, tz),
            Reading::Say(topic) => Reply::Say(phrases::say(topic, now, tz)),
        }
    }

    /// Calls the draft if it is complete (a time at night once confirmed), else asks for its
    /// next missing slot.
    fn advance(&mut self, draft: Draft, retries: u8, now: DateTime<Utc>, tz: Tz) -> Reply {
        match draft.next(now) {
            Next::Call { .. } if night::time(&draft).is_some() => {
                self.ask(draft, Need::Confirm, retries, now, tz)
            }
            Next::Call { name, arguments } => Reply::Call { name: name.to_string(), arguments },
            Next::Ask(need) => self.ask(draft, need, retries, now, tz),
        }
    }

    fn ask(&mut self, draft: Draft, need: Need, retries: u8, now: DateTime<Utc>, tz: Tz) -> Reply {
        let question = phrases::question(&draft, need, retries > 0, now, tz);
        self.pending = Some(Pending { draft, need, retries });
        Reply::Ask(question)
    }

    /// The answer to "Just to check: 11 PM on Wednesday, at night?" (see `night`).
    fn confirm(&mut self, p: Pending, words: &[Word], now: DateTime<Utc>, tz: Tz) -> Reply {
        match night::yes_or_no(words) {
            Some(true) => {
                return match p.draft.next(now) {
                    Next::Call { name, arguments } => Reply::Call { name: name.to_string(), arguments },
                    // The time passed while we talked: ask for another.
                    Next::Ask(need) => self.ask(p.draft, need, 0, now, tz),
                };
            }
            Some(false) => return self.advance(night::without_clock(p.draft), 0, now, tz),
            None => {}
        }
        let clean = filler::strip(words);
        // "no, eleven am", or just "eleven am": the time again, for the same day.
        let said = night::after_no(&clean).unwrap_or(&clean);
        let day_only = night::without_clock(p.draft.clone());
        if let Some(draft) = answers::fill(&day_only, Need::Time, said, now, tz) {
            return self.advance(draft, 0, now, tz);
        }
        if rules::is_cancel(&clean) {
            return Reply::Say(DROPPED.into());
        }
        match rules::read(words, now, tz) {
            reading @ Reading::Intent { .. } => self.begin(reading, now, tz),
            _ if p.retries >= MAX_RETRIES => Reply::Say(GAVE_UP.into()),
            _ => self.ask(p.draft, Need::Confirm, p.retries + 1, now, tz),
        }
    }

    fn answer(&mut self, p: Pending, words: &[Word], now: DateTime<Utc>, tz: Tz) -> Reply {
        if p.need == Need::Confirm {
            return self.confirm(p, words, now, tz);
        }
        let clean = filler::strip(words);
        if rules::is_cancel(&clean) {
            return Reply::Say(DROPPED.into());
        }
        let reading = rules::read(words, now, tz);
        let interrupts = match &reading {
            Reading::Intent { strong, .. } => *strong || !p.need.is_free_text(),
            Reading::Say(topic) => matches!(topic, Topic::Greeting | Topic::Help),
        };
        // A free-text answer could itself read as a weak request ("complete the tax return" as a
        // title): only a strong one starts something new. A time answer never reads as a request.
        let filled = if p.need.is_free_text() && interrupts {
            None
        } else {
            answers::fill(&p.draft, p.need, &clean, now, tz)
        };
        match filled {
            Some(draft) => {
                // Progress is a slot filled or a day learned; an unusable time counts as a miss.
                let same = matches!(draft.next(now), Next::Ask(n) if n == p.need);
                let day_only = matches!(draft.when(), Some(When::Day(_)));
                let retries = if same && !day_only { p.retries + 1 } else { 0 };
                if retries > MAX_RETRIES {
                    return Reply::Say(GAVE_UP.into());
                }
                self.advance(draft, retries, now, tz)
            }
            None if interrupts => self.begin(reading, now, tz),
            None if p.retries >= MAX_RETRIES => Reply::Say(GAVE_UP.into()),
            None => self.ask(p.draft, p.need, p.retries + 1, now, tz),
        }
    }
}

#[cfg(test)]
#[path = "dialogue_tests.rs"]
mod tests;
