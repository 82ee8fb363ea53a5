//! Which conversations showed a safety notice, and for which kinds of emergency (categories
//! only; the words stay in the messages).

use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

/// Flags the conversation for `category`; a second flag for the same category keeps the first.
pub fn flag(conn: &Connection, conversation_id: &str, category: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO safety_flags (conversation_id, category, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id, category) DO NOTHING",
    )
    .map_err(db)?
    .execute(params![conversation_id, category, format_utc(now)])
    .map_err(db)?;
    Ok(())
}

/// The categories flagged in a conversation, in the order they were first shown.
pub fn categories_of(conn: &Connection, conversation_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT category FROM safety_flags WHERE conversation_id = ?1 ORDER BY created_at, category",
        )
        .map_err(db)?;
    let rows = stmt.query_map([conversation_id], |r| r.get(0)).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{conversations, Store};

    #[test]
    fn flags_are_per_category_once_and_go_with_their_conversation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let now = Utc::now();
        store
            .write(|tx| -> crate::store::Result<()> {
                crate::store::users::ensure_user(tx, "u", "", "UTC", now)?;
                conversations::insert_conversation(tx, "c1", "u", now)?;
                conversations::insert_conversation(tx, "c2", "u", now)?;
                flag(tx, "c1", "chest_pain", now)?;
                flag(tx, "c1", "chest_pain", now)?;
                flag(tx, "c1", "breathing", now)
            })
            .unwrap();
        let flagged = store.read(|c| categories_of(c, "c1")).unwrap();
        assert_eq!(flagged.len(), 2);
        assert!(flagged.contains(&"chest_pain".to_string()) && flagged.contains(&"breathing".to_string()));
        let listed = store.read(|c| conversations::list_conversations(c, 10)).unwrap();
        let marked: Vec<(String, bool)> = listed.into_iter().map(|r| (r.id, r.safety_notice)).collect();
        assert!(
            marked.contains(&("c1".into(), true)) && marked.contains(&("c2".into(), false)),
            "{marked:?}"
        );
        store.write(|tx| conversations::delete_conversation(tx, "c1")).unwrap();
        assert!(store.read(|c| categories_of(c, "c1")).unwrap().is_empty());
    }
}
