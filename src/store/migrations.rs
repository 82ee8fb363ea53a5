//! The numbered SQL files in `migrations/`, embedded into the binary in order.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

const STEPS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_metrics.sql"),
    include_str!("../../migrations/0003_sync.sql"),
    include_str!("../../migrations/0004_idempotency.sql"),
    include_str!("../../migrations/0005_search_prefixes.sql"),
    include_str!("../../migrations/0006_sync_lookups.sql"),
    include_str!("../../migrations/0007_time_ordered_keys.sql"),
    include_str!("../../migrations/0008_safety_flags.sql"),
    include_str!("../../migrations/0009_reminders.sql"),
    include_str!("../../migrations/0010_search_merge_upkeep.sql"),
    include_str!("../../migrations/0011_search_backlog.sql"),
    include_str!("../../migrations/0012_message_outbox_on_demand.sql"),
];

/// How many migrations this version knows (the newest schema's `user_version`).
pub(super) fn count() -> usize {
    STEPS.len()
}

pub(super) fn apply(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    let steps: Vec<M<'static>> = STEPS.iter().map(|sql| M::up(sql)).collect();
    Migrations::new(steps).to_latest(conn)
}

#[cfg(test)]
mod tests {
    fn all() -> super::Migrations<'static> {
        super::Migrations::new(super::STEPS.iter().map(|s| super::M::up(s)).collect())
    }

    /// An in-memory database migrated to `version`, and the migrations to take it further.
    fn at_version(version: usize) -> (rusqlite::Connection, super::Migrations<'static>) {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let migrations = all();
        migrations.to_version(&mut conn, version).unwrap();
        (conn, migrations)
    }

    #[test]
    fn migrations_validate() {
        all().validate().unwrap();
    }

    /// History written before the sync existed is owed to the plane too, in the order it
    /// happened: each conversation's creation, its messages and calls as they came, its close.
    #[test]
    fn history_from_before_the_outbox_is_queued_in_order() {
        let (mut conn, migrations) = at_version(2);
        conn.execute_batch(
            "INSERT INTO users (id, created_at, updated_at) VALUES ('u', 't', 't');
             INSERT INTO conversations (id, user_id, status, started_at, message_count) VALUES
               ('c2', 'u', 'open', '2026-01-02T00:00:00.000Z', 1),
               ('c1', 'u', 'closed', '2026-01-01T00:00:00.000Z', 2);
             INSERT INTO messages (id, conversation_id, seq, role, content, created_at) VALUES
               ('m2', 'c1', 2, 'assistant', 'b', '2026-01-01T00:00:02.000Z'),
               ('m1', 'c1', 1, 'user', 'a', '2026-01-01T00:00:01.000Z'),
               ('m3', 'c2', 1, 'user', 'c', '2026-01-02T00:00:01.000Z');
             INSERT INTO function_calls (id, conversation_id, name, arguments, status, result, created_at, updated_at)
               VALUES ('f1', 'c1', 'create_task', '{}', 'executed', 'ok', '2026-01-01T00:00:01.500Z', 't'),
                      ('f0', NULL, 'create_task', '{}', 'executed', 'ok', '2026-01-01T00:00:01.500Z', 't');",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let mut st = conn.prepare("SELECT kind || ':' || ref FROM sync_outbox ORDER BY id").unwrap();
        let order: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(
            order,
            ["open:c1", "message:m1", "intent:f1", "message:m2", "close:c1", "open:c2", "message:m3"]
        );
        let keys: i64 =
            conn.query_row("SELECT count(DISTINCT idem_key) FROM sync_outbox", [], |r| r.get(0)).unwrap();
        assert_eq!(keys, 7, "one key per item");
        // From now on the triggers keep the outbox in step with every write (a message joins it
        // at the latest with its conversation's close).
        crate::store::messages::append_message(&conn, "m4", "c2", "assistant", "d", chrono::Utc::now())
            .unwrap();
        conn.execute_batch("UPDATE conversations SET status = 'interrupted' WHERE id = 'c2';").unwrap();
        let tail: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).skip(7).collect();
        assert_eq!(tail, ["message:m4", "close:c2"]);
    }

    /// Tasks whose time passed before reminders existed are not reminded of: migration 0009
    /// marks them as reminded for their time, and leaves the others owed.
    #[test]
    fn tasks_past_before_reminders_existed_are_not_reminded_of() {
        let (mut conn, migrations) = at_version(8);
        conn.execute_batch(
            "INSERT INTO users (id, created_at, updated_at) VALUES ('u', 't', 't');
             INSERT INTO tasks (id, user_id, title, scheduled_at, scheduled_utc, created_at, updated_at) VALUES
               ('past', 'u', 'a', '2020-01-01T09:00:00+00:00', '2020-01-01T09:00:00.000Z', 't', 't'),
               ('ahead', 'u', 'b', '2999-01-01T09:00:00+00:00', '2999-01-01T09:00:00.000Z', 't', 't');",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let mut st = conn.prepare("SELECT id, reminded_for FROM tasks ORDER BY id").unwrap();
        let rows: Vec<(String, Option<String>)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows, [("ahead".into(), None), ("past".into(), Some("2020-01-01T09:00:00.000Z".into()))]);
    }

    /// Migration 0005 rebuilds the search index with prefix indexes: history written before it
    /// is found as before, by whole words and by prefixes, and new messages are indexed too.
    #[test]
    fn history_from_before_the_prefix_index_is_still_found() {
        let (mut conn, migrations) = at_version(4);
        conn.execute_batch(
            "INSERT INTO users (id, created_at, updated_at) VALUES ('u', 't', 't');
             INSERT INTO conversations (id, user_id, status, started_at) VALUES ('c', 'u', 'open', 't');
             INSERT INTO messages (id, conversation_id, seq, role, content, created_at) VALUES
               ('m1', 'c', 1, 'user', 'Spanish verbs tomorrow', 't'),
               ('m2', 'c', 2, 'assistant', 'Practise them at six', 't');",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO messages (id, conversation_id, seq, role, content, created_at)
             VALUES ('m3', 'c', 3, 'user', 'Spanish again', 't')",
            [],
        )
        .unwrap();
        let found = |q: &str| -> Vec<String> {
            let mut st = conn
                .prepare(
                    "SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
                     WHERE messages_fts MATCH ?1 ORDER BY m.rowid",
                )
                .unwrap();
            st.query_map([q], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(found("spanish"), ["m1", "m3"]);
        assert_eq!(found("pract*"), ["m2"]);
        assert_eq!(found("s*"), ["m1", "m2", "m3"]);
        assert_eq!(found("tomorr*"), ["m1"], "longer than the prefix indexes: merged as before");
        // Fails (SQLITE_CORRUPT_VTAB) if the index disagrees with the messages it was built from.
        conn.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)", [])
            .unwrap();
    }

    /// Migration 0012: the messages already in the outbox stay there once, and only messages
    /// written after it wait to be queued in batches.
    #[test]
    fn messages_queued_before_the_batches_are_not_queued_again() {
        let (mut conn, migrations) = at_version(11);
        conn.execute_batch(
            "INSERT INTO users (id, created_at, updated_at) VALUES ('u', 't', 't');
             INSERT INTO conversations (id, user_id, status, started_at) VALUES ('c', 'u', 'open', 't');",
        )
        .unwrap();
        crate::store::messages::append_message(&conn, "m1", "c", "user", "before", chrono::Utc::now())
            .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        crate::store::messages::append_message(&conn, "m2", "c", "user", "after", chrono::Utc::now())
            .unwrap();
        assert_eq!(crate::store::outbox::catch_up(&conn).unwrap(), 1);
        let mut st = conn.prepare("SELECT kind || ':' || ref FROM sync_outbox ORDER BY id").unwrap();
        let rows: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows, ["open:c", "message:m1", "message:m2"]);
    }
}
