//! Instants as the store keeps them, and a clock that tests can move.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// RFC 3339 UTC with milliseconds: sorts as text, which the store relies on.
pub fn format_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// A span as people read it in a list: "45 s", "4 min 12 s", "1 h 5 min" (seconds dropped
/// from an hour on). A negative span (a clock set back) reads as 0 s.
pub fn span_words(seconds: i64) -> String {
    let s = seconds.max(0);
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{sec} s"),
        (0, _) => format!("{m} min {sec} s"),
        _ => format!("{h} h {m} min"),
    }
}

/// How long a conversation lasted, from its stored start and end; "ongoing" without an end.
pub fn duration_words(started_at: &str, ended_at: Option<&str>) -> String {
    match (parse_utc(started_at), ended_at.and_then(parse_utc)) {
        (Some(a), Some(b)) => span_words((b - a).num_seconds()),
        (_, None) if ended_at.is_none() => "ongoing".into(),
        _ => "unknown".into(),
    }
}

/// An instant with the UTC offset it was given in: a task's time as the user meant it, so it is
/// shown in their time. Read and written as RFC 3339 (`2026-11-24T18:00:00+01:00`), parsed once
/// where it enters; an unreadable value is an error there, never a default.
#[derive(Clone, Copy, Debug)]
pub struct OffsetTime(DateTime<FixedOffset>);

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{value:?} is not an RFC 3339 time: {reason}")]
pub struct BadTime {
    pub value: String,
    pub reason: String,
}

impl OffsetTime {
    pub fn at(&self) -> DateTime<FixedOffset> {
        self.0
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    pub fn parse(s: &str) -> Result<Self, BadTime> {
        DateTime::parse_from_rfc3339(s)
            .map(OffsetTime)
            .map_err(|e| BadTime { value: s.to_string(), reason: e.to_string() })
    }
}

impl From<DateTime<FixedOffset>> for OffsetTime {
    fn from(t: DateTime<FixedOffset>) -> Self {
        OffsetTime(t)
    }
}

impl fmt::Display for OffsetTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

/// Equal when both the instant and the offset are: 18:00+01:00 and 17:00Z are one instant, but
/// not the same time to show the user.
impl PartialEq for OffsetTime {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.0.offset() == other.0.offset()
    }
}

impl Eq for OffsetTime {}

/// Compares with the RFC 3339 text, as the time is written in JSON and the database.
impl PartialEq<&str> for OffsetTime {
    fn eq(&self, other: &&str) -> bool {
        self.0.to_rfc3339() == *other
    }
}

impl Serialize for OffsetTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OffsetTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        OffsetTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where "now" comes from. Rate limits and "today's tasks" depend on it, and tests need to move it.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    /// Milliseconds since the epoch, shared so a test can advance it while a server runs.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> Self {
        Clock::Manual(Arc::new(AtomicI64::new(start.timestamp_millis())))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Manual(ms) => {
                DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst)).unwrap_or_default()
            }
        }
    }

    /// Moves a manual clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Manual(ms) = self {
            ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(span_words(45), "45 s");
        assert_eq!(span_words(252), "4 min 12 s");
        assert_eq!(span_words(3900), "1 h 5 min");
        assert_eq!(span_words(-3), "0 s");
        let start = "2026-11-24T09:00:00.000Z";
        assert_eq!(duration_words(start, Some("2026-11-24T09:04:12.500Z")), "4 min 12 s");
        assert_eq!(duration_words(start, None), "ongoing");
        assert_eq!(duration_words(start, Some("yesterday")), "unknown");
    }

    #[test]
    fn offset_times_round_trip_as_rfc3339_and_refuse_anything_else() {
        let t = OffsetTime::parse("2026-11-24T18:00:00+01:00").unwrap();
        assert_eq!(t, "2026-11-24T18:00:00+01:00");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"2026-11-24T18:00:00+01:00\"");
        let back: OffsetTime = serde_json::from_str("\"2026-11-24T18:00:00+01:00\"").unwrap();
        assert_eq!(back, t);
        let same_instant = OffsetTime::parse("2026-11-24T17:00:00Z").unwrap();
        assert_ne!(same_instant, t, "the offset the user meant is part of the value");
        assert_eq!(same_instant.utc(), t.utc());
        assert!(OffsetTime::parse("").is_err());
        assert!(serde_json::from_str::<OffsetTime>("\"tomorrow\"").is_err());
    }
}
