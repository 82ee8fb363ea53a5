//! Unit tests of `retention`: bounded batches, the sync's rows, and the index the sweep reads.

use super::{delete_expired_batch, BATCH_MESSAGES, EXPIRED};
use crate::store::conversations::{self, ConversationStatus};
use crate::store::remote::{self, RemoteState};
use crate::store::{messages, users, Store, StoreError};
use chrono::{Duration, TimeZone, Utc};

fn count(store: &Store, sql: &str, id: &str) -> i64 {
    store.read(|c| Ok(c.query_row(sql, [id], |r| r.get(0))?)).unwrap()
}

fn conversation(store: &Store, id: &str, days_ago: i64, messages: usize) {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let at = now - Duration::days(days_ago);
    store
        .write(|tx| {
            users::ensure_user(tx, "u", "", "UTC", at)?;
            conversations::insert_conversation(tx, id, "u", at)?;
            for m in 0..messages {
                messages::append_message(tx, &format!("{id}-{m}"), id, "user", "words", at)?;
            }
            conversations::end_conversation(tx, id, ConversationStatus::Closed, None, at)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn a_batch_stops_at_its_message_budget_but_always_takes_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let big = (BATCH_MESSAGES + 10) as usize;
    conversation(&store, "huge", 30, big);
    conversation(&store, "small", 29, 5);
    let cutoff = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    assert_eq!(store.write(|tx| delete_expired_batch(tx, cutoff)).unwrap(), 1, "the huge one alone");
    assert_eq!(count(&store, "SELECT count(*) FROM conversations WHERE id = ?1", "huge"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM messages WHERE conversation_id = ?1", "huge"), 0);
    assert_eq!(store.write(|tx| delete_expired_batch(tx, cutoff)).unwrap(), 1);
    assert_eq!(store.write(|tx| delete_expired_batch(tx, cutoff)).unwrap(), 0, "nothing left");
}

#[test]
fn sync_rows_go_unless_the_session_holds_the_planes_slot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    conversation(&store, "sent", 40, 2);
    conversation(&store, "on-the-plane", 40, 2);
    let now = Utc::now();
    store
        .write(|tx| {
            remote::put(tx, "sent", Some("r1"), RemoteState::Closed, None, now)?;
            remote::put(tx, "on-the-plane", Some("r2"), RemoteState::Open, None, now)
        })
        .unwrap();
    let outbox = "SELECT count(*) FROM sync_outbox WHERE conversation_id = ?1";
    let sessions = "SELECT count(*) FROM sync_sessions WHERE conversation_id = ?1";
    assert!(count(&store, outbox, "sent") > 0 && count(&store, outbox, "on-the-plane") > 0);
    let cutoff = Utc::now() - Duration::days(7);
    assert_eq!(store.write(|tx| delete_expired_batch(tx, cutoff)).unwrap(), 2);
    assert_eq!((count(&store, outbox, "sent"), count(&store, sessions, "sent")), (0, 0));
    // The sync worker closes that session on the plane, seeing its conversation gone.
    assert_eq!(count(&store, sessions, "on-the-plane"), 1);
    assert!(count(&store, outbox, "on-the-plane") > 0);
    assert_eq!(count(&store, "SELECT count(*) FROM conversations WHERE id = ?1", "on-the-plane"), 0);
}

#[test]
fn the_sweep_reads_the_start_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let plan: Vec<String> = store
        .read(|c| {
            let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {EXPIRED}")).unwrap();
            let rows = st.query_map(rusqlite::params!["2026-01-01", 50], |r| r.get::<_, String>(3)).unwrap();
            Ok(rows.map(Result::unwrap).collect())
        })
        .unwrap();
    assert!(plan.iter().any(|p| p.contains("conversations_by_start")), "{plan:?}");
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "no sort: {plan:?}");
}
