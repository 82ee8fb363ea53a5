//! Setup shared by the store's tests.

use super::{conversations, users, Store};
use crate::time::Clock;

/// A new store in a temporary directory, with the user "u" and these conversations, open.
pub(crate) fn store_with(ids: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let now = Clock::System.now();
    store
        .write(|tx| {
            users::ensure_user(tx, "u", "", "UTC", now)?;
            ids.iter().try_for_each(|c| conversations::insert_conversation(tx, c, "u", now))
        })
        .unwrap();
    (dir, store)
}

/// How many segments the search index is made of.
pub(crate) fn segments(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("SELECT count(DISTINCT segid) FROM messages_fts_idx", [], |r| r.get(0)).unwrap()
}
