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

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted (so `AND`, `-` or a stray quote mean nothing special) and the last one matches as a
/// prefix, so results come while the word is still being typed.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
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

/// Best matches first. An empty or punctuation-only query finds nothing.
pub fn search_messages(
    conn: &Connection,
    input: &str,
    limit: i64,
    marks: (&str, &str),
) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(input) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn
        .prepare_cached(
            // Ranking and snippets run inside the FTS query on the top rows only; joining first
            // would make SQLite sort every match.
            "WITH top AS (
                 SELECT rowid, rank, snippet(messages_fts, 0, ?2, ?3, '…', 12) AS snip
                 FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rank LIMIT ?4)
             SELECT m.conversation_id, m.id, m.role, m.created_at, top.snip, top.rank
             FROM top JOIN messages m ON m.rowid = top.rowid ORDER BY top.rank",
        )
        .map_err(db)?;
    let rows = stmt
        .query_map(params![query, marks.0, marks.1, limit], |r| {
            Ok(SearchHit {
                conversation_id: r.get(0)?,
                message_id: r.get(1)?,
                role: r.get(2)?,
                created_at: r.get(3)?,
                snippet: r.get(4)?,
                score: r.get(5)?,
            })
        })
        .map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn queries_are_quoted_and_prefixed() {
        assert_eq!(fts_query("learn spanish").as_deref(), Some("\"learn\" \"spanish\"*"));
        assert_eq!(fts_query("AND -x \"y").as_deref(), Some("\"AND\" \"x\" \"y\"*"));
        assert_eq!(fts_query("  ...  "), None);
    }
}
