//! Times and days as the LLM writes them. A time without an offset is the user's local time.

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

const NAIVE_FORMATS: &[&str] =
    &["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"];

/// Parses an ISO 8601 date-time. With an offset (`Z`, `+01:00`) it is taken as given; without
/// one it is read in `tz`. Errors are sentences the agent can repeat to the user.
pub fn parse_time(input: &str, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    for f in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%#z", "%Y-%m-%dT%H:%M:%S%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    let naive =
        NAIVE_FORMATS.iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok()).ok_or_else(|| {
            if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
                format!("'{s}' has a date but no time of day; I need both, like 2026-03-14T09:30.")
            } else {
                format!("I couldn't read the time '{s}'; it should look like 2026-03-14T09:30.")
            }
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        // A time that happens twice (clocks going back): the first one is what people mean.
        LocalResult::Ambiguous(first, _) => Ok(first.fixed_offset()),
        LocalResult::None => Err(format!(
            "{s} does not exist in {} because the clocks change then; please pick another time.",
            tz.name()
        )),
    }
}

/// A day: `today`, `tomorrow`, `yesterday`, `YYYY-MM-DD`, or a date-time (its local day).
pub fn parse_day(input: &str, tz: Tz, now: DateTime<Utc>) -> Result<NaiveDate, String> {
    let s = input.trim();
    let today = now.with_timezone(&tz).date_naive();
    match s.to_ascii_lowercase().as_str() {
        "today" => return Ok(today),
        "tomorrow" => return Ok(today + Duration::days(1)),
        "yesterday" => return Ok(today - Duration::days(1)),
        _ => {}
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d);
    }
    parse_time(s, tz).map(|t| t.with_timezone(&tz).date_naive()).map_err(|_| {
        format!("I couldn't read the day '{s}'; it should look like 2026-03-14, or say today or tomorrow.")
    })
}

/// The instant a local day starts (midnight, or the first valid time if a DST gap eats it).
pub fn start_of_day(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(z) = tz.from_local_datetime(&t).earliest() {
            return z.with_timezone(&Utc);
        }
        t += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&t)
}

/// "Tuesday 24 November at 18:00", in the user's timezone.
pub fn speak_time(t: &DateTime<FixedOffset>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%A %-d %B at %H:%M").to_string()
}

pub fn speak_day(d: NaiveDate) -> String {
    d.format("%A %-d %B").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    #[test]
    fn offsets_and_local_times() {
        let t = parse_time("2026-11-24T18:00:00+01:00", Berlin).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T18:00:00+01:00");
        let t = parse_time("2026-11-24T17:00:00Z", Berlin).unwrap();
        assert_eq!(t.with_timezone(&Berlin).format("%H:%M").to_string(), "18:00");
        let t = parse_time("2026-07-01T09:30", Berlin).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-07-01T09:30:00+02:00");
        let t = parse_time("2026-11-24 18:00", Berlin).unwrap();
        assert_eq!(t.offset().local_minus_utc(), 3600);
    }

    #[test]
    fn bad_times_say_why() {
        assert!(parse_time("next tuesday", Berlin).unwrap_err().contains("couldn't read"));
        assert!(parse_time("2026-11-24", Berlin).unwrap_err().contains("no time of day"));
        assert!(parse_time("2026-03-29T02:30", Berlin).unwrap_err().contains("clocks change"));
        assert!(parse_time("2026-13-40T10:00", Berlin).is_err());
    }

    #[test]
    fn days() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap();
        assert_eq!(parse_day("today", Berlin, now).unwrap().to_string(), "2026-11-24");
        assert_eq!(parse_day("Tomorrow", Berlin, now).unwrap().to_string(), "2026-11-25");
        assert_eq!(parse_day("2026-12-01", Berlin, now).unwrap().to_string(), "2026-12-01");
        assert!(parse_day("someday", Berlin, now).is_err());
    }
}
