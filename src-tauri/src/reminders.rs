//! Reminders as system notifications (the notification plugin: freedesktop notifications on
//! Linux), with "Done" and "Snooze 10 min" where the notification server offers actions, and a
//! click that opens the window. The window's reminder cards show the same reminders, so a desktop
//! without a notification server misses nothing.

use companion::desktop::App;
use companion::reminders::{Reminder, ReminderBatch};
use std::sync::Arc;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::{Action, ActionPerformed, ActionType, NotificationExt};

/// The action set every reminder notification offers.
const ACTIONS: &str = "flux-reminder";
pub const DONE: &str = "done";
pub const SNOOZE: &str = "snooze";
/// What "Snooze" postpones a reminder by, as the window's card does.
pub const SNOOZE_MINUTES: i64 = 10;
/// Tells the window a reminder was dealt with from its notification: `{ task_id, action }`.
pub const HANDLED_EVENT: &str = "reminder-handled";

pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_notification::init()
}

/// Offers the actions and routes what the user picks in a notification.
pub fn listen<R: Runtime>(handle: &AppHandle<R>) {
    let n = handle.notification();
    let actions = vec![
        Action::builder(DONE, "Done").build(),
        Action::builder(SNOOZE, format!("Snooze {SNOOZE_MINUTES} min")).build(),
    ];
    let registered =
        n.register_action_types(vec![ActionType::builder(ACTIONS).actions(actions).build()]).and_then(|()| {
            let h = handle.clone();
            n.on_action(move |a: &ActionPerformed| {
                let task = a.notification().and_then(|n| n.extra().get("task_id")).and_then(|v| v.as_str());
                if let Err(e) = act(&h, a.action_id(), task) {
                    tracing::warn!("reminder action {}: {e}", a.action_id());
                }
            })
        });
    if let Err(e) = registered {
        tracing::warn!("reminder notifications will have no Done or Snooze buttons: {e}");
    }
}

/// One notification per due reminder, and one for all those missed while Flux was closed.
pub fn show<R: Runtime>(handle: &AppHandle<R>, batch: &ReminderBatch) {
    for r in &batch.due {
        let shown = handle
            .notification()
            .builder()
            .title(&r.title)
            .body(format!("{} · Flux reminder", at(r)))
            .action_type_id(ACTIONS)
            .extra("task_id", &r.task_id)
            .show();
        if let Err(e) = shown {
            tracing::warn!("could not show a reminder notification: {e}");
        }
    }
    if !batch.missed.is_empty() {
        let titles: Vec<String> = batch.missed.iter().map(|r| format!("{} ({})", r.title, at(r))).collect();
        let title = match batch.missed.len() {
            1 => "A reminder while Flux was closed".to_string(),
            n => format!("{n} reminders while Flux was closed"),
        };
        if let Err(e) = handle.notification().builder().title(title).body(titles.join("\n")).show() {
            tracing::warn!("could not show the missed reminders: {e}");
        }
    }
}

fn at(r: &Reminder) -> String {
    r.scheduled_at.at().format("%a %-d %b, %H:%M").to_string()
}

/// What a notification's button (or a click on it) does: `done` completes the task, `snooze`
/// brings the reminder back in ten minutes, anything else opens the window.
pub fn act<R: Runtime>(handle: &AppHandle<R>, action: &str, task: Option<&str>) -> Result<(), String> {
    let app = handle.state::<Arc<App>>();
    match (action, task) {
        (DONE, Some(id)) => app.service().set_task_done(id, true).map(drop).map_err(|e| e.to_string())?,
        (SNOOZE, Some(id)) => app.snooze_reminder(id, SNOOZE_MINUTES).map(drop).map_err(|e| e.to_string())?,
        _ => {
            crate::show_main(handle);
            return Ok(());
        }
    }
    let handled = serde_json::json!({ "task_id": task, "action": action });
    handle.emit(HANDLED_EVENT, handled).map_err(|e| e.to_string())
}
