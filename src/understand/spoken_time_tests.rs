//! The resolver on the phrases people say, at a fixed "now": Tuesday 24 November 2026, 10:00 in
//! Berlin.

use super::*;
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn at(text: &str) -> Option<String> {
    resolve_time(text, now(), Berlin).map(|t| iso_local(&t))
}

#[test]
fn phrases_from_the_issue() {
    let cases = [
        ("tomorrow at five pm", "2026-11-25T17:00:00"),
        ("Friday at nine thirty", "2026-11-27T09:30:00"),
        ("in two hours", "2026-11-24T12:00:00"),
        ("in 30 minutes", "2026-11-24T10:30:00"),
        ("tonight at 8", "2026-11-24T20:00:00"),
        ("next Monday morning", "2026-11-30T09:00:00"),
        ("three thirty", "2026-11-24T15:30:00"),
        ("at noon", "2026-11-24T12:00:00"),
        ("tomorrow morning at 7", "2026-11-25T07:00:00"),
        ("on December 3rd at 10am", "2026-12-03T10:00:00"),
        ("this evening", "2026-11-24T19:00:00"),
        // 9:00 has passed at 10:00, so the next 9:00 is tomorrow's.
        ("at 9", "2026-11-25T09:00:00"),
    ];
    for (text, want) in cases {
        assert_eq!(at(text).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn ways_of_writing_a_clock() {
    for text in
        ["5 p.m.", "5pm", "17:00", "five pm", "at 5", "five o'clock", "5 P.M", "at five in the afternoon"]
    {
        assert_eq!(at(text).as_deref(), Some("2026-11-24T17:00:00"), "{text}");
    }
    let cases = [
        ("half past four", "2026-11-24T16:30:00"),
        ("quarter to six", "2026-11-24T17:45:00"),
        ("a quarter past 11", "2026-11-24T11:15:00"),
        ("ten past nine", "2026-11-25T09:10:00"),
        ("at midnight", "2026-11-25T00:00:00"),
        ("nine oh five pm", "2026-11-24T21:05:00"),
        ("9 o'clock tonight", "2026-11-24T21:00:00"),
        ("tomorrow 5pm", "2026-11-25T17:00:00"),
        ("at 11", "2026-11-24T11:00:00"),
        ("at 12 am", "2026-11-25T00:00:00"),
        ("at 21:30", "2026-11-24T21:30:00"),
        ("8.15 in the evening", "2026-11-24T20:15:00"),
        ("eleven in the morning", "2026-11-24T11:00:00"),
        ("nine tonight", "2026-11-24T21:00:00"),
        ("Friday six in the evening", "2026-11-27T18:00:00"),
    ];
    for (text, want) in cases {
        assert_eq!(at(text).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn ways_of_naming_a_day() {
    let cases = [
        ("the day after tomorrow at 10", "2026-11-26T10:00:00"),
        ("in 3 days at noon", "2026-11-27T12:00:00"),
        ("in a week at 9am", "2026-12-01T09:00:00"),
        ("this Friday afternoon", "2026-11-27T15:00:00"),
        ("on Tuesday at 3", "2026-11-24T15:00:00"),
        ("tuesday at 9", "2026-12-01T09:00:00"),
        ("next tuesday at 9", "2026-12-01T09:00:00"),
        ("on the 3rd of January at 8", "2027-01-03T08:00:00"),
        ("the twenty first at 6 pm", "2026-12-21T18:00:00"),
        ("November 2nd 2027 at 10", "2027-11-02T10:00:00"),
        ("tomorrow night", "2026-11-25T20:00:00"),
        ("sunday evening at 6", "2026-11-29T18:00:00"),
        ("in an hour and a half", "2026-11-24T11:30:00"),
        ("45 minutes from now", "2026-11-24T10:45:00"),
    ];
    for (text, want) in cases {
        assert_eq!(at(text).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn no_time_or_an_unclear_one() {
    for text in [
        "Friday",
        "buy milk",
        "tomorrow on Friday at 5",
        "February 30th at 10",
        "5 am tonight",
        "in a few minutes",
        "at 25",
        "",
        "buy 2 apples",
    ] {
        assert_eq!(at(text), None, "{text}");
    }
    let words = words::split("on Friday");
    assert_eq!(
        when(&scan(&words, false), now(), Berlin, None),
        When::Day(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap())
    );
}

#[test]
fn a_day_from_an_earlier_turn() {
    let friday = NaiveDate::from_ymd_opt(2026, 11, 27);
    let words = words::split("at 10");
    let When::At(t) = when(&scan(&words, true), now(), Berlin, friday) else { panic!("no time") };
    assert_eq!(iso_local(&t), "2026-11-27T10:00:00");
}

#[test]
fn the_users_timezone_and_daylight_saving() {
    // 09:00 UTC is 04:00 in New York, so 9 am is still ahead today.
    let t = resolve_time("at 9", now(), New_York).unwrap();
    assert_eq!(iso_local(&t), "2026-11-24T09:00:00");
    // Berlin skips 02:00–03:00 on 29 March 2026: 2:30 becomes 3:30 summer time.
    let saturday = Utc.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap();
    let t = resolve_time("tomorrow at 2:30 am", saturday, Berlin).unwrap();
    assert_eq!(t.to_rfc3339(), "2026-03-29T03:30:00+02:00");
    // Two hours from 01:30 winter time are 04:30 summer time.
    let night = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
    let t = resolve_time("in two hours", night, Berlin).unwrap();
    assert_eq!(t.to_rfc3339(), "2026-03-29T04:30:00+02:00");
    // 02:30 on 25 October 2026 happens twice; the first is summer time.
    let t = resolve_time("on October 25th at 2:30 am", saturday, Berlin).unwrap();
    assert_eq!(t.to_rfc3339(), "2026-10-25T02:30:00+02:00");
}

#[test]
fn a_weekday_whose_time_has_passed_is_next_week() {
    let friday_ten = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    let t = resolve_time("Friday at 9", friday_ten, Berlin).unwrap();
    assert_eq!(iso_local(&t), "2026-12-04T09:00:00");
    let t = resolve_time("Friday at 11", friday_ten, Berlin).unwrap();
    assert_eq!(iso_local(&t), "2026-11-27T11:00:00");
}
