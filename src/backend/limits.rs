//! The control plane's rate limits on session creation, computed from the conversations table itself so
//! they survive restarts and need no extra state.

use super::ApiError;
use crate::config::Limits;
use crate::store::conversations;
use crate::time::parse_utc;
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

/// Err(RateLimited) with a detail saying when the user may try again.
pub(super) fn check(
    conn: &Connection,
    limits: &Limits,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let open = conversations::open_conversations_of(conn, user_id)?;
    if open.len() as u64 >= u64::from(limits.open_sessions_per_user.max(1)) {
        let which = open.first().map(String::as_str).unwrap_or("");
        return Err(ApiError::RateLimited {
            detail: format!(
                "You already have an open session ({which}). Close it (DELETE /api/v1/voice/session/{which}) and retry."
            ),
            retry_after_secs: 1,
        });
    }
    window(conn, user_id, now, Duration::minutes(10), limits.sessions_per_10_minutes, "10 minutes")?;
    window(conn, user_id, now, Duration::days(1), limits.sessions_per_day, "24 hours")?;
    Ok(())
}

fn window(
    conn: &Connection,
    user_id: &str,
    now: DateTime<Utc>,
    span: Duration,
    max: u32,
    label: &str,
) -> Result<(), ApiError> {
    let (count, oldest) = conversations::count_started_since(conn, user_id, now - span)?;
    if count < i64::from(max) {
        return Ok(());
    }
    // The window frees a slot when the oldest session in it leaves it.
    let oldest = oldest.as_deref().and_then(parse_utc).unwrap_or(now);
    let wait = ((oldest + span) - now).num_seconds().max(1) as u64;
    Err(ApiError::RateLimited {
        detail: format!("Too many sessions: at most {max} per {label}. Retry in {wait} seconds."),
        retry_after_secs: wait,
    })
}
