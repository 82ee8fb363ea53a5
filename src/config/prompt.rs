//! The system prompt: the persona template with the user's context appended at session start
//! (profile, local date and time with timezone, today's tasks), so the LLM can fill ISO 8601 times.

use crate::store::{TaskRow, TaskStatus, UserRow};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt::Write;

pub const DEFAULT_TEMPLATE: &str = include_str!("../../config/voice_prompt.md");

pub fn render(template: &str, user: &UserRow, tz: Tz, now: DateTime<Utc>, today: &[TaskRow]) -> String {
    let local = now.with_timezone(&tz);
    let mut out = String::with_capacity(template.len() + 512);
    out.push_str(template.trim_end());
    out.push_str("\n\n## About the user\n");
    if !user.display_name.trim().is_empty() {
        let _ = writeln!(out, "- Name: {}", user.display_name.trim());
    }
    let _ = writeln!(out, "- Timezone: {} (UTC{})", tz.name(), local.format("%:z"));
    let _ = writeln!(out, "- Current local date and time: {}", local.format("%A %Y-%m-%d %H:%M"));
    out.push_str("\n## Today's tasks\n");
    if today.is_empty() {
        out.push_str("- none scheduled\n");
    }
    for t in today {
        let at = t.scheduled_at.at().with_timezone(&tz).format("%H:%M");
        let done = if t.status == TaskStatus::Done { " (done)" } else { "" };
        let dur = t.duration_minutes.map(|m| format!(", {m} min")).unwrap_or_default();
        let _ = writeln!(out, "- {at} {}{dur}{done}", t.title);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn context_has_local_time_timezone_and_tasks() {
        let user = UserRow { id: "u".into(), display_name: "Ana".into(), timezone: "Europe/Madrid".into() };
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 5, 0).unwrap();
        let task = TaskRow {
            id: "t".into(),
            user_id: "u".into(),
            goal_id: None,
            title: "Spanish lesson".into(),
            notes: String::new(),
            scheduled_at: crate::time::OffsetTime::parse("2026-11-23T18:00:00+01:00").unwrap(),
            duration_minutes: Some(30),
            status: TaskStatus::Pending,
            completed_at: None,
            created_at: "x".into(),
            remind_before_minutes: None,
        };
        let p = render("You are Flux.", &user, chrono_tz::Europe::Madrid, now, &[task]);
        assert!(p.starts_with("You are Flux."));
        assert!(p.contains("Name: Ana"));
        assert!(p.contains("Europe/Madrid (UTC+01:00)"));
        assert!(p.contains("Monday 2026-11-23 10:05"), "{p}");
        assert!(p.contains("- 18:00 Spanish lesson, 30 min"));
    }
}
