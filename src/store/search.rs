use super::{db, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashSet;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchHit {
    pub conversation_id: String,
    pub message_id: String,
    pub role: String,
    pub created_at: String,
    /// The matching passage with each hit wrapped in the caller's markers.
    pub snippet: String,
    /// bm25 score, lower is better: over every word when each is selective, over the selective
    /// words when some are common. 0 when the query is too broad to rank and its hits come newest
    /// first.
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
    let phrases = prefixed_phrases(input);
    (!phrases.is_empty()).then(|| phrases.join(" "))
}

/// Up to this many matches a query is selective and its matches are ranked by relevance; past
/// it, ranking every match would cost time in proportion to the history (a word said in a tenth
/// of a million messages), so a broad query shows its most recent matches first instead. The same
/// bound decides which words can weigh a ranking: bm25 first counts every message holding each
/// word, so a common word in a selective query filters the matches but does not weigh them.
pub const SELECTIVE_MATCHES: i64 = 1_000;

/// Best matches first for a selective query, most recent first for a broad one (see
/// [`SELECTIVE_MATCHES`]); equally good matches come newest first. An empty or punctuation-only
/// query finds nothing.
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
    // One read transaction (unless the caller holds one): the ranking and the rows it names come
    // from the same snapshot.
    let _snapshot = if conn.is_autocommit() { Some(conn.unchecked_transaction().map_err(db)?) } else { None };
    // A word typed in full that is already broad needs no prefix matches: its own, newest first.
    if first_matches(conn, &exact, selective)?.len() as i64 > selective {
        return newest(conn, &exact, limit, marks);
    }
    let matches = first_matches(conn, &prefixed, selective)?;
    if matches.len() as i64 > selective {
        return newest(conn, &prefixed, limit, marks);
    }
    let phrases = prefixed_phrases(input);
    let mut weighing = Vec::new();
    for p in &phrases {
        if first_matches(conn, p, selective)?.len() as i64 <= selective {
            weighing.push(p.as_str());
        }
    }
    if weighing.is_empty() {
        // Every word is common (only together are they selective): nothing to weigh them by.
        return newest(conn, &prefixed, limit, marks);
    }
    let order: Vec<(i64, f64)> = if weighing.len() == phrases.len() {
        ranked(conn, &prefixed)?.into_iter().take(limit.max(0) as usize).collect()
    } else {
        // Ranked by the selective words alone, then kept to the messages matching every word.
        let matching: HashSet<i64> = matches.into_iter().collect();
        ranked(conn, &weighing.join(" "))?
            .into_iter()
            .filter(|(rowid, _)| matching.contains(rowid))
            .take(limit.max(0) as usize)
            .collect()
    };
    let mut hits = Vec::with_capacity(order.len());
    for (rowid, score) in order {
        hits.extend(fetch(conn, &prefixed, rowid, score, marks)?);
    }
    Ok(hits)
}

/// The query's phrases as search reads them: each word whole, the last one as a prefix.
fn prefixed_phrases(input: &str) -> Vec<String> {
    let mut words = quoted_words(input);
    if let Some(last) = words.last_mut() {
        last.push('*');
    }
    words
}

/// The rowids of the first `selective + 1` matches. FTS5 walks matches in rowid order and stops
/// at the limit, so this costs at most that many steps (a prefix is read from the prefix index
/// of migration 0005 while it is at most six characters long).
fn first_matches(conn: &Connection, query: &str, selective: i64) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT ?2")
        .map_err(db)?;
    let rows = stmt.query_map(params![query, selective + 1], |r| r.get(0)).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

/// Every match of a selective query with its bm25 score, best first, newest first among equal
/// scores. Only called when each phrase of `query` is selective, so this ranks a bounded number.
fn ranked(conn: &Connection, query: &str) -> Result<Vec<(i64, f64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT rowid, rank FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rank, rowid DESC",
        )
        .map_err(db)?;
    let rows = stmt.query_map([query], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

/// One ranked hit with its snippet over every word of the query. Snippets are made here, for the
/// shown rows only: in the ranking statement SQLite would make one for every match it sorts.
fn fetch(
    conn: &Connection,
    query: &str,
    rowid: i64,
    score: f64,
    marks: (&str, &str),
) -> Result<Option<SearchHit>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT m.conversation_id, m.id, m.role, m.created_at,
                    snippet(messages_fts, 0, ?2, ?3, '…', 12), ?5
             FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid
             WHERE messages_fts MATCH ?1 AND messages_fts.rowid = ?4",
        )
        .map_err(db)?;
    stmt.query_row(params![query, marks.0, marks.1, rowid, score], hit).optional().map_err(db)
}

// Snippets run inside the FTS query on the newest rows only; FTS5 walks its doclists backwards
// and stops at the limit. No bm25 here: it would count every match of each word first.
const NEWEST: &str = "WITH top AS (
     SELECT rowid, snippet(messages_fts, 0, ?2, ?3, '…', 12) AS snip
     FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?4)
 SELECT m.conversation_id, m.id, m.role, m.created_at, top.snip, 0.0
 FROM top JOIN messages m ON m.rowid = top.rowid ORDER BY top.rowid DESC";

/// The newest matches first, unranked (score 0).
fn newest(conn: &Connection, query: &str, limit: i64, marks: (&str, &str)) -> Result<Vec<SearchHit>> {
    let mut stmt = conn.prepare_cached(NEWEST).map_err(db)?;
    let rows = stmt.query_map(params![query, marks.0, marks.1, limit], hit).map_err(db)?;
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
#[path = "search_tests.rs"]
mod tests;
