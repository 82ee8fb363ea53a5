//! Clocks as people say them: "at five pm", "5 p.m.", "17:00", "nine thirty", "nine oh five",
//! "half past 4", "quarter to six", "noon", "midnight". Numbers alone are not clocks ("buy 2
//! apples"): a clock needs "at", "am"/"pm", "o'clock", minutes, or a day right before it.

use super::patterns::{prefix, prefix_any};
use super::words::Word;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Meridiem {
    Am,
    Pm,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clock {
    pub hour: u32,
    pub minute: u32,
    pub meridiem: Option<Meridiem>,
    /// "noon", "midnight": the hour is already on the 24-hour clock.
    pub exact: bool,
}

/// A clock at the start of `w`, and how many words it took with its "at". A bare number is a
/// clock only right after a day (`after_day`: "Friday 10"), before a part of the day ("ten in
/// the morning") or as a whole answer (`lone`).
pub(crate) fn clock(w: &[Word], after_day: bool, lone: bool) -> Option<(Clock, usize)> {
    let lead = prefix_any(w, &["at|around|by [around|about]", "from"]).unwrap_or(0);
    let firm_lead = lead > 0 && !w[0].is("from");
    let c = &w[lead..];
    let (clock, n) = if let Some(n) = prefix(c, "noon|midday") {
        (Clock { hour: 12, minute: 0, meridiem: None, exact: true }, n)
    } else if let Some(n) = prefix(c, "midnight") {
        (Clock { hour: 0, minute: 0, meridiem: None, exact: true }, n)
    } else if let Some(found) = relative_clock(c, firm_lead) {
        found
    } else {
        let (hour, minute, mut n) = match (c.first()?.clock, c.first()?.cardinal()) {
            (Some((h, m)), _) => (h, m, 1),
            (None, Some(h)) => {
                match c.get(1).filter(|m| m.norm.len() == 2 && m.num.is_some_and(|m| m < 60)) {
                    Some(m) if !c.get(2).is_some_and(|u| u.is_any(&["minutes", "mins", "hours"])) => {
                        (h, m.num.unwrap_or(0), 2)
                    }
                    _ => (h, 0, 1),
                }
            }
            _ => return None,
        };
        if hour > 23 || minute > 59 {
            return None;
        }
        let written = c[0].clock.is_some() || n == 2;
        let oclock = c.get(n).is_some_and(|x| x.is("oclock"));
        n += usize::from(oclock);
        let meridiem = meridiem(c.get(n));
        n += usize::from(meridiem.is_some());
        let lone = lone && lead + n == w.len();
        // "eleven in the morning", "nine tonight": the part of the day makes it an hour.
        let part = (1..=12).contains(&hour)
            && prefix_any(&c[n..], &["in|during the morning|afternoon|evening", "at_night|tonight"])
                .is_some_and(|k| k > 0);
        if !(firm_lead || meridiem.is_some() || oclock || written || after_day || lone || part) {
            return None;
        }
        (Clock { hour, minute, meridiem, exact: false }, n)
    };
    Some((clock, lead + n))
}

/// "half past 5", "quarter to 6", "ten past nine", "20 to 4" (the last needs "at": "move 3 to
/// 5" is not a clock).
fn relative_clock(c: &[Word], firm_lead: bool) -> Option<(Clock, usize)> {
    // "at half 8": 8:30, as said in Britain (only after "at": "half 8" alone is too odd to trust).
    if c.first()?.is("half") && firm_lead {
        if let Some(h) = c.get(1).and_then(Word::cardinal).filter(|h| (1..=12).contains(h)) {
            let meridiem = meridiem(c.get(2));
            return Some((
                Clock { hour: h, minute: 30, meridiem, exact: false },
                2 + usize::from(meridiem.is_some()),
            ));
        }
    }
    let minutes = if c[0].is("half") {
        30
    } else if c[0].is("quarter") || (c[0].is("a") && c.get(1)?.is("quarter")) {
        15
    } else {
        c[0].cardinal().filter(|m| (1..60).contains(m))?
    };
    let skip = usize::from(c[0].is("a")) + 1;
    let skip = skip + usize::from(c.get(skip).is_some_and(|x| x.is_any(&["minutes", "mins"])));
    let dir = c.get(skip)?;
    let hour = c.get(skip + 1)?.cardinal().filter(|h| (1..=12).contains(h))?;
    let (hour, minute) = if dir.is_any(&["past", "after"]) {
        (hour, minutes)
    } else if dir.is_any(&["to", "till", "before", "of"]) && minutes < 60 && (firm_lead || c[0].num.is_none())
    {
        (if hour == 1 { 12 } else { hour - 1 }, 60 - minutes)
    } else {
        return None;
    };
    let mut n = skip + 2;
    let meridiem = meridiem(c.get(n));
    n += usize::from(meridiem.is_some());
    Some((Clock { hour, minute, meridiem, exact: false }, n))
}

fn meridiem(w: Option<&Word>) -> Option<Meridiem> {
    match w.map(|x| x.norm.as_str()) {
        Some("am") => Some(Meridiem::Am),
        Some("pm") => Some(Meridiem::Pm),
        _ => None,
    }
}
