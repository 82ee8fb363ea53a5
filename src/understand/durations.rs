//! Spoken amounts of time: "45 minutes", "an hour and a half", "half an hour", "a couple of
//! hours", "3 days", "a week". Vague ones ("a few minutes", "a while") are not amounts: a task
//! scheduled "in a few minutes" would be a guess.

use super::patterns::{prefix, prefix_any};
use super::words::Word;

/// Larger counts are not something anyone schedules by voice; refusing them keeps the
/// arithmetic far from overflow.
const MAX_COUNT: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Amount {
    Minutes(u32),
    Days(u32),
}

const MINUTE_UNITS: &[&str] = &["minute", "minutes", "min", "mins"];
const HOUR_UNITS: &[&str] = &["hour", "hours", "hr", "hrs"];
const DAY_UNITS: &[&str] = &["day", "days"];
const WEEK_UNITS: &[&str] = &["week", "weeks"];

/// An amount at the start of `words`, and how many words it took.
pub(crate) fn amount(words: &[Word]) -> Option<(Amount, usize)> {
    if let Some(n) = prefix_any(words, &["half an|a hour", "a|1 half hour", "half hour|hr"]) {
        return Some((Amount::Minutes(30), n));
    }
    if let Some(n) = prefix(words, "[a|1] quarter [of] [an|a] hour") {
        return Some((Amount::Minutes(15), n));
    }
    if let Some(n) = prefix(words, "3 quarters [of] [an|a] hour") {
        return Some((Amount::Minutes(45), n));
    }
    let (count, mut i) = count(words)?;
    // "2 and a half hours"
    let mut half = prefix(&words[i..], "and a half").inspect(|n| i += n).is_some();
    let unit = words.get(i)?;
    i += 1;
    let amount = if unit.is_any(MINUTE_UNITS) {
        Amount::Minutes(count)
    } else if unit.is_any(HOUR_UNITS) {
        // "an hour and a half", "2 hours and 15 minutes"
        let extra = if let Some(n) = prefix(&words[i..], "and a half") {
            half = true;
            i += n;
            0
        } else if let Some(n) = prefix(&words[i..], "and # minute|minutes|min|mins") {
            let m = words[i + 1].cardinal().filter(|m| *m < 60)?;
            i += n;
            m
        } else {
            0
        };
        Amount::Minutes(count * 60 + if half { 30 } else { 0 } + extra)
    } else if unit.is_any(DAY_UNITS) && !half {
        Amount::Days(count)
    } else if unit.is_any(WEEK_UNITS) && !half {
        Amount::Days(count * 7)
    } else {
        return None;
    };
    Some((amount, i))
}

/// "2", "two", "a", "an", "a couple of".
fn count(words: &[Word]) -> Option<(u32, usize)> {
    let first = words.first()?;
    if let Some(n) = first.cardinal() {
        return (1..=MAX_COUNT).contains(&n).then_some((n, 1));
    }
    if let Some(n) = prefix(words, "[a] couple [of]") {
        return Some((2, n));
    }
    first.is_any(&["a", "an"]).then_some((1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::words::split;

    fn read(text: &str) -> Option<(Amount, usize)> {
        amount(&split(text))
    }

    #[test]
    fn amounts() {
        assert_eq!(read("45 minutes"), Some((Amount::Minutes(45), 2)));
        assert_eq!(read("forty five mins"), Some((Amount::Minutes(45), 2)));
        assert_eq!(read("an hour"), Some((Amount::Minutes(60), 2)));
        assert_eq!(read("an hour and a half"), Some((Amount::Minutes(90), 5)));
        assert_eq!(read("2 and a half hours"), Some((Amount::Minutes(150), 5)));
        assert_eq!(read("two hours and fifteen minutes"), Some((Amount::Minutes(135), 5)));
        assert_eq!(read("half an hour"), Some((Amount::Minutes(30), 3)));
        assert_eq!(read("one half hour"), Some((Amount::Minutes(30), 3)));
        assert_eq!(read("one hour"), Some((Amount::Minutes(60), 2)));
        assert_eq!(read("a quarter of an hour"), Some((Amount::Minutes(15), 5)));
        assert_eq!(read("a couple of hours"), Some((Amount::Minutes(120), 4)));
        assert_eq!(read("three days"), Some((Amount::Days(3), 2)));
        assert_eq!(read("a week"), Some((Amount::Days(7), 2)));
        assert_eq!(read("a few minutes"), None);
        assert_eq!(read("2 apples"), None);
        assert_eq!(read("99999999 hours"), None);
    }
}
