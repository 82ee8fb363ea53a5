//! What a reminder notification's buttons do (the notification server itself is the desktop's):
//! Done completes the task, Snooze brings the reminder back later, and the window is told so its
//! card goes away; a task that is gone is an error, never a panic.

#[allow(dead_code)]
#[path = "support/shell.rs"]
mod shell;

use flux_desktop::reminders::{act, DONE, SNOOZE};
use serde_json::json;

#[test]
fn the_notification_buttons_complete_or_snooze_the_task() {
    let s = shell::shell();
    let handle = s.app.handle().clone();
    let task = |title: &str| {
        let t = s.call("create_task", json!({"title": title, "scheduledAt": "2030-01-02T18:00", "durationMinutes": null, "notes": null}));
        t.unwrap()["id"].as_str().unwrap().to_string()
    };
    let (milk, call) = (task("Buy milk"), task("Call mum"));

    act(&handle, DONE, Some(&milk)).unwrap();
    let status = |id: &str| {
        let tasks = s.call("list_tasks", json!({})).unwrap();
        tasks.as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()["status"].clone()
    };
    assert_eq!(status(&milk), "done");
    assert_eq!(status(&call), "pending");

    act(&handle, SNOOZE, Some(&call)).unwrap();
    assert_eq!(status(&call), "pending", "snoozing changes nothing but the reminder");
    // Snoozing a done task is refused by the core, and the refusal comes back as a sentence.
    let err = act(&handle, SNOOZE, Some(&milk)).unwrap_err();
    assert!(err.contains("done"), "{err}");
    assert!(act(&handle, DONE, Some("no-such-task")).is_err());
    // A click on the notification itself (no button) opens the window.
    act(&handle, "default", None).unwrap();
}
