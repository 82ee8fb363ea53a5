//! Latency figures per turn and counters per session. The shapes belong to the session room;
//! here they are JSON objects, so the store never has to change when a figure is added.

use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Records (or replaces, after a reconnect re-reports it) the figures of one turn.
pub fn record_turn(
    conn: &Connection,
    conversation_id: &str,
    turn: i64,
    metrics: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    let perceived = metrics.get("speech_end_to_played_ms").and_then(Value::as_f64);
    conn.prepare_cached(
        "INSERT INTO turn_metrics (conversation_id, turn, speech_end_to_played_ms, metrics, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (conversation_id, turn) DO UPDATE SET
           speech_end_to_played_ms = excluded.speech_end_to_played_ms, metrics = excluded.metrics",
    )
    .map_err(db)?
    .execute(params![conversation_id, turn, perceived, metrics.to_string(), format_utc(now)])
    .map_err(db)?;
    Ok(())
}

pub fn set_session_stats(
    conn: &Connection,
    conversation_id: &str,
    stats: &Value,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO session_stats (conversation_id, stats, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (conversation_id) DO UPDATE SET stats = excluded.stats, updated_at = excluded.updated_at",
        params![conversation_id, stats.to_string(), format_utc(now)],
    )
    .map_err(db)?;
    Ok(())
}

/// Turn figures in turn order; a row whose JSON does not parse comes back as a string value.
pub fn turns_of(conn: &Connection, conversation_id: &str) -> Result<Vec<Value>> {
    let mut stmt = conn
        .prepare_cached("SELECT metrics FROM turn_metrics WHERE conversation_id = ?1 ORDER BY turn")
        .map_err(db)?;
    let rows = stmt.query_map([conversation_id], |r| r.get::<_, String>(0)).map_err(db)?;
    rows.map(|r| r.map(|text| parse_json(&text))).collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn session_stats_of(conn: &Connection, conversation_id: &str) -> Result<Option<Value>> {
    conn.query_row("SELECT stats FROM session_stats WHERE conversation_id = ?1", [conversation_id], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .map(|o| o.map(|text| parse_json(&text)))
    .map_err(db)
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}
