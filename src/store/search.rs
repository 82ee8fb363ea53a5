use super::{db, Result};
use rusqlite::{params, Connection};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchHit {
    pub conversation_id: String,
    pub message_id: String,
    pub role: String,
    pub created_at: String,
    /// The matching passage with each hit wrapped in the caller's markers.
    pub snippet: String,
    /// bm25 score: lower is a better match.
    pub score: f64,
}

/// The words of what a person typed, each quoted so that `AND`, `-` or a stray quote mean
/// nothing special to FTS5.
fn quoted_words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect()
}

/// Every word matched whole.
fn fts_query_exact(input: &str) -> Option<String> {
    let words = quoted_words(input);
    (!words.is_empty()).then(|| words.join(" "))
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted and the last one matches as a prefix, so results come while the word is still being
/// typed.
pub fn fts_query(input: &str) -> Option<String> {
    let words = quoted_words(input);
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == last { format!("{w}*") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Up to this many matches a query is selective and its matches are ranked by relevance; past
/// it, ranking every match would cost time in proportion to the history (a word said in a tenth
/// of a million messages), so a broad query shows its most recent matches first instead.
pub const SELECTIVE_MATCHES: i64 = 1_000;

/// Best matches first for a selective query, most recent first for a broad one (see
/// [`SELECTIVE_MATCHES`]). An empty or punctuation-only query finds nothing.
pub fn search_messages(
    conn: &Connection,
    input: &str,
    limit: i64,
    marks: (&str, &str),
) -> Result<Vec<SearchHit>> {
    search_with(conn, input, limit, marks, SELECTIVE_MATCHES)
}

fn search_with(
    conn: &Connection,
    input: &str,
    limit: i64,
    marks: (&str, &str),
    selective: i64,
) -> Result<Vec<SearchHit>> {
    let (Some(exact), Some(prefixed)) = (fts_query_exact(input), fts_query(input)) else {
        return Ok(Vec::new());
    };
    // A word typed in full that is already broad needs no prefix matches (and a prefix over a
    // common word costs as much as ranking it). Otherwise the last word matches as a prefix.
    if count_matches(conn, &exact, selective)? > selective {
        return recent(conn, &exact, limit, marks, None);
    }
    if count_matches(conn, &prefixed, selective)? <= selective {
        return ranked(conn, &prefixed, limit, marks);
    }
    // A broad prefix (a word still being typed): newest matches first, looking back through
    // growing windows of the history so the work stays proportional to what is shown.
    let newest: i64 = conn
        .prepare_cached("SELECT coalesce(max(rowid), 0) FROM messages")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(db)?;
    let mut window = 20_000i64;
    loop {
        let from = newest.saturating_sub(window);
        let hits = recent(conn, &prefixed, limit, marks, Some(from))?;
        if hits.len() as i64 >= limit || from <= 0 {
            return Ok(hits);
        }
        window = window.saturating_mul(4);
    }
}

/// How many messages match, counting no further than `selective + 1`. FTS5 walks matches in
/// rowid order and stops at the limit, so this costs at most that many steps.
fn count_matches(conn: &Connection, query: &str, selective: i64) -> Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT ?2)",
    )
    .and_then(|mut s| s.query_row(params![query, selective + 1], |r| r.get(0)))
    .map_err(db)
}

// Ranking and snippets run inside the FTS query on the top rows only; joining first would make
// SQLite sort every match.
const RANKED: &str = "WITH top AS (
     SELECT rowid, rank, snippet(messages_fts, 0, ?2, ?3, '…', 12) AS snip
     FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?4)
 SELECT m.conversation_id, m.id, m.role, m.created_at, top.snip, top.rank
 FROM top JOIN messages m ON m.rowid = top.rowid ORDER BY top.rank";

const RECENT: &str = "WITH top AS (
     SELECT rowid, rank, snippet(messages_fts, 0, ?2, ?3, '…', 12) AS snip
     FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid > ?5 ORDER BY rowid DESC LIMIT ?4)
 SELECT m.conversation_id, m.id, m.role, m.created_at, top.snip, top.rank
 FROM top JOIN messages m ON m.rowid = top.rowid ORDER BY top.rowid DESC";

fn ranked(conn: &Connection, query: &str, limit: i64, marks: (&str, &str)) -> Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(RANKED).map_err(db)?;
    let rows = stmt.query_map(params![query, marks.0, marks.1, limit], hit).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

fn recent(
    conn: &Connection,
    query: &str,
    limit: i64,
    marks: (&str, &str),
    after_rowid: Option<i64>,
) -> Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(RECENT).map_err(db)?;
    let after = after_rowid.unwrap_or(i64::MIN);
    let rows = stmt.query_map(params![query, marks.0, marks.1, limit, after], hit).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

fn hit(r: &rusqlite::Row<'_>) -> rusqlite::Result<SearchHit> {
    Ok(SearchHit {
        conversation_id: r.get(0)?,
        message_id: r.get(1)?,
        role: r.get(2)?,
        created_at: r.get(3)?,
        snippet: r.get(4)?,
        score: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::{fts_query, search_with};
    use crate::store::{conversations, messages, users, Store};

    #[test]
    fn queries_are_quoted_and_prefixed() {
        assert_eq!(fts_query("learn spanish").as_deref(), Some("\"learn\" \"spanish\"*"));
        assert_eq!(fts_query("AND -x \"y").as_deref(), Some("\"AND\" \"x\" \"y\"*"));
        assert_eq!(fts_query("  ...  "), None);
    }

    #[test]
    fn selective_queries_rank_by_relevance_and_broad_ones_by_recency() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let now = chrono::Utc::now();
        let texts = [
            "spanish spanish spanish lesson",
            "a long note that mentions spanish once among many other words here",
            "spanish verbs",
            "something else entirely",
            "more spanish practice",
        ];
        store
            .write(|tx| {
                users::ensure_user(tx, "u", "", "UTC", now)?;
                conversations::insert_conversation(tx, "c", "u", now)?;
                for (i, t) in texts.iter().enumerate() {
                    messages::append_message(tx, &format!("m{i}"), "c", "user", t, now)?;
                }
                Ok::<_, crate::store::StoreError>(())
            })
            .unwrap();
        let ids_for = |query: &str, selective| -> Vec<String> {
            store
                .read(|c| search_with(c, query, 10, ("[", "]"), selective))
                .unwrap()
                .into_iter()
                .map(|h| h.message_id)
                .collect()
        };
        let ranked = ids_for("spanish", 10);
        assert_eq!(ranked.len(), 4);
        assert_eq!(ranked[0], "m0", "the densest match first: {ranked:?}");
        assert_eq!(ranked[3], "m1", "the diluted match last: {ranked:?}");
        assert_eq!(ids_for("spanish", 2), vec!["m4", "m2", "m1", "m0"], "broad: newest first");
        // A word still being typed that is broad only as a prefix: newest first as well.
        assert_eq!(ids_for("spa", 2), vec!["m4", "m2", "m1", "m0"]);
        assert_eq!(ids_for("spa", 10)[0], "m0", "a selective prefix is ranked");
    }
}
