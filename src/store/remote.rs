//! What the sync worker knows about the hosted plane: each local conversation's session there,
//! the sessions it created (the plane's rate-limit budget, kept across restarts) and its last
//! outcomes (status survives a restart, so `companion sync --status` can tell a later process).

use super::{db, Result};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteState {
    /// A creation was sent and its answer is not known.
    Creating,
    Open,
    Closed,
    /// The plane answered that it does not know the session, or that it was closed early.
    Lost,
}

impl RemoteState {
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteState::Creating => "creating",
            RemoteState::Open => "open",
            RemoteState::Closed => "closed",
            RemoteState::Lost => "lost",
        }
    }
}

impl FromSql for RemoteState {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "creating" => Ok(RemoteState::Creating),
            "open" => Ok(RemoteState::Open),
            "closed" => Ok(RemoteState::Closed),
            "lost" => Ok(RemoteState::Lost),
            other => Err(FromSqlError::Other(format!("unknown remote state {other:?}").into())),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoteSession {
    pub conversation_id: String,
    pub remote_id: Option<String>,
    pub state: RemoteState,
    /// How many of the conversation's messages the plane holds.
    pub delivered: i64,
    pub detail: Option<String>,
    pub updated_at: String,
}

const COLUMNS: &str = "conversation_id, remote_id, state, delivered, detail, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RemoteSession> {
    Ok(RemoteSession {
        conversation_id: r.get(0)?,
        remote_id: r.get(1)?,
        state: r.get(2)?,
        delivered: r.get(3)?,
        detail: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

pub fn get(conn: &Connection, conversation_id: &str) -> Result<Option<RemoteSession>> {
    let sql = format!("SELECT {COLUMNS} FROM sync_sessions WHERE conversation_id = ?1");
    conn.prepare_cached(&sql).map_err(db)?.query_row([conversation_id], from_row).optional().map_err(db)
}

/// The session that holds the plane's one open slot (being created or open), if any.
pub fn active(conn: &Connection) -> Result<Option<RemoteSession>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_sessions WHERE state IN ('creating', 'open') ORDER BY updated_at LIMIT 1"
    );
    conn.prepare_cached(&sql).map_err(db)?.query_row([], from_row).optional().map_err(db)
}

pub fn lost(conn: &Connection) -> Result<Vec<RemoteSession>> {
    let sql =
        format!("SELECT {COLUMNS} FROM sync_sessions WHERE state = 'lost' ORDER BY updated_at LIMIT 500");
    let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
    let rows = stmt.query_map([], from_row).map_err(db)?;
    rows.collect::<rusqlite::Result<_>>().map_err(db)
}

pub fn put(
    conn: &Connection,
    conversation_id: &str,
    remote_id: Option<&str>,
    state: RemoteState,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_sessions (conversation_id, remote_id, state, delivered, detail, updated_at)
         VALUES (?1, ?2, ?3, 0, ?4, ?5)
         ON CONFLICT (conversation_id) DO UPDATE SET
           remote_id = coalesce(excluded.remote_id, remote_id), state = excluded.state,
           detail = excluded.detail, updated_at = excluded.updated_at",
    )
    .map_err(db)?
    .execute(params![conversation_id, remote_id, state.as_str(), detail, format_utc(now)])
    .map_err(db)?;
    Ok(())
}

/// `n` more of the conversation's messages reached the plane.
pub fn add_delivered(conn: &Connection, conversation_id: &str, n: i64) -> Result<()> {
    conn.prepare_cached("UPDATE sync_sessions SET delivered = delivered + ?2 WHERE conversation_id = ?1")
        .map_err(db)?
        .execute(params![conversation_id, n])
        .map_err(db)?;
    Ok(())
}

/// A conversation whose session was created on the plane under its own id before it started
/// here (hosted mode): nothing to create, its items go to that session.
pub fn adopt_created(conn: &Connection, conversation_id: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute("DELETE FROM sync_outbox WHERE conversation_id = ?1 AND kind = 'open'", [conversation_id])
        .map_err(db)?;
    put(conn, conversation_id, Some(conversation_id), RemoteState::Open, None, now)
}

pub fn forget(conn: &Connection, conversation_id: &str) -> Result<()> {
    conn.execute("DELETE FROM sync_sessions WHERE conversation_id = ?1", [conversation_id]).map_err(db)?;
    Ok(())
}

/// Counts a session creation against the budget; returns its row to take it back.
pub fn record_creation(conn: &Connection, now: DateTime<Utc>) -> Result<i64> {
    conn.execute("INSERT INTO sync_creations (at) VALUES (?1)", [format_utc(now)]).map_err(db)?;
    let id = conn.last_insert_rowid();
    // A day is the longest window any limit looks at.
    conn.execute("DELETE FROM sync_creations WHERE at < ?1", [format_utc(now - chrono::Duration::days(2))])
        .map_err(db)?;
    Ok(id)
}

/// A creation that certainly did not reach the plane does not count.
pub fn unrecord_creation(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM sync_creations WHERE rowid = ?1", [id]).map_err(db)?;
    Ok(())
}

/// How many sessions this client created after `since`, and the oldest of them.
pub fn creations_since(conn: &Connection, since: DateTime<Utc>) -> Result<(i64, Option<String>)> {
    conn.query_row("SELECT count(*), min(at) FROM sync_creations WHERE at > ?1", [format_utc(since)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .map_err(db)
}

pub fn state(conn: &Connection, name: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM sync_state WHERE name = ?1")
        .map_err(db)?
        .query_row([name], |r| r.get(0))
        .optional()
        .map_err(db)
}

pub fn set_state(conn: &Connection, name: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn
            .prepare_cached("INSERT INTO sync_state (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .map_err(db)?
            .execute(params![name, v])
            .map_err(db)?,
        None => conn.prepare_cached("DELETE FROM sync_state WHERE name = ?1").map_err(db)?.execute([name]).map_err(db)?,
    };
    Ok(())
}
