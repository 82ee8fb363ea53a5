//! `Service::apply_retention` with an injected clock: what goes, what stays.

use crate::backend::{Service, ServiceParts};
use crate::config::catalog::Catalog;
use crate::config::Settings;
use crate::store::conversations::{self, ConversationStatus};
use crate::store::{calls, messages, tasks, users, CallStatus, FunctionCallRow, Store, StoreError};
use crate::time::Clock;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

struct Fixture {
    _dir: tempfile::TempDir,
    service: Service,
    clock: Clock,
}

fn fixture(days: Option<u32>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_in(dir.path()).unwrap());
    let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap());
    let mut settings = Settings::default();
    settings.retention.days = days;
    let service = Service::new(ServiceParts {
        store,
        settings,
        catalog: Catalog::builtin(),
        prompt_template: String::new(),
        key: Arc::new(|| None),
        clock: clock.clone(),
    });
    Fixture { _dir: dir, service, clock }
}

/// A conversation started now (on the fixture's clock) with one user message saying `words`,
/// a function call that created a task, and, unless `open`, closed a minute later.
fn talk(f: &Fixture, id: &str, words: &str, open: bool) {
    let now = f.clock.now();
    f.service
        .store()
        .write(|tx| {
            users::ensure_user(tx, "u", "", "UTC", now)?;
            conversations::insert_conversation(tx, id, "u", now)?;
            messages::append_message(tx, &format!("{id}-m"), id, "user", words, now)?;
            let call = FunctionCallRow {
                id: format!("{id}-call"),
                conversation_id: Some(id.into()),
                name: "create_task".into(),
                arguments: "{}".into(),
                status: CallStatus::Executed,
                result: "ok".into(),
                effect: None,
                created_at: String::new(),
            };
            calls::insert_call(tx, &call, now)?;
            let task = tasks::NewTask {
                id: &format!("{id}-task"),
                user_id: "u",
                goal_id: None,
                title: words,
                notes: "",
                scheduled_at: now.fixed_offset(),
                duration_minutes: None,
                source_call_id: Some(&call.id),
                remind_before_minutes: None,
            };
            tasks::insert_task(tx, &task, now)?;
            if !open {
                let end = now + Duration::minutes(1);
                conversations::end_conversation(tx, id, ConversationStatus::Closed, None, end)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

fn ids_found(f: &Fixture, query: &str) -> Vec<String> {
    let hits = f.service.search(query, 50, ("[", "]")).unwrap();
    let mut ids: Vec<String> = hits.into_iter().map(|h| h.conversation_id).collect();
    ids.sort();
    ids
}

fn calls_of(f: &Fixture, id: &str) -> usize {
    f.service.store().read(|c| calls::calls_of_conversation(c, id)).unwrap().len()
}

#[test]
fn old_conversations_go_with_their_search_entries_and_calls_and_tasks_stay() {
    let f = fixture(Some(30));
    talk(&f, "old", "pineapple pizza plans", false);
    talk(&f, "old-open", "pineapple still talking", true);
    f.clock.advance(Duration::days(25));
    talk(&f, "newer", "pineapple smoothie", false);
    f.clock.advance(Duration::days(10));
    assert_eq!(ids_found(&f, "pineapple"), ["newer", "old", "old-open"]);

    assert_eq!(f.service.apply_retention().unwrap(), 1, "only the old finished one");
    assert_eq!(ids_found(&f, "pineapple"), ["newer", "old-open"], "search no longer finds it");
    assert!(ids_found(&f, "pizza").is_empty());
    assert_eq!(f.service.session_detail("old").unwrap_err().status(), 404);
    assert_eq!(calls_of(&f, "old"), 0, "its function calls went with it");
    assert_eq!((calls_of(&f, "newer"), calls_of(&f, "old-open")), (1, 1));
    assert_eq!(f.service.tasks().unwrap().len(), 3, "tasks are the user's and stay");
    assert_eq!(f.service.apply_retention().unwrap(), 0, "a second sweep finds nothing");

    // Thirty days after the newer one started, it goes too; the open one never does.
    f.clock.advance(Duration::days(21));
    assert_eq!(f.service.apply_retention().unwrap(), 1);
    assert_eq!(ids_found(&f, "pineapple"), ["old-open"]);
}

#[test]
fn with_retention_off_nothing_is_deleted() {
    let f = fixture(None);
    talk(&f, "ancient", "pineapple", false);
    f.clock.advance(Duration::days(3650));
    assert_eq!(f.service.apply_retention().unwrap(), 0);
    assert_eq!(ids_found(&f, "pineapple"), ["ancient"]);
    assert_eq!(calls_of(&f, "ancient"), 1);
}

#[test]
fn a_sweep_deletes_a_large_backlog_in_many_batches() {
    let f = fixture(Some(7));
    for i in 0..(crate::store::retention::BATCH_CONVERSATIONS * 2 + 3) {
        talk(&f, &format!("c{i:03}"), "pineapple", false);
    }
    f.clock.advance(Duration::days(8));
    talk(&f, "kept", "pineapple", false);
    assert_eq!(f.service.apply_retention().unwrap(), 103);
    assert_eq!(ids_found(&f, "pineapple"), ["kept"]);
}
