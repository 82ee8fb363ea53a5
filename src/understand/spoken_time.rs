//! Spoken times resolved in the user's timezone: "tomorrow at five pm", "Friday at nine thirty",
//! "in two hours", "tonight at 8", "next Monday morning", "three thirty", "at noon", "on
//! December 3rd at 10am", "this evening".
//!
//! The choices, for a clock without "am"/"pm": with a part of the day it follows it ("tonight
//! at 8" is 20:00, "tomorrow morning at 7" is 07:00); alone, an hour from 1 to 7 is afternoon
//! (nobody books "at 3" for 3 am) and 8 to 12 is as said. A part of the day without a clock is
//! morning 9:00, afternoon 15:00, evening 19:00, tonight 20:00. A clock without a day is the next
//! time it comes (today if still ahead, else tomorrow); a weekday is the next one (today if the
//! time is still ahead); "next Monday" is the Monday of the following Monday-to-Sunday week; a
//! date without a year is the next one. A time the clocks skip (a DST gap) moves on by the gap.

use super::time_parts::{scan, DateSpec, DayPart, Meridiem, TimeParts};
use super::words::{self, Word};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// What a turn says about when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum When {
    Nothing,
    /// A day but no time of day ("on Friday").
    Day(NaiveDate),
    At(DateTime<Tz>),
    /// Contradicting or impossible pieces ("tomorrow on Friday", "February 30th", "5 am tonight").
    Unclear,
}

/// Pieces of a time that contradict each other or name no real moment.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("the spoken time is unclear")]
pub(crate) struct UnclearTime;

/// The moment `phrase_or_utterance` names, read at `now` in `tz`, ignoring any words that are
/// not part of a time ("call mom tomorrow at 5" → tomorrow 17:00). None when it names no time of
/// day (a bare "Friday"), or an unclear one. The result may lie in the past ("this morning" said
/// at noon): whether that is acceptable is the caller's choice.
pub fn resolve_time(phrase_or_utterance: &str, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Tz>> {
    let words = words::split(phrase_or_utterance);
    match when(&scan(&words, true), now, tz, None) {
        When::At(t) => Some(t),
        _ => None,
    }
}

/// The time a request's `words` name (their `parts`), or `When::Nothing`. A part of the day
/// left over right before the time ("…up to my road morning at 7") means the recogniser garbled
/// the phrase: the time is unclear, so Flux asks rather than guess morning or evening.
pub(crate) fn said_when(parts: &TimeParts, words: &[Word], now: DateTime<Utc>, tz: Tz) -> When {
    let part = ["morning", "afternoon", "evening", "night"];
    let stranded = (1..words.len().min(parts.used.len()))
        .any(|k| !parts.used[k - 1] && parts.used[k] && words[k - 1].is_any(&part));
    match parts.names_time() {
        false => When::Nothing,
        true if stranded => When::Unclear,
        true => when(parts, now, tz, None),
    }
}

/// Resolves the pieces of a time. `known_day` is a day said in an earlier turn ("on Friday" …
/// "at 10"), used when these pieces name no day.
pub(crate) fn when(parts: &TimeParts, now: DateTime<Utc>, tz: Tz, known_day: Option<NaiveDate>) -> When {
    if parts.conflict {
        return When::Unclear;
    }
    if let Some(minutes) = parts.from_now {
        if parts.date.is_some() || parts.clock.is_some() || parts.part.is_some() {
            return When::Unclear;
        }
        let at = Duration::try_minutes(i64::from(minutes)).and_then(|d| now.checked_add_signed(d));
        return match at {
            Some(t) => When::At(whole_minute(t.with_timezone(&tz))),
            None => When::Unclear,
        };
    }
    let local_now = now.with_timezone(&tz);
    let today = local_now.date_naive();
    let Ok(time) = time_of_day(parts) else {
        return When::Unclear;
    };
    let day = match parts.date {
        Some(spec) => match date_of(spec, today) {
            Some(d) => Some(d),
            None => return When::Unclear,
        },
        None => known_day,
    };
    let at = |d: NaiveDate, t: NaiveTime| local(d, t, tz).map_or(When::Unclear, When::At);
    match (day, time) {
        (Some(d), Some(t)) => {
            // "Friday at 9" said on Friday at 10: next Friday.
            let plain_weekday = matches!(parts.date, Some(DateSpec::Weekday { next_week: false, .. }));
            match local(d, t, tz) {
                Some(x) if plain_weekday && d == today && x <= local_now => {
                    d.checked_add_days(Days::new(7)).map_or(When::Unclear, |d| at(d, t))
                }
                Some(x) => When::At(x),
                None => When::Unclear,
            }
        }
        (Some(d), None) => When::Day(d),
        (None, Some(t)) => match local(today, t, tz) {
            Some(x) if x > local_now => When::At(x),
            _ => today.succ_opt().map_or(When::Unclear, |d| at(d, t)),
        },
        (None, None) => When::Nothing,
    }
}

fn time_of_day(parts: &TimeParts) -> Result<Option<NaiveTime>, UnclearTime> {
    let Some(c) = parts.clock else {
        let hour = match parts.part {
            None => return Ok(None),
            Some(DayPart::Morning) => 9,
            Some(DayPart::Afternoon) => 15,
            Some(DayPart::Evening) => 19,
            Some(DayPart::Night) => 20,
        };
        return Ok(NaiveTime::from_hms_opt(hour, 0, 0));
    };
    let later = matches!(parts.part, Some(DayPart::Afternoon | DayPart::Evening | DayPart::Night));
    let hour = match (c.exact, c.meridiem) {
        (true, _) => c.hour,
        (false, Some(Meridiem::Am)) if later => return Err(UnclearTime),
        (false, Some(Meridiem::Pm)) if parts.part == Some(DayPart::Morning) => return Err(UnclearTime),
        (false, Some(_)) if c.hour > 12 || c.hour == 0 => c.hour,
        (false, Some(Meridiem::Am)) => c.hour % 12,
        (false, Some(Meridiem::Pm)) => c.hour % 12 + 12,
        (false, None) if later && c.hour < 12 => c.hour + 12,
        (false, None) if parts.part.is_none() && (1..=7).contains(&c.hour) => c.hour + 12,
        (false, None) => c.hour,
    };
    NaiveTime::from_hms_opt(hour, c.minute, 0).map(Some).ok_or(UnclearTime)
}

/// The day a spoken date names, from `today`. None for an impossible one ("February 30th").
pub(crate) fn date_of(spec: DateSpec, today: NaiveDate) -> Option<NaiveDate> {
    let ahead = |n: u32| today.checked_add_days(Days::new(u64::from(n)));
    match spec {
        DateSpec::Today => Some(today),
        DateSpec::Tomorrow => ahead(1),
        DateSpec::AfterTomorrow => ahead(2),
        DateSpec::InDays(n) => ahead(n),
        DateSpec::Weekday { day, next_week: false } => {
            ahead((day.num_days_from_monday() + 7 - today.weekday().num_days_from_monday()) % 7)
        }
        DateSpec::Weekday { day, next_week: true } => {
            ahead(7 - today.weekday().num_days_from_monday() + day.num_days_from_monday())
        }
        DateSpec::MonthDay { month, day, year: Some(y) } => NaiveDate::from_ymd_opt(y, month, day),
        DateSpec::MonthDay { month, day, year: None } => (0..=4)
            .filter_map(|k| NaiveDate::from_ymd_opt(today.year() + k, month, day))
            .find(|d| *d >= today),
        DateSpec::DayOfMonth(day) => (0..=2)
            .filter_map(|k| {
                let first = today.with_day(1)?.checked_add_months(chrono::Months::new(k))?;
                first.with_day(day)
            })
            .find(|d| *d >= today),
    }
}

/// `day` at `time` on the user's wall clock. A time that happens twice (clocks going back) is
/// the first; one that never happens (clocks going forward) moves on by the gap, as it would on
/// a wall clock that was not yet changed.
pub(crate) fn local(day: NaiveDate, time: NaiveTime, tz: Tz) -> Option<DateTime<Tz>> {
    let naive = day.and_time(time);
    if let Some(t) = tz.from_local_datetime(&naive).earliest() {
        return Some(t);
    }
    let before = tz.offset_from_utc_datetime(&naive.checked_sub_signed(Duration::days(1))?);
    let utc = naive.checked_sub_signed(Duration::seconds(i64::from(before.fix().local_minus_utc())))?;
    Some(Utc.from_utc_datetime(&utc).with_timezone(&tz))
}

fn whole_minute(t: DateTime<Tz>) -> DateTime<Tz> {
    t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
}

/// The local time as the intents read it: ISO 8601 without an offset.
pub(crate) fn iso_local(t: &DateTime<Tz>) -> String {
    t.naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
#[path = "spoken_time_tests.rs"]
mod tests;
