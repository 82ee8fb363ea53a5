use super::index_queued;
use crate::store::test_kit::{segments, store_with};
use crate::store::{messages, search, Store};
use crate::time::Clock;
use rusqlite::Connection;

fn say_lean(store: &Store, conversation: &str, n: usize) {
    let now = Clock::System.now();
    store
        .write_lean(|tx| {
            (0..n).try_for_each(|i| {
                let text = format!("queued words from {conversation} number {i}");
                messages::append_message(tx, &format!("{conversation}-{i}"), conversation, "user", &text, now)
                    .map(drop)
            })
        })
        .unwrap();
}

fn found(store: &Store, query: &str) -> usize {
    store.read(|c| search::search_messages(c, query, 1000, ("[", "]"))).unwrap().len()
}

fn queued(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM search_backlog", [], |r| r.get(0)).unwrap()
}

/// FTS5's own check that its index holds exactly what the messages say (SQLITE_CORRUPT_VTAB if
/// not).
fn index_is_whole(conn: &Connection) -> bool {
    conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)", []).is_ok()
}

#[test]
fn lean_writes_queue_their_messages_and_idle_steps_index_them() {
    let (_dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 150);
    assert_eq!(found(&store, "queued"), 0, "queued, not indexed yet");
    assert_eq!(store.read(|c| Ok(queued(c))).unwrap(), 150);
    assert_eq!(store.read(|c| messages::list_messages(c, "a")).unwrap().len(), 150, "but stored");

    let mut steps = 0;
    while store.tidy_index() {
        steps += 1;
        assert!(steps < 1000);
    }
    assert_eq!(found(&store, "queued"), 150);
    assert_eq!(store.read(|c| Ok(queued(c))).unwrap(), 0);
    assert!(store.write(|tx| Ok::<_, crate::store::StoreError>(index_is_whole(tx))).unwrap());

    // Every other write indexes at once, as before.
    let now = Clock::System.now();
    store.write(|tx| messages::append_message(tx, "b", "a", "user", "spoken at once", now)).unwrap();
    assert_eq!(found(&store, "spoken"), 1);
}

#[test]
fn a_queued_message_that_is_deleted_never_reaches_the_index() {
    let (_dir, store) = store_with(&["gone", "kept"]);
    say_lean(&store, "gone", 40);
    say_lean(&store, "kept", 40);
    store
        .write(|tx| tx.execute("DELETE FROM conversations WHERE id = 'gone'", []).map_err(crate::store::db))
        .unwrap();
    assert_eq!(store.read(|c| Ok(queued(c))).unwrap(), 40, "the deleted messages left the queue");
    while store.tidy_index() {}
    assert_eq!(found(&store, "queued"), 40);
    assert!(store.write(|tx| Ok::<_, crate::store::StoreError>(index_is_whole(tx))).unwrap());
}

/// Negative control for the trigger above: with the delete trigger of before migration 0011,
/// which tells FTS5 to delete every deleted message, deleting a queued one breaks the index.
#[test]
fn the_old_delete_trigger_would_break_the_index() {
    let (_dir, store) = store_with(&["gone"]);
    store
        .write(|tx| {
            tx.execute_batch(
                "DROP TRIGGER messages_fts_delete;
                 CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                     INSERT INTO messages_fts (messages_fts, rowid, content)
                     VALUES ('delete', old.rowid, old.content);
                 END;",
            )
            .map_err(crate::store::db)
        })
        .unwrap();
    say_lean(&store, "gone", 40);
    let deleted = store
        .write(|tx| tx.execute("DELETE FROM conversations WHERE id = 'gone'", []).map_err(crate::store::db));
    // FTS5 refuses the delete as a damaged index, or takes it and is damaged.
    let whole = store.write(|tx| Ok::<_, crate::store::StoreError>(index_is_whole(tx))).unwrap();
    assert!(deleted.is_err() || !whole, "{deleted:?}");
}

#[test]
fn a_queue_left_by_a_stop_is_indexed_at_the_next_open() {
    let (dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 30);
    drop(store);
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(found(&store, "queued"), 30);
    assert_eq!(store.read(|c| Ok(queued(c))).unwrap(), 0);
}

#[test]
fn a_chunk_indexes_the_oldest_first_and_stops_at_its_size() {
    let (_dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 10);
    let mut conn = Connection::open(store.path()).unwrap();
    assert_eq!(index_queued(&mut conn, 4).unwrap(), 4);
    assert_eq!(queued(&conn), 6);
    let left: i64 =
        conn.query_row("SELECT min(message_rowid) FROM search_backlog", [], |r| r.get(0)).unwrap();
    let oldest_left: i64 =
        conn.query_row("SELECT rowid FROM messages WHERE id = 'a-4'", [], |r| r.get(0)).unwrap();
    assert_eq!(left, oldest_left);
}

#[test]
fn a_search_finds_every_message_stored_before_it() {
    let (_dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 150);
    // Negative control: the index alone does not hold them until the writer is idle.
    assert_eq!(found(&store, "queued"), 0);
    store.index_backlog();
    assert_eq!(found(&store, "queued"), 150);
    assert_eq!(store.read(|c| Ok(queued(c))).unwrap(), 0);
    // Nothing queued: nothing to do.
    store.index_backlog();
    assert_eq!(found(&store, "queued"), 150);
}

#[test]
fn a_chunk_is_indexed_as_one_segment() {
    let (_dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 64);
    assert!(store.index_queued());
    assert_eq!(store.read(|c| Ok(segments(c))).unwrap(), 1);
    assert_eq!(found(&store, "queued"), 64);

    // Negative control: the same chunk indexed one `INSERT … SELECT` per message. FTS5 writes
    // out what it holds before every such statement, so each message became a segment of its
    // own (64 here, which its crisis merges fold into 4), all copied again by the merges.
    let (_dir, store) = store_with(&["a"]);
    say_lean(&store, "a", 64);
    let per_message = |tx: &rusqlite::Transaction<'_>| {
        let rowids: Vec<i64> = tx
            .prepare("SELECT message_rowid FROM search_backlog")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for rowid in rowids {
            tx.execute(
                "INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages WHERE rowid = ?1",
                [rowid],
            )?;
        }
        tx.execute("DELETE FROM search_backlog", [])?;
        Ok::<_, rusqlite::Error>(())
    };
    store.write(|tx| per_message(tx).map_err(crate::store::db)).unwrap();
    let made = store.read(|c| Ok(segments(c))).unwrap();
    assert!(made > 1, "{made} segment(s) after indexing one statement per message");
}
