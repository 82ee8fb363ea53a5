//! The days a listing asks about: one day ("today", "tomorrow", "on Friday", "December 3rd") or
//! a range. Weeks run Monday to Sunday: "this week" is the whole current week (past days
//! included, so finished tasks show too), "next week" the following one, "the weekend" its
//! Saturday and Sunday, "the rest of the week" today to Sunday.

use super::patterns::prefix;
use super::spoken_time::{when, UnclearTime, When};
use super::time_parts::scan;
use super::words::Word;
use chrono::{DateTime, Datelike, Days as Add, NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Days {
    One(NaiveDate),
    Range(NaiveDate, NaiveDate),
}

#[derive(Clone, Copy)]
enum Span {
    RestOfWeek,
    Weekend,
    NextWeekend,
    Week,
    NextWeek,
}

const RANGES: &[(&str, Span)] = &[
    ("[for|during|in|over] [the] rest of [the|this] week", Span::RestOfWeek),
    ("[for|during|in|on|over] this|the weekend", Span::Weekend),
    ("[for|during|in|on|over] next weekend", Span::NextWeekend),
    ("[for|during|in|on|over] this|the|my [whole|entire] week", Span::Week),
    ("[for|during|in|on|over] next|the_next|the_following week", Span::NextWeek),
];

/// Days said in `words` (an error when they are unclear: "this week tomorrow"), and which words
/// said them either way.
pub(crate) fn find_days(
    words: &[Word],
    now: DateTime<Utc>,
    tz: Tz,
) -> (Result<Option<Days>, UnclearTime>, Vec<bool>) {
    let today = now.with_timezone(&tz).date_naive();
    // Checked only for dates at the ends of the calendar, which no clock will show.
    let day = |from: NaiveDate, n: u64| from.checked_add_days(Add::new(n)).unwrap_or(from);
    let monday =
        today.checked_sub_days(Add::new(u64::from(today.weekday().num_days_from_monday()))).unwrap_or(today);
    let week = |from: u64, to: u64| Days::Range(day(monday, from), day(monday, to));
    let mut used = vec![false; words.len()];
    let mut ranges = Vec::new();
    for (pattern, span) in RANGES {
        let found = (0..words.len()).filter(|k| !used[*k]).find_map(|k| {
            prefix(&words[k..], pattern).filter(|n| *n > 0 && !used[k..k + n].contains(&true)).map(|n| (k, n))
        });
        if let Some((at, n)) = found {
            used[at..at + n].iter_mut().for_each(|u| *u = true);
            ranges.push(match span {
                Span::RestOfWeek => Days::Range(today, day(monday, 6)),
                Span::Weekend => week(5, 6),
                Span::NextWeekend => week(12, 13),
                Span::Week => week(0, 6),
                Span::NextWeek => week(7, 13),
            });
        }
    }
    let rest: Vec<Word> = words.iter().zip(&used).filter(|(_, u)| !**u).map(|(w, _)| w.clone()).collect();
    let parts = scan(&rest, false);
    let mut marks = parts.used.iter();
    for u in used.iter_mut().filter(|u| !**u) {
        *u = marks.next().copied().unwrap_or(false);
    }
    let single = match when(&parts, now, tz, None) {
        When::Nothing => None,
        When::Day(d) => Some(Days::One(d)),
        When::At(t) => Some(Days::One(t.date_naive())),
        When::Unclear => return (Err(UnclearTime), used),
    };
    let days = match (ranges.as_slice(), single) {
        ([], s) => Ok(s),
        ([r], None) => Ok(Some(*r)),
        _ => Err(UnclearTime),
    };
    (days, used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::words::split;
    use chrono::TimeZone;
    use chrono_tz::Europe::Berlin;

    fn days(text: &str) -> Option<(String, String)> {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        match find_days(&split(text), now, Berlin).0.ok()?? {
            Days::One(d) => Some((d.to_string(), d.to_string())),
            Days::Range(a, b) => Some((a.to_string(), b.to_string())),
        }
    }

    #[test]
    fn days_and_weeks() {
        let one = |d: &str| Some((d.to_string(), d.to_string()));
        let two = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(days("what do I have today"), one("2026-11-24"));
        assert_eq!(days("tomorrow"), one("2026-11-25"));
        assert_eq!(days("on friday"), one("2026-11-27"));
        assert_eq!(days("this week"), two("2026-11-23", "2026-11-29"));
        assert_eq!(days("for next week"), two("2026-11-30", "2026-12-06"));
        assert_eq!(days("over the weekend"), two("2026-11-28", "2026-11-29"));
        assert_eq!(days("the rest of the week"), two("2026-11-24", "2026-11-29"));
        assert_eq!(days("my list"), None);
        assert!(find_days(&split("this week tomorrow"), Utc::now(), Berlin).0.is_err());
        assert!(find_days(&split("this week and next week"), Utc::now(), Berlin).0.is_err());
        let (_, used) = find_days(&split("what's on for tomorrow"), Utc::now(), Berlin);
        assert_eq!(used, [false, false, true, true]);
    }
}
