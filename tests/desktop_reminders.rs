//! Task reminders in the desktop app, on a manual clock: each comes due at the task's time less
//! its lead (the settings' or the task's own), never before and never twice (not after a restart
//! either); done tasks never remind; a snooze comes back once; a moved task is reminded of again;
//! what came due while the app was closed comes once, as one `missed` batch; reminders off show
//! nothing.

use chrono::{DateTime, Duration as Minutes, Utc};
use companion::backend::TaskInput;
use companion::desktop::{App, AppEvent, MemoryKeyStore};
use companion::reminders::{Reminder, ReminderBatch};
use companion::store::{reminders as owed_rows, Store};
use companion::time::{format_utc, Clock};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TICK: Duration = Duration::from_millis(20);

fn at(s: &str) -> DateTime<Utc> {
    companion::time::parse_utc(s).unwrap()
}

/// The app on `dir`, watching reminders on `clock`, and every batch it pushed to the window.
struct Desk {
    app: Arc<App>,
    seen: Arc<Mutex<Vec<ReminderBatch>>>,
}

fn open(dir: &Path, clock: &Clock, every: Duration) -> Desk {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let notify: companion::desktop::Notify = Arc::new(move |e: AppEvent| {
        if let AppEvent::Reminders(b) = e {
            sink.lock().unwrap_or_else(|p| p.into_inner()).push(b);
        }
    });
    let app = Arc::new(App::open(dir, Arc::new(MemoryKeyStore::default()), notify).unwrap());
    app.watch_reminders_with(clock.clone(), every);
    Desk { app, seen }
}

fn input(title: &str, time: &str, lead: Option<i64>) -> TaskInput {
    let (title, scheduled_at) = (title.into(), time.into());
    TaskInput { title, scheduled_at, duration_minutes: None, notes: None, remind_before_minutes: lead }
}

impl Desk {
    fn task(&self, title: &str, time: &str, lead: Option<i64>) -> String {
        self.app.service().create_task(&input(title, time, lead)).unwrap().id
    }

    /// The next batch pushed; fails the test after 5 s.
    fn next(&self) -> ReminderBatch {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            {
                let mut seen = self.seen.lock().unwrap();
                if !seen.is_empty() {
                    return seen.remove(0);
                }
            }
            assert!(Instant::now() < until, "no reminder came");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Lets the watch check many times, then says that nothing was pushed.
    fn nothing(&self, why: &str) {
        std::thread::sleep(TICK * 10);
        assert!(self.seen.lock().unwrap().is_empty(), "{why}: {:?}", self.seen.lock().unwrap());
    }

    /// Closes the app and waits until it is gone (its host lock with it).
    fn close(self) {
        let gone = Arc::downgrade(&self.app);
        drop(self.app);
        let until = Instant::now() + Duration::from_secs(5);
        while gone.upgrade().is_some() {
            assert!(Instant::now() < until, "the app was not released");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn titles(list: &[Reminder]) -> Vec<&str> {
    list.iter().map(|r| r.title.as_str()).collect()
}

fn set_clock(clock: &Clock, to: &str) {
    let by = at(to) - clock.now();
    assert!(by >= Minutes::zero(), "the test clock only moves forward");
    clock.advance(by);
}

#[test]
fn a_reminder_comes_at_its_lead_never_before_and_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:00:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    desk.task("Call mum", "2026-11-24T10:00:00Z", None);
    let dentist = desk.task("Dentist", "2026-11-24T11:00:00+01:00", Some(30));
    desk.nothing("nothing is due yet");

    set_clock(&clock, "2026-11-24T09:29:59Z");
    desk.nothing("the task's own lead is 30 minutes: not before 09:30");
    set_clock(&clock, "2026-11-24T09:30:00Z");
    let b = desk.next();
    assert!(b.missed.is_empty());
    assert_eq!(b.due.len(), 1);
    let r = &b.due[0];
    assert_eq!((r.task_id.as_str(), r.title.as_str()), (dentist.as_str(), "Dentist"));
    assert_eq!(r.due_at, "2026-11-24T09:30:00.000Z");
    let json = serde_json::to_value(AppEvent::Reminders(b.clone())).unwrap();
    assert_eq!(json["due"][0]["scheduled_at"], "2026-11-24T11:00:00+01:00", "in the user's time");
    assert_eq!(json["missed"], serde_json::json!([]));

    set_clock(&clock, "2026-11-24T09:49:00Z");
    desk.nothing("the default lead is 10 minutes");
    set_clock(&clock, "2026-11-24T09:50:00Z");
    assert_eq!(titles(&desk.next().due), ["Call mum"]);
    set_clock(&clock, "2026-11-24T10:30:00Z");
    desk.nothing("each reminder fires once");
    desk.close();

    // A restart remembers what fired: nothing comes again, neither due nor missed, while what
    // came due in between does come.
    let desk = open(dir.path(), &clock, TICK);
    desk.task("Stretch", "2026-11-24T10:35:00Z", None);
    assert_eq!(titles(&desk.next().due), ["Stretch"]);
    set_clock(&clock, "2026-11-24T12:00:00Z");
    desk.nothing("fired reminders stay fired after a restart");
}

#[test]
fn a_done_task_never_reminds() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:00:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    let done = desk.task("Pay rent", "2026-11-24T10:00:00Z", None);
    desk.task("Water plants", "2026-11-24T10:00:00Z", None);
    desk.app.service().set_task_done(&done, true).unwrap();
    set_clock(&clock, "2026-11-24T09:55:00Z");
    assert_eq!(titles(&desk.next().due), ["Water plants"], "only the pending task");
    desk.nothing("nothing else");
    // Nor later as a missed one, after a restart.
    desk.close();
    set_clock(&clock, "2026-11-24T14:00:00Z");
    open(dir.path(), &clock, TICK).nothing("a done task is not missed either");
}

#[test]
fn a_snoozed_reminder_comes_back_once_after_its_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:50:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    let id = desk.task("Take the pills", "2026-11-24T10:00:00Z", None);
    assert_eq!(titles(&desk.next().due), ["Take the pills"]);

    assert_eq!(desk.app.snooze_reminder(&id, 10).unwrap(), "2026-11-24T10:00:00.000Z");
    set_clock(&clock, "2026-11-24T09:59:59Z");
    desk.nothing("snoozed for ten minutes");
    set_clock(&clock, "2026-11-24T10:00:00Z");
    let again = desk.next();
    assert_eq!(titles(&again.due), ["Take the pills"]);
    assert_eq!(again.due[0].due_at, "2026-11-24T10:00:00.000Z", "due at the end of the snooze");
    set_clock(&clock, "2026-11-24T11:00:00Z");
    desk.nothing("a snooze comes back once");

    for (task, minutes, why) in [
        (id.as_str(), 0, "1 to 1440 minutes (not 0)"),
        (id.as_str(), 1441, "(not 1441)"),
        ("no-such-task", 10, "Task no-such-task not found"),
    ] {
        let err = desk.app.snooze_reminder(task, minutes).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
    }
    desk.app.service().set_task_done(&id, true).unwrap();
    let err = desk.app.snooze_reminder(&id, 10).unwrap_err().to_string();
    assert!(err.contains("is done"), "{err}");
}

#[test]
fn a_moved_task_is_reminded_of_at_its_new_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:50:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    let id = desk.task("Team call", "2026-11-24T10:00:00Z", None);
    assert_eq!(titles(&desk.next().due), ["Team call"]);
    desk.app.service().update_task(&id, &input("Team call", "2026-11-24T11:00:00Z", None)).unwrap();
    set_clock(&clock, "2026-11-24T10:49:00Z");
    desk.nothing("the new time is not due yet");
    set_clock(&clock, "2026-11-24T10:50:00Z");
    let b = desk.next();
    assert_eq!((titles(&b.due), b.due[0].due_at.as_str()), (vec!["Team call"], "2026-11-24T10:50:00.000Z"));
    // An edit that keeps the time (a new title) is not a new reminder.
    desk.app.service().update_task(&id, &input("Team sync", "2026-11-24T11:00:00Z", None)).unwrap();
    desk.nothing("same time, same reminder");

    // Snoozed, then moved: the snooze was for the old time and goes; the new time has its own.
    desk.app.snooze_reminder(&id, 5).unwrap();
    desk.app.service().update_task(&id, &input("Team sync", "2026-11-24T12:00:00Z", None)).unwrap();
    set_clock(&clock, "2026-11-24T10:56:00Z");
    desk.nothing("the snooze ended with the move");
    set_clock(&clock, "2026-11-24T11:50:00Z");
    assert_eq!(titles(&desk.next().due), ["Team sync"], "the new time is reminded of");
}

#[test]
fn reminders_missed_while_closed_come_once_as_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:00:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    for (title, time) in [
        ("Breakfast", "2026-11-24T10:00:00Z"),
        ("Walk", "2026-11-24T11:00:00Z"),
        ("Lunch", "2026-11-24T12:00:00Z"),
        ("Read", "2026-11-24T13:05:00Z"),
        ("Nap", "2026-11-24T15:00:00Z"),
    ] {
        desk.task(title, time, None);
    }
    desk.nothing("nothing due at 09:00");
    desk.close();

    set_clock(&clock, "2026-11-24T13:00:00Z");
    let desk = open(dir.path(), &clock, TICK);
    let b = desk.next();
    assert_eq!(titles(&b.missed), ["Breakfast", "Walk", "Lunch"], "one batch, in time order");
    assert_eq!(titles(&b.due), ["Read"], "late, but the task is still ahead: shown as due");
    desk.nothing("missed reminders are shown once");
    desk.close();
    let desk = open(dir.path(), &clock, TICK);
    desk.nothing("and not again at the next start");
    set_clock(&clock, "2026-11-24T14:50:00Z");
    assert_eq!(titles(&desk.next().due), ["Nap"]);
}

#[test]
fn with_reminders_off_nothing_fires_and_nothing_is_kept_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:00:00Z"));
    let desk = open(dir.path(), &clock, TICK);
    let mut s = desk.app.settings();
    assert_eq!((s.reminders.enabled, s.reminders.lead_minutes), (true, 10), "on, 10 minutes, by default");
    s.reminders.lead_minutes = 1441;
    let err = desk.app.save_settings(s.clone()).unwrap_err().to_string();
    assert!(err.contains("reminders.lead_minutes must be between 0 and 1440"), "{err}");
    s.reminders = companion::config::ReminderSettings { enabled: false, lead_minutes: 10 };
    desk.app.save_settings(s.clone()).unwrap();

    desk.task("Gym", "2026-11-24T10:00:00Z", None);
    set_clock(&clock, "2026-11-24T09:55:00Z");
    desk.nothing("reminders are off");
    s.reminders.enabled = true;
    desk.app.save_settings(s).unwrap();
    desk.nothing("what came due while they were off does not come later");
    desk.task("Shower", "2026-11-24T10:00:00Z", None);
    assert_eq!(titles(&desk.next().due), ["Shower"], "on again");
}

/// With a check only every hour, a new task and a new setting are still looked at at once.
#[test]
fn a_new_task_or_setting_is_looked_at_without_waiting_for_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:45:00Z"));
    let desk = open(dir.path(), &clock, Duration::from_secs(3600));
    desk.task("Soon", "2026-11-24T09:50:00Z", None);
    assert_eq!(titles(&desk.next().due), ["Soon"]);
    desk.task("Later", "2026-11-24T10:05:00Z", None);
    desk.nothing("due at 09:55");
    let mut s = desk.app.settings();
    s.reminders.lead_minutes = 20;
    desk.app.save_settings(s).unwrap();
    assert_eq!(titles(&desk.next().due), ["Later"], "a longer lead makes it due now");
}

/// Only the host of the data dir shows reminders; and the write that fires one only succeeds on
/// the row as it was read, so a reminder another process fired meanwhile is not fired again.
#[test]
fn a_second_process_shows_nothing_and_cannot_fire_one_twice() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-24T09:55:00Z"));
    let host = open(dir.path(), &clock, Duration::from_secs(3600));
    let second = open(dir.path(), &clock, TICK);
    host.task("Bins out", "2026-11-24T10:00:00Z", None);
    assert_eq!(titles(&host.next().due), ["Bins out"]);
    second.nothing("the second app does not check");

    let store = Store::open_in(dir.path()).unwrap();
    host.task("Feed cat", "2026-11-24T10:00:00Z", Some(0));
    let now = format_utc(clock.now());
    let read = store.read(|c| owed_rows::owed(c, &now, "2026-11-25T00:00:00.000Z")).unwrap();
    assert_eq!(read.len(), 1, "{read:?}");
    set_clock(&clock, "2026-11-24T10:00:00Z");
    assert_eq!(titles(&host.next().due), ["Feed cat"]);
    let fired = store.write(|tx| owed_rows::fire(tx, &read[0])).unwrap();
    assert!(!fired, "the row changed since it was read: not fired again");
}
