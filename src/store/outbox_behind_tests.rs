use super::super::calls::{self, CallStatus, FunctionCallRow};
use super::super::conversations::{self, ConversationStatus};
use super::super::messages::append_message;
use super::super::outbox;
use super::super::test_kit::store_with;
use super::super::Store;
use chrono::Utc;

fn say(store: &Store, id: &str) {
    store.write(|tx| append_message(tx, id, "c", "user", &format!("words of {id}"), Utc::now())).unwrap();
}

/// The outbox in delivery order, as `kind:ref`.
fn queued(store: &Store) -> Vec<String> {
    store
        .read(|c| {
            let mut st = c.prepare("SELECT kind || ':' || ref FROM sync_outbox ORDER BY id").unwrap();
            Ok(st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect())
        })
        .unwrap()
}

fn call(store: &Store, id: &str) {
    let row = FunctionCallRow {
        id: id.into(),
        conversation_id: Some("c".into()),
        name: "add_task".into(),
        arguments: "{}".into(),
        status: CallStatus::Executed,
        result: "{}".into(),
        effect: None,
        created_at: String::new(),
    };
    store.write(|tx| calls::insert_call(tx, &row, Utc::now())).unwrap();
}

#[test]
fn a_message_is_owed_at_once_and_queued_once_in_order() {
    let (_dir, store) = store_with(&["c"]);
    for m in ["m1", "m2", "m3"] {
        say(&store, m);
    }
    assert_eq!(queued(&store), ["open:c"], "writing a message adds no outbox entry");
    let pending = store.read(outbox::pending).unwrap();
    assert_eq!((pending.sessions, pending.messages, pending.items), (1, 3, 4), "but it is owed");
    assert!(store.read(outbox::behind_any).unwrap());

    assert_eq!(store.write(|tx| outbox::catch_up(tx)).unwrap(), 3);
    assert_eq!(queued(&store), ["open:c", "message:m1", "message:m2", "message:m3"]);
    assert!(!store.read(outbox::behind_any).unwrap());
    assert_eq!(store.write(|tx| outbox::catch_up(tx)).unwrap(), 0, "a message is queued once");
    assert_eq!(store.read(outbox::pending).unwrap(), pending, "queued or not, the same is owed");

    say(&store, "m4");
    assert_eq!(store.write(|tx| outbox::catch_up(tx)).unwrap(), 1);
    assert_eq!(queued(&store).last().unwrap(), "message:m4");
    let keys: i64 = store
        .read(|c| {
            Ok(c.query_row("SELECT count(DISTINCT idem_key) FROM sync_outbox", [], |r| r.get(0)).unwrap())
        })
        .unwrap();
    assert_eq!(keys, 5, "every entry has its own key");
}

/// A function call's entry and the close's come after the messages said before them, and before
/// those said after: the outbox keeps the order things happened in.
#[test]
fn a_call_and_the_close_queue_the_messages_before_them() {
    let (_dir, store) = store_with(&["c"]);
    say(&store, "m1");
    say(&store, "m2");
    call(&store, "f1");
    say(&store, "m3");
    store
        .write(|tx| conversations::end_conversation(tx, "c", ConversationStatus::Closed, None, Utc::now()))
        .unwrap();
    assert_eq!(queued(&store), ["open:c", "message:m1", "message:m2", "intent:f1", "message:m3", "close:c"]);
    assert!(!store.read(outbox::behind_any).unwrap());
}

#[test]
fn giving_up_a_conversation_gives_up_its_messages_not_queued_yet() {
    let (_dir, store) = store_with(&["c", "d"]);
    say(&store, "m1");
    say(&store, "m2");
    store.write(|tx| append_message(tx, "d1", "d", "user", "other", Utc::now())).unwrap();
    // The open entry and two messages.
    assert_eq!(store.write(|tx| outbox::remove_conversation(tx, "c")).unwrap(), 3);
    assert_eq!(store.write(|tx| outbox::catch_up(tx)).unwrap(), 1, "only the other conversation's");
    assert_eq!(queued(&store), ["open:d", "message:d1"]);

    // What is said after is owed again, as before this change.
    say(&store, "m3");
    assert_eq!(store.write(|tx| outbox::remove_all(tx)).unwrap(), 3);
    assert_eq!(store.read(outbox::pending).unwrap().items, 0);
    assert_eq!(store.write(|tx| outbox::catch_up(tx)).unwrap(), 0);
}

/// The partial index of conversations behind is what the look-ups read: without it, each sync
/// step would read every conversation.
#[test]
fn the_lookups_read_the_index_of_conversations_behind() {
    let (_dir, store) = store_with(&["c"]);
    let plan = |sql: &str| -> String {
        store
            .read(|c| {
                let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
                let rows = st.query_map([], |r| r.get::<_, String>(3)).unwrap();
                Ok(rows.map(Result::unwrap).collect::<Vec<_>>().join("; "))
            })
            .unwrap()
    };
    let any = plan("SELECT EXISTS (SELECT 1 FROM conversations WHERE message_count > sync_queued)");
    assert!(any.contains("conversations_sync_behind"), "{any}");
    let owed = plan(super::BEHIND);
    assert!(owed.contains("conversations_sync_behind"), "{owed}");
}
