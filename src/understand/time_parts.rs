//! Finding the pieces of a spoken time in a turn: a day ("tomorrow", "next Monday", "December
//! 3rd", "in 3 days"), a clock ("at five pm", "nine thirty", "half past 4", "noon"), a part of
//! the day ("tonight", "in the morning"), a time from now ("in two hours") and a length ("for
//! 45 minutes"). Each piece remembers which words it took so the rest is the task's title.

use super::durations::{amount, Amount};
use super::patterns::{prefix, prefix_any};
use super::spoken_clock::clock;
pub(crate) use super::spoken_clock::{Clock, Meridiem};
use super::words::Word;
use chrono::Weekday;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DayPart {
    Morning,
    Afternoon,
    Evening,
    Night,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DateSpec {
    Today,
    Tomorrow,
    AfterTomorrow,
    /// `next_week`: "next Monday", the Monday of the following Monday-to-Sunday week.
    Weekday {
        day: Weekday,
        next_week: bool,
    },
    MonthDay {
        month: u32,
        day: u32,
        year: Option<i32>,
    },
    DayOfMonth(u32),
    InDays(u32),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TimeParts {
    pub date: Option<DateSpec>,
    pub clock: Option<Clock>,
    pub part: Option<DayPart>,
    /// "in two hours": minutes from now.
    pub from_now: Option<u32>,
    /// "for 45 minutes": how long, not when.
    pub length: Option<u32>,
    /// Two different days or clocks were said: the time is not clear.
    pub conflict: bool,
    /// The words the pieces took, with their "at", "on", "in".
    pub used: Vec<bool>,
}

impl TimeParts {
    /// Whether a day, a clock, a part of the day or a time from now was said.
    pub(crate) fn names_time(&self) -> bool {
        self.date.is_some() || self.clock.is_some() || self.part.is_some() || self.from_now.is_some()
    }

    /// The words no piece took.
    pub(crate) fn rest(&self, words: &[Word]) -> Vec<Word> {
        words.iter().zip(&self.used).filter(|(_, used)| !**used).map(|(w, _)| w.clone()).collect()
    }

    fn set<T: PartialEq>(slot: &mut Option<T>, value: T, conflict: &mut bool) {
        match slot {
            Some(old) if *old != value => *conflict = true,
            _ => *slot = Some(value),
        }
    }
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const PARTS: [(&str, DayPart); 4] = [
    ("morning", DayPart::Morning),
    ("afternoon", DayPart::Afternoon),
    ("evening", DayPart::Evening),
    ("night", DayPart::Night),
];
const DATE_LEAD: &str = "[on|for|by|until|till]";

/// Finds the pieces of a time in `words`. With `lone_hour`, a turn that is only a number
/// ("three", "at 3") is an hour: the answer to "when?".
pub(crate) fn scan(words: &[Word], lone_hour: bool) -> TimeParts {
    let mut p = TimeParts { used: vec![false; words.len()], ..TimeParts::default() };
    let mut i = 0;
    while i < words.len() {
        let after_day = i > 0 && p.used[i - 1] && p.date.is_some();
        let lone = lone_hour && i == 0;
        let rest = &words[i..];
        let took = length(rest, &mut p)
            .or_else(|| from_now(rest, &mut p))
            .or_else(|| date(rest, &mut p))
            .or_else(|| day_part(rest, after_day, &mut p))
            .or_else(|| {
                let (c, n) = clock(rest, after_day, lone)?;
                TimeParts::set(&mut p.clock, c, &mut p.conflict);
                Some(n)
            });
        match took {
            Some(n) if n > 0 => {
                p.used[i..i + n].iter_mut().for_each(|u| *u = true);
                i += n;
            }
            _ => i += 1,
        }
    }
    p
}

fn length(w: &[Word], p: &mut TimeParts) -> Option<usize> {
    // "for 45 minutes"; "a 30 minute call" (the singular unit makes it a length, not a delay).
    let (minutes, n) = match amount(w.get(1..)?) {
        Some((Amount::Minutes(m), n)) if w[0].is("for") => (m, n + 1),
        _ => match (w[0].cardinal(), w.get(1)) {
            (Some(m), Some(u)) if u.is_any(&["minute", "min"]) => (m, 2),
            (Some(h), Some(u)) if u.is("hour") => (h.saturating_mul(60), 2),
            _ => return None,
        },
    };
    if !(1..=1440).contains(&minutes) {
        return None;
    }
    TimeParts::set(&mut p.length, minutes, &mut p.conflict);
    Some(n)
}

fn from_now(w: &[Word], p: &mut TimeParts) -> Option<usize> {
    let (amount, n) = if w[0].is_any(&["in", "within"]) {
        let (a, n) = amount(&w[1..])?;
        (a, n + 1)
    } else {
        let (a, n) = amount(w)?;
        (a, n + prefix(&w[n..], "from_now|from_today|later")?)
    };
    match amount {
        Amount::Minutes(m) => TimeParts::set(&mut p.from_now, m, &mut p.conflict),
        Amount::Days(d) => TimeParts::set(&mut p.date, DateSpec::InDays(d), &mut p.conflict),
    }
    Some(n)
}

fn date(w: &[Word], p: &mut TimeParts) -> Option<usize> {
    let lead = prefix(w, DATE_LEAD).unwrap_or(0);
    let w2 = &w[lead..];
    if w2.is_empty() {
        return None;
    }
    let (spec, n) = if let Some(n) = prefix(w2, "[the] day after tomorrow|tomorow") {
        (DateSpec::AfterTomorrow, n)
    } else if let Some(n) = prefix(w2, "today|todays") {
        (DateSpec::Today, n)
    } else if let Some(n) = prefix(w2, "tonight|tonite|tonights") {
        TimeParts::set(&mut p.part, DayPart::Night, &mut p.conflict);
        (DateSpec::Today, n)
    } else if let Some(n) = prefix(w2, "tomorrow|tomorrows|tomorow|tommorow|tmrw|to_morrow") {
        (DateSpec::Tomorrow, n)
    } else if let Some((spec, n)) = weekday(w2).or_else(|| month_day(w2)) {
        (spec, n)
    } else {
        return None;
    };
    TimeParts::set(&mut p.date, spec, &mut p.conflict);
    Some(lead + n)
}

fn weekday(w: &[Word]) -> Option<(DateSpec, usize)> {
    let lead = prefix_any(w, &["this|coming|this_coming|the_coming", "next"]).unwrap_or(0);
    let next_week = w[0].is("next");
    let name = w.get(lead)?.norm.trim_end_matches('s');
    let (_, day) = WEEKDAYS.iter().find(|(n, _)| *n == name)?;
    Some((DateSpec::Weekday { day: *day, next_week }, lead + 1))
}

fn month_day(w: &[Word]) -> Option<(DateSpec, usize)> {
    let month = |x: &Word| MONTHS.iter().position(|m| x.is(m)).map(|i| i as u32 + 1);
    let day = |x: &Word| x.num.filter(|d| (1..=31).contains(d) && x.clock.is_none());
    let year =
        |x: Option<&Word>| x.and_then(|x| x.num).filter(|y| (2000..=2200).contains(y)).map(|y| y as i32);
    // "December 3rd", "December the third", "the 3rd of December", "3 December", "the 3rd".
    if let Some(m) = month(&w[0]) {
        let the = usize::from(w.get(1).is_some_and(|x| x.is("the")));
        let d = day(w.get(1 + the)?)?;
        let y = year(w.get(2 + the));
        return Some((DateSpec::MonthDay { month: m, day: d, year: y }, 2 + the + usize::from(y.is_some())));
    }
    let the = usize::from(w[0].is("the"));
    let first = w.get(the)?;
    let d = day(first)?;
    let of = usize::from(w.get(the + 1).is_some_and(|x| x.is("of")));
    match w.get(the + 1 + of).and_then(month) {
        Some(m) => {
            let y = year(w.get(the + 2 + of));
            Some((DateSpec::MonthDay { month: m, day: d, year: y }, the + 2 + of + usize::from(y.is_some())))
        }
        None if the == 1 && first.ordinal => Some((DateSpec::DayOfMonth(d), 2)),
        None => None,
    }
}

fn day_part(w: &[Word], after_day: bool, p: &mut TimeParts) -> Option<usize> {
    let part = |x: Option<&Word>| x.and_then(|x| PARTS.iter().find(|(n, _)| x.is(n))).map(|(_, d)| *d);
    let (found, n) = if let Some(n) = prefix(w, "this morning|afternoon|evening") {
        TimeParts::set(&mut p.date, DateSpec::Today, &mut p.conflict);
        (part(w.get(1))?, n)
    } else if let Some(n) = prefix(w, "in|during the morning|afternoon|evening") {
        (part(w.get(2))?, n)
    } else if let Some(n) = prefix(w, "at|by night") {
        (DayPart::Night, n)
    } else if after_day {
        (part(w.first())?, 1)
    } else {
        return None;
    };
    TimeParts::set(&mut p.part, found, &mut p.conflict);
    Some(n)
}
