//! Reminders while the app runs: every [`CHECK_EVERY`], soon after anything is written (a task
//! added, moved or edited, by hand or by voice) and at once when the settings change, the due
//! reminders are taken from the store and pushed to the window. Only the session host checks, so
//! a second app on the same data dir shows nothing twice (the store's conditional write would
//! refuse it anyway).

use super::{App, AppEvent, DesktopError};
use crate::reminders;
use crate::time::Clock;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Weak;
use std::time::{Duration, Instant};

/// How often the reminders are looked at when nothing else wakes the check.
pub const CHECK_EVERY: Duration = Duration::from_secs(15);

/// How soon a write to the store (a task added or moved) is looked at.
const WRITES_EVERY: Duration = Duration::from_secs(1);

/// A running watch: its clock (snoozes count from it too) and the way to wake it.
pub(super) struct ReminderWatch {
    clock: Clock,
    wake: Sender<()>,
}

impl ReminderWatch {
    /// Checks now (the settings changed) instead of at the next period.
    pub(super) fn wake(&self) {
        let _ = self.wake.send(());
    }
}

impl App {
    /// Watches the reminders with the service's clock for as long as the app lives.
    pub fn watch_reminders(self: &std::sync::Arc<Self>) {
        self.watch_reminders_with(self.service.clock().clone(), CHECK_EVERY);
    }

    /// As [`App::watch_reminders`], with `clock` for "now" and a check every `every` (tests move
    /// a manual clock and check often). A second call, or a call where this app is not the
    /// session host, starts nothing.
    pub fn watch_reminders_with(self: &std::sync::Arc<Self>, clock: Clock, every: Duration) {
        if self.host.is_none() {
            tracing::info!("reminders are shown by the app that hosts this data dir, not this one");
            return;
        }
        let mut slot = self.reminders.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return;
        }
        let (wake, woken) = mpsc::channel();
        let (app, thread_clock) = (std::sync::Arc::downgrade(self), clock.clone());
        let writes = self.service.store().subscribe();
        let started = std::thread::Builder::new()
            .name("reminders".into())
            .spawn(move || watch(app, thread_clock, every, woken, writes));
        match started {
            Ok(_) => *slot = Some(ReminderWatch { clock, wake }),
            Err(e) => tracing::warn!("reminders cannot be shown: no thread to check them ({e})"),
        }
    }

    /// The task's reminder comes again `minutes` from now (1 to a day), once. Returns when, as
    /// RFC 3339 UTC.
    pub fn snooze_reminder(&self, task_id: &str, minutes: i64) -> Result<String, DesktopError> {
        let slot = self.reminders.lock().unwrap_or_else(|p| p.into_inner());
        let now = slot.as_ref().map_or_else(|| self.service.clock().now(), |w| w.clock.now());
        let until = reminders::snooze(self.service.store(), task_id, minutes, now)?;
        Ok(crate::time::format_utc(until))
    }

    /// Looks for due reminders now (the settings changed).
    pub(super) fn wake_reminders(&self) {
        if let Some(w) = self.reminders.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            w.wake();
        }
    }

    /// Takes the due reminders and tells the window, if there are any. A failed check is
    /// logged and tried again at the next one: nothing was marked fired.
    fn check_reminders(&self, clock: &Clock) {
        let settings = self.service.settings().reminders;
        match reminders::take_due(self.service.store(), &settings, clock.now()) {
            Ok(batch) if batch.is_empty() => {}
            Ok(batch) => {
                tracing::info!(due = batch.due.len(), missed = batch.missed.len(), "reminders");
                (self.notify)(AppEvent::Reminders(batch));
            }
            Err(e) => tracing::warn!("reminders: the check failed and is tried again: {e}"),
        }
    }
}

/// Checks at once (reminders missed while the app was closed), then every `every`, after
/// writes and when woken. Ends once the app is gone.
fn watch(
    app: Weak<App>,
    clock: Clock,
    every: Duration,
    woken: Receiver<()>,
    mut writes: tokio::sync::watch::Receiver<u64>,
) {
    let mut last: Option<Instant> = None;
    let mut wake = true;
    loop {
        // The store is gone with the app when its sender is.
        let written = match writes.has_changed() {
            Ok(changed) => changed,
            Err(_) => return,
        };
        if written {
            writes.borrow_and_update();
        }
        if wake || written || last.is_none_or(|t| t.elapsed() >= every) {
            let Some(app) = app.upgrade() else { return };
            app.check_reminders(&clock);
            last = Some(Instant::now());
        }
        wake = match woken.recv_timeout(every.min(WRITES_EVERY)) {
            Ok(()) => true,
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => return,
        };
    }
}
