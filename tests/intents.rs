//! The five intents against a real store: success, every validation failure, idempotency by call
//! id, cancellation, forgiving title matches.

use companion::intents::{self, Actor, CancelOutcome, IntentCall};
use companion::store::{goals, tasks, CallStatus, TaskStatus};
use serde_json::json;

#[path = "support/intent_kit.rs"]
mod intent_kit;

use intent_kit::Fixture;

#[test]
fn goal_is_created_with_seed_style_confirmation() {
    let f = Fixture::new();
    let out = f.call(
        "fc_1",
        "submit_goal_intent",
        json!({"goal_statement": "Learn Spanish", "timeline": "3 months"}),
    );
    assert_eq!(out.status, CallStatus::Executed);
    assert!(out.result.starts_with("Goal created: Learn Spanish"), "{}", out.result);
    let all = f.store.read(goals::list_goals).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].timeline, "3 months");
}

#[test]
fn create_list_reschedule_complete() {
    let f = Fixture::new();
    let out = f.call(
        "fc_1",
        "create_task",
        json!({"title": "Spanish lesson", "scheduled_at": "2026-11-24T18:00:00", "duration_minutes": 30}),
    );
    assert_eq!(out.status, CallStatus::Executed, "{}", out.result);
    assert_eq!(out.result, "Task created: Spanish lesson on Tuesday 24 November at 18:00 for 30 minutes.");
    let t = &f.tasks()[0];
    assert_eq!(
        t.scheduled_at, "2026-11-24T18:00:00+01:00",
        "local time without offset is the user's timezone"
    );

    let out = f.call("fc_2", "list_tasks", json!({"day": "tomorrow"}));
    assert_eq!(out.result, "You have 1 task on Tuesday 24 November: 18:00 Spanish lesson.");
    let out = f.call("fc_3", "list_tasks", json!({}));
    assert_eq!(out.result, "You have no tasks on Monday 23 November.");

    let out = f.call(
        "fc_4",
        "reschedule_task",
        json!({"task": "spanish lessons", "new_time": "2026-11-25T09:00:00+01:00"}),
    );
    assert_eq!(out.result, "Rescheduled Spanish lesson to Wednesday 25 November at 09:00.");
    assert_eq!(f.tasks()[0].scheduled_at, "2026-11-25T09:00:00+01:00");

    let out = f.call("fc_5", "complete_task", json!({"task": "the spanish lesson"}));
    assert!(out.result.starts_with("Marked Spanish lesson as done"), "{}", out.result);
    assert_eq!(f.tasks()[0].status, TaskStatus::Done);

    let out = f.call("fc_6", "list_tasks", json!({"from": "2026-11-24", "to": "2026-11-26"}));
    assert!(out.result.contains("Spanish lesson (done)"), "{}", out.result);
}

#[test]
fn validation_failures_change_nothing_and_say_why() {
    let f = Fixture::new();
    f.call("fc_0", "create_task", json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00"}));
    let cases = [
        ("create_task", json!({"title": "Gym"}), "needs 'scheduled_at'"),
        ("create_task", json!({"title": "Gym", "scheduled_at": "next tuesday"}), "couldn't read the time"),
        ("create_task", json!({"title": "Gym", "scheduled_at": "2026-11-24"}), "no time of day"),
        ("create_task", json!({"title": "Gym", "scheduled_at": "2020-01-01T10:00"}), "in the past"),
        ("create_task", json!({"title": "  ", "scheduled_at": "2026-11-24T07:00"}), "must not be empty"),
        (
            "create_task",
            json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00", "duration_minutes": -5}),
            "between 1 and 1440",
        ),
        (
            "create_task",
            json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00", "colour": "red"}),
            "no argument 'colour'",
        ),
        ("create_task", json!("{not json"), "not valid JSON"),
        (
            "reschedule_task",
            json!({"task": "dentist", "new_time": "2026-11-24T10:00"}),
            "couldn't find a task called 'dentist'",
        ),
        ("reschedule_task", json!({"task": "gym", "new_time": "tomorrow-ish"}), "couldn't read the time"),
        ("complete_task", json!({}), "needs 'task'"),
        ("list_tasks", json!({"day": "someday"}), "couldn't read the day"),
        ("list_tasks", json!({"from": "2026-12-10", "to": "2026-12-01"}), "before it starts"),
        ("list_tasks", json!({"from": "2026-01-01", "to": "2026-12-31"}), "too long"),
        ("submit_goal_intent", json!({"goal_statement": "Run"}), "needs 'timeline'"),
        ("order_pizza", json!({}), "don't have a function called order_pizza"),
    ];
    let before = f.tasks();
    for (i, (name, args, expect)) in cases.iter().enumerate() {
        let out = f.call(&format!("bad_{i}"), name, args.clone());
        assert_eq!(out.status, CallStatus::Failed, "{name} {args}: {}", out.result);
        assert!(out.result.contains(expect), "{name} {args}: got {:?}, want {:?}", out.result, expect);
    }
    assert_eq!(f.tasks(), before, "failed calls change nothing");
    assert!(f.store.read(goals::list_goals).unwrap().is_empty());
}

#[test]
fn two_tasks_matching_a_title_is_an_ambiguity() {
    let f = Fixture::new();
    f.call("a", "create_task", json!({"title": "Gym morning", "scheduled_at": "2026-11-24T07:00"}));
    f.call("b", "create_task", json!({"title": "Gym evening", "scheduled_at": "2026-11-24T19:00"}));
    let out = f.call("c", "complete_task", json!({"task": "gym"}));
    assert_eq!(out.status, CallStatus::Failed);
    assert!(out.result.contains("matches 2 tasks") && out.result.contains("Gym evening"), "{}", out.result);
    assert!(f.tasks().iter().all(|t| t.status == TaskStatus::Pending));
    let id = f.tasks()[1].id.clone();
    let out = f.call("d", "complete_task", json!({"task": id}));
    assert_eq!(out.status, CallStatus::Executed, "an id always resolves");
}

#[test]
fn the_same_call_id_runs_once() {
    let f = Fixture::new();
    let args = json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00"});
    let first = f.call("fc_same", "create_task", args.clone());
    let again = f.call("fc_same", "create_task", args);
    assert!(!first.replayed && again.replayed);
    assert_eq!(first.result, again.result);
    assert_eq!(f.tasks().len(), 1);
    // A failed call is remembered too: the repeat gets the same refusal.
    let bad1 = f.call("fc_bad", "create_task", json!({"title": "x"}));
    let bad2 = f.call("fc_bad", "create_task", json!({"title": "x", "scheduled_at": "2026-11-24T07:00"}));
    assert_eq!(bad1.result, bad2.result);
    assert_eq!(f.tasks().len(), 1);
}

#[test]
fn cancelling_reverts_or_prevents() {
    let f = Fixture::new();
    f.call("c1", "create_task", json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00"}));
    let r = intents::cancel(&f.store, "c1", None, "create_task", &f.clock).unwrap();
    assert_eq!(r, CancelOutcome::Reverted);
    assert!(f.tasks().is_empty());
    assert_eq!(
        intents::cancel(&f.store, "c1", None, "create_task", &f.clock).unwrap(),
        CancelOutcome::AlreadyCancelled
    );

    // Cancelled before it arrives: the late call does nothing.
    assert_eq!(
        intents::cancel(&f.store, "c2", None, "create_task", &f.clock).unwrap(),
        CancelOutcome::Prevented
    );
    let late = f.call("c2", "create_task", json!({"title": "Gym", "scheduled_at": "2026-11-24T07:00"}));
    assert_eq!(late.status, CallStatus::Cancelled);
    assert!(f.tasks().is_empty());

    // Undoing a reschedule and a completion restores the task as it was.
    f.call("c3", "create_task", json!({"title": "Read", "scheduled_at": "2026-11-24T20:00"}));
    let before = f.tasks();
    f.call("c4", "reschedule_task", json!({"task": "read", "new_time": "2026-11-25T20:00"}));
    f.call("c5", "complete_task", json!({"task": "read"}));
    intents::cancel(&f.store, "c5", None, "complete_task", &f.clock).unwrap();
    intents::cancel(&f.store, "c4", None, "reschedule_task", &f.clock).unwrap();
    let after = f.tasks();
    assert_eq!(after[0].scheduled_at, before[0].scheduled_at);
    assert_eq!(after[0].status, TaskStatus::Pending);
}

fn corrupt(f: &Fixture, sql: &str) {
    f.store.write(|tx| tx.execute(sql, []).map_err(companion::store::StoreError::from)).unwrap();
}

#[test]
fn an_unreadable_undo_record_is_an_error_and_changes_nothing() {
    let f = Fixture::new();
    f.call("c1", "create_task", json!({"title": "Read", "scheduled_at": "2026-11-24T20:00"}));
    f.call("c2", "reschedule_task", json!({"task": "read", "new_time": "2026-11-25T20:00"}));
    let moved = f.tasks();
    for record in [r#"{"kind":"task_rescheduled","task_id":"x","previous":"not a time"}"#, "not json"] {
        corrupt(&f, &format!("UPDATE function_calls SET effect = '{record}' WHERE id = 'c2'"));
        let err = intents::cancel(&f.store, "c2", None, "reschedule_task", &f.clock).unwrap_err();
        assert!(matches!(err, intents::UndoError::UnreadableRecord { .. }), "{record}: {err:?}");
        assert!(err.to_string().contains("not undone"), "{err}");
        assert_eq!(f.tasks(), moved, "{record}: nothing changed");
    }
    corrupt(&f, "UPDATE function_calls SET effect = NULL WHERE id = 'c2'");
    let err = intents::cancel(&f.store, "c2", None, "reschedule_task", &f.clock).unwrap_err();
    assert!(matches!(err, intents::UndoError::UnreadableRecord { .. }), "a missing record: {err:?}");
}

#[test]
fn undoing_a_change_to_a_task_that_is_gone_fails() {
    let f = Fixture::new();
    f.call("c1", "create_task", json!({"title": "Read", "scheduled_at": "2026-11-24T20:00"}));
    f.call("c2", "reschedule_task", json!({"task": "read", "new_time": "2026-11-25T20:00"}));
    let id = f.tasks()[0].id.clone();
    f.store.write(|tx| tasks::delete_task(tx, &id)).unwrap();
    let err = intents::cancel(&f.store, "c2", None, "reschedule_task", &f.clock).unwrap_err();
    assert!(matches!(err, intents::UndoError::TaskGone { .. }), "{err:?}");
    let again = intents::cancel(&f.store, "c2", None, "reschedule_task", &f.clock).unwrap_err();
    assert!(matches!(again, intents::UndoError::TaskGone { .. }), "the call was not marked cancelled");
}

#[test]
fn a_bad_stored_time_is_an_error_not_a_blank() {
    let f = Fixture::new();
    f.call("c1", "create_task", json!({"title": "Read", "scheduled_at": "2026-11-24T20:00"}));
    corrupt(&f, "UPDATE tasks SET scheduled_at = 'soonish'");
    let err = f.store.read(tasks::all_tasks).unwrap_err();
    assert!(
        matches!(&err, companion::store::StoreError::Corrupt { table: "tasks", detail } if detail.contains("soonish")),
        "{err:?}"
    );
    let actor = Actor { user: &f.user, tz: Actor::tz_of(&f.user), clock: &f.clock };
    let args = json!({"day": "2026-11-24"});
    let call = IntentCall { call_id: "c2", conversation_id: None, name: "list_tasks", arguments: &args };
    let err = intents::execute(&f.store, &f.catalog, &actor, &call).unwrap_err();
    assert!(matches!(err, companion::store::StoreError::Corrupt { .. }), "{err:?}");
}
