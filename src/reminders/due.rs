//! Which reminders are due at an instant, taken from the store once.

use super::{Reminder, ReminderBatch, ReminderError};
use crate::config::{ReminderSettings, MAX_REMINDER_LEAD_MINUTES};
use crate::store::reminders::{self, OwedRow};
use crate::store::Store;
use crate::time::{format_utc, parse_utc};
use chrono::{DateTime, Duration, Utc};

/// A reminder that came due at most this long ago is shown as due: the app checks every few
/// seconds while it runs, so anything older came due while it was closed (or asleep) and is
/// shown as missed.
pub const GRACE_MINUTES: i64 = 2;

/// Takes the reminders due at `now`: each is marked fired in the same transaction, so it is
/// returned by this call only and never again (for the task's current time). With reminders
/// off, those that come due are marked fired without being returned: turning reminders back on
/// does not bring back what came due meanwhile.
pub fn take_due(
    store: &Store,
    settings: &ReminderSettings,
    now: DateTime<Utc>,
) -> Result<ReminderBatch, ReminderError> {
    let horizon = now + Duration::minutes(i64::from(MAX_REMINDER_LEAD_MINUTES));
    let (now_text, horizon_text) = (format_utc(now), format_utc(horizon));
    // Looked for on a reader first: most checks find nothing, and an empty write would still
    // wake everything that follows the store's commits (the sync worker).
    let owed = store.read(|c| reminders::owed(c, &now_text, &horizon_text))?;
    if !owed.iter().any(|row| due_at(row, settings.lead_minutes, now) <= now) {
        return Ok(ReminderBatch::default());
    }
    store.write(|tx| {
        let mut batch = ReminderBatch::default();
        for row in reminders::owed(tx, &now_text, &horizon_text)? {
            let due_at = due_at(&row, settings.lead_minutes, now);
            if due_at > now || !reminders::fire(tx, &row)? || !settings.enabled {
                continue;
            }
            let missed = is_missed(&row, due_at, now);
            let reminder = Reminder {
                task_id: row.task_id,
                title: row.title,
                scheduled_at: row.scheduled_at,
                due_at: format_utc(due_at),
            };
            if missed {
                batch.missed.push(reminder);
            } else {
                batch.due.push(reminder);
            }
        }
        Ok(batch)
    })
}

/// The end of the snooze if the task has one, else its time less its lead. The store writes the
/// snooze with `format_utc`; should it be unreadable all the same, the reminder is due now rather
/// than never.
fn due_at(row: &OwedRow, default_lead: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    if let Some(s) = &row.snoozed_until {
        return parse_utc(s).unwrap_or(now);
    }
    let lead = row.remind_before_minutes.unwrap_or(i64::from(default_lead));
    row.scheduled_at.utc() - Duration::minutes(lead)
}

/// Missed: it came due more than the grace ago, and the moment it is about (the task's time,
/// or the end of the snooze) has passed by more than the grace too. A reminder whose task is
/// still ahead is shown as due, late: there is still time to act on it.
fn is_missed(row: &OwedRow, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let grace = Duration::minutes(GRACE_MINUTES);
    let moment = if row.snoozed_until.is_some() { due_at } else { row.scheduled_at.utc() };
    now - due_at > grace && now - moment > grace
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::OffsetTime;

    fn row(at: &str, lead: Option<i64>, snoozed_until: Option<&str>) -> OwedRow {
        let scheduled_at = OffsetTime::parse(at).unwrap();
        OwedRow {
            task_id: "t".into(),
            title: "Call mum".into(),
            scheduled_utc: format_utc(scheduled_at.utc()),
            scheduled_at,
            remind_before_minutes: lead,
            reminded_for: None,
            snoozed_until: snoozed_until.map(str::to_string),
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        parse_utc(s).unwrap()
    }

    #[test]
    fn the_due_moment_is_the_time_less_the_lead_or_the_end_of_the_snooze() {
        let own = row("2026-11-24T18:00:00+01:00", Some(30), None);
        assert_eq!(due_at(&own, 10, t("2026-11-24T00:00:00Z")), t("2026-11-24T16:30:00Z"));
        let default = row("2026-11-24T18:00:00+01:00", None, None);
        assert_eq!(due_at(&default, 10, t("2026-11-24T00:00:00Z")), t("2026-11-24T16:50:00Z"));
        let snoozed = row("2026-11-24T18:00:00+01:00", Some(30), Some("2026-11-24T17:20:00.000Z"));
        assert_eq!(due_at(&snoozed, 10, t("2026-11-24T00:00:00Z")), t("2026-11-24T17:20:00Z"));
        let garbled = row("2026-11-24T18:00:00+01:00", None, Some("later"));
        let now = t("2026-11-24T12:00:00Z");
        assert_eq!(due_at(&garbled, 10, now), now, "due at once, not never");
    }

    #[test]
    fn late_is_due_while_the_task_is_ahead_and_missed_once_it_has_passed() {
        let r = row("2026-11-24T10:00:00Z", None, None);
        let due = due_at(&r, 10, t("2026-11-24T00:00:00Z"));
        assert!(!is_missed(&r, due, t("2026-11-24T09:51:59Z")), "within the grace");
        assert!(!is_missed(&r, due, t("2026-11-24T09:58:00Z")), "late, but the task is still ahead");
        assert!(!is_missed(&r, due, t("2026-11-24T10:02:00Z")), "the task just started");
        assert!(is_missed(&r, due, t("2026-11-24T10:02:01Z")));
        let snoozed = row("2026-11-24T08:00:00Z", None, Some("2026-11-24T09:00:00.000Z"));
        let due = due_at(&snoozed, 10, t("2026-11-24T00:00:00Z"));
        assert!(!is_missed(&snoozed, due, t("2026-11-24T09:01:00Z")));
        assert!(is_missed(&snoozed, due, t("2026-11-24T09:03:00Z")));
    }
}
