use super::{db, read_error, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ConversationStatus {
    Open,
    Closed,
    Interrupted,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
            ConversationStatus::Interrupted => "interrupted",
        }
    }
}

impl FromSql for ConversationStatus {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "open" => Ok(ConversationStatus::Open),
            "closed" => Ok(ConversationStatus::Closed),
            "interrupted" => Ok(ConversationStatus::Interrupted),
            other => Err(FromSqlError::Other(format!("unknown status {other:?}").into())),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct ConversationRow {
    pub id: String,
    pub user_id: String,
    pub status: ConversationStatus,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    pub message_count: i64,
    /// The start of the first user message (`first_words::cut`); `None` when the user said
    /// nothing.
    pub first_words: Option<String>,
    /// A safety notice was shown in this conversation (table `safety_flags`).
    pub safety_notice: bool,
}

/// Of `conversations c`. The first user message is found through the index of messages on
/// `(conversation_id, seq)`, reading the conversation's messages in order up to it; its first
/// 240 characters are enough to find a word boundary near the cut. Whether the conversation has
/// a safety flag is one look-up in that table's primary key.
const COLUMNS: &str = "c.id, c.user_id, c.status, c.started_at, c.ended_at, c.end_reason, c.message_count,
     (SELECT substr(m.content, 1, 240) FROM messages m
       WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.seq LIMIT 1),
     EXISTS (SELECT 1 FROM safety_flags f WHERE f.conversation_id = c.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ConversationRow> {
    Ok(ConversationRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        status: r.get(2)?,
        started_at: r.get(3)?,
        ended_at: r.get(4)?,
        end_reason: r.get(5)?,
        message_count: r.get(6)?,
        first_words: r
            .get::<_, Option<String>>(7)?
            .and_then(|t| super::first_words::cut(&t, super::first_words::FIRST_WORDS_CHARS)),
        safety_notice: r.get(8)?,
    })
}

pub fn insert_conversation(conn: &Connection, id: &str, user_id: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO conversations (id, user_id, status, started_at) VALUES (?1, ?2, 'open', ?3)",
        params![id, user_id, format_utc(now)],
    )
    .map_err(db)?;
    Ok(())
}

pub fn get_conversation(conn: &Connection, id: &str) -> Result<Option<ConversationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM conversations c WHERE c.id = ?1");
    conn.prepare_cached(&sql).map_err(db)?.query_row([id], from_row).optional().map_err(db)
}

/// Only the status: what every message write checks, without the row's first words and flags.
pub fn status_of(conn: &Connection, id: &str) -> Result<Option<ConversationStatus>> {
    conn.prepare_cached("SELECT status FROM conversations WHERE id = ?1")
        .map_err(db)?
        .query_row([id], |r| r.get(0))
        .optional()
        .map_err(read_error("conversations"))
}

/// Newest first; read in the order of the index `conversations_by_start` (migration 0005).
fn list_sql() -> String {
    format!("SELECT {COLUMNS} FROM conversations c ORDER BY c.started_at DESC, c.id LIMIT ?1")
}

/// Newest first, each with its first words.
pub fn list_conversations(conn: &Connection, limit: i64) -> Result<Vec<ConversationRow>> {
    let mut stmt = conn.prepare_cached(&list_sql()).map_err(db)?;
    let rows = stmt.query_map([limit], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn open_conversations_of(conn: &Connection, user_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM conversations WHERE user_id = ?1 AND status = 'open'")
        .map_err(db)?;
    let ids = stmt
        .query_map([user_id], |r| r.get(0))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<String>>>()
        .map_err(db)?;
    Ok(ids)
}

/// How many conversations the user started at or after `since` (rate limits).
pub fn count_started_since(
    conn: &Connection,
    user_id: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<String>)> {
    conn.query_row(
        "SELECT count(*), min(started_at) FROM conversations WHERE user_id = ?1 AND started_at > ?2",
        params![user_id, format_utc(since)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(db)
}

/// Ends an open conversation; returns false if it was not open.
pub fn end_conversation(
    conn: &Connection,
    id: &str,
    status: ConversationStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE conversations SET status = ?2, ended_at = ?3, end_reason = ?4
             WHERE id = ?1 AND status = 'open'",
            params![id, status.as_str(), format_utc(now), reason],
        )
        .map_err(db)?;
    Ok(n > 0)
}

/// A conversation still open at start-up was left behind by a crash.
pub fn interrupt_all_open(conn: &Connection, reason: &str, now: DateTime<Utc>) -> Result<usize> {
    conn.execute(
        "UPDATE conversations SET status = 'interrupted', ended_at = ?1, end_reason = ?2
         WHERE status = 'open'",
        params![format_utc(now), reason],
    )
    .map_err(db)
}

pub fn set_provider_request_id(conn: &Connection, id: &str, request_id: &str) -> Result<()> {
    conn.execute("UPDATE conversations SET provider_request_id = ?2 WHERE id = ?1", params![id, request_id])
        .map_err(db)?;
    Ok(())
}

pub fn delete_conversation(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM conversations WHERE id = ?1", [id]).map_err(db)? > 0)
}

/// Everything but live (open) conversations; their messages, calls and metrics go with them.
pub fn delete_finished_conversations(conn: &Connection) -> Result<usize> {
    conn.execute("DELETE FROM conversations WHERE status != 'open'", []).map_err(db)
}

#[cfg(test)]
mod tests {
    /// The list reads the newest page from the index instead of sorting every conversation.
    #[test]
    fn the_session_list_reads_its_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open_in(dir.path()).unwrap();
        let plan: Vec<String> = store
            .read(|c| {
                let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {}", super::list_sql())).unwrap();
                let rows = st.query_map([50], |r| r.get::<_, String>(3)).unwrap();
                Ok(rows.map(Result::unwrap).collect())
            })
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("conversations_by_start")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "no sort: {plan:?}");
        // The first words come through the (conversation_id, seq) index, never a scan.
        assert!(plan.iter().any(|p| p.contains("sqlite_autoindex_messages")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.starts_with("SCAN m")), "{plan:?}");
    }

    #[test]
    fn each_conversation_comes_with_the_first_words_the_user_said() {
        use crate::store::{messages, users, StoreError};
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open_in(dir.path()).unwrap();
        let t0 = chrono::Utc::now();
        store
            .write(|tx| {
                users::ensure_user(tx, "u", "", "UTC", t0)?;
                super::insert_conversation(tx, "talk", "u", t0)?;
                messages::append_message(tx, "a", "talk", "assistant", "Hi! How can I help?", t0)?;
                let long =
                    "Please remind me tomorrow morning to water the tomatoes on the balcony before work";
                messages::append_message(tx, "b", "talk", "user", long, t0)?;
                messages::append_message(tx, "c", "talk", "user", "and later", t0)?;
                let t1 = t0 + chrono::Duration::seconds(1);
                super::insert_conversation(tx, "silent", "u", t1)?;
                messages::append_message(tx, "d", "silent", "assistant", "Hello?", t1)?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let rows = store.read(|c| super::list_conversations(c, 10)).unwrap();
        let words: Vec<_> = rows.iter().map(|r| (r.id.as_str(), r.first_words.as_deref())).collect();
        assert_eq!(
            words,
            [("silent", None), ("talk", Some("Please remind me tomorrow morning to water the tomatoes on…"))]
        );
        let one = store.read(|c| super::get_conversation(c, "talk")).unwrap().unwrap();
        assert_eq!(one.first_words, rows[1].first_words);
    }
}
