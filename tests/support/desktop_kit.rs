//! Waiting for what the desktop app tells its window.

use companion::desktop::AppEvent;
use companion::session::SessionEvent;
use std::time::Duration;
use tokio::sync::mpsc;

/// The next session event the window gets that `pred` accepts; fails the test after 30 s.
pub async fn next_matching(
    rx: &mut mpsc::UnboundedReceiver<AppEvent>,
    what: &str,
    pred: impl Fn(&SessionEvent) -> bool,
) -> SessionEvent {
    let wait = async {
        while let Some(e) = rx.recv().await {
            if let AppEvent::Session(s) = e {
                if pred(&s) {
                    return s;
                }
            }
        }
        panic!("event stream ended before {what}");
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("no {what} within 30 s"))
}
