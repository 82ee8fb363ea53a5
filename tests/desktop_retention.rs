//! The desktop app's retention: off by default, applied at once when the user saves a period,
//! and a period out of range is refused with the setting's sentence.

use companion::desktop::{App, MemoryKeyStore};
use companion::store::conversations::{self, ConversationStatus};
use companion::store::{users, Store, StoreError};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn finished_conversation(dir: &std::path::Path, id: &str, days_ago: i64) {
    let store = Store::open_in(dir).unwrap();
    let at = chrono::Utc::now() - chrono::Duration::days(days_ago);
    store
        .write(|tx| {
            users::ensure_user(tx, "local", "", "UTC", at)?;
            conversations::insert_conversation(tx, id, "local", at)?;
            conversations::end_conversation(tx, id, ConversationStatus::Closed, None, at)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

fn ids(app: &App) -> Vec<String> {
    let mut ids: Vec<String> = app.service().list_sessions(50).unwrap().into_iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn saving_a_period_deletes_what_is_older_at_once() {
    let dir = tempfile::tempdir().unwrap();
    finished_conversation(dir.path(), "forty-days", 40);
    finished_conversation(dir.path(), "ten-days", 10);
    let app = App::open(dir.path(), Arc::new(MemoryKeyStore::default()), Arc::new(|_| {})).unwrap();
    assert_eq!(app.settings().retention.days, None, "forever by default");
    assert_eq!(ids(&app), ["forty-days", "ten-days"], "nothing deleted while kept forever");

    let mut bad = app.settings();
    bad.retention.days = Some(0);
    let err = app.save_settings(bad).unwrap_err().to_string();
    assert!(err.contains("retention.days must be between 1 and"), "{err}");
    assert_eq!(app.settings().retention.days, None, "a refused setting changes nothing");

    let mut s = app.settings();
    s.retention.days = Some(30);
    app.save_settings(s).unwrap();
    let start = Instant::now();
    while ids(&app) != ["ten-days"] {
        assert!(start.elapsed() < Duration::from_secs(10), "not applied: {:?}", ids(&app));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let saved = std::fs::read_to_string(dir.path().join("settings.yaml")).unwrap();
    assert!(saved.contains("retention:\n  days: 30"), "{saved}");
}
