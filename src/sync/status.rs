//! Where delivery stands, read from the store so any process can tell (the desktop's status
//! line, `companion sync --status`). "Synced" is said only when nothing is owed: an item leaves
//! the outbox only after the plane acknowledged it.

use crate::store::outbox::{self, ItemKind};
use crate::store::remote;
use crate::store::{Store, StoreError};
use crate::time::parse_utc;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No plane URL is set.
    NotConfigured,
    /// Background delivery is off (`companion sync` still delivers on demand).
    Off,
    Synced,
    Pending,
    /// The plane could not be reached at the last attempt.
    Offline,
    /// The plane refused the token: nothing is sent until a new one is saved.
    NeedsSignIn,
    /// Waiting for the plane's session budget or its Retry-After.
    RateLimited,
    /// What is owed waits for the user: items the plane refused, sessions it lost.
    Blocked,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarantinedItem {
    pub id: i64,
    pub conversation_id: String,
    pub kind: ItemKind,
    pub reason: String,
    pub at: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostSession {
    pub conversation_id: String,
    pub detail: String,
    pub at: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    pub state: SyncState,
    pub configured: bool,
    pub enabled: bool,
    pub pending_sessions: i64,
    pub pending_messages: i64,
    pub pending_intents: i64,
    pub pending_items: i64,
    pub quarantined: Vec<QuarantinedItem>,
    pub lost_sessions: Vec<LostSession>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub needs_sign_in: bool,
    pub rate_limited_until: Option<String>,
    /// A session the plane may hold open for us that we cannot name (see the engine).
    pub orphan: Option<String>,
}

pub(super) const LAST_SUCCESS: &str = "last_success";
pub(super) const LAST_ERROR: &str = "last_error";
pub(super) const LAST_ERROR_KIND: &str = "last_error_kind";
pub(super) const LAST_ERROR_AT: &str = "last_error_at";
pub(super) const NEEDS_SIGN_IN: &str = "needs_sign_in";
pub(super) const RATE_LIMITED_UNTIL: &str = "rate_limited_until";
pub(super) const ORPHAN: &str = "orphan";

pub fn read(
    store: &Store,
    configured: bool,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<SyncStatus, StoreError> {
    store.read(|c| {
        let pending = outbox::pending(c)?;
        let quarantined: Vec<QuarantinedItem> = outbox::quarantined(c)?
            .into_iter()
            .map(|i| QuarantinedItem {
                id: i.id,
                conversation_id: i.conversation_id,
                kind: i.kind,
                reason: i.quarantined.unwrap_or_default(),
                at: i.quarantined_at.unwrap_or_default(),
            })
            .collect();
        let lost_sessions: Vec<LostSession> = remote::lost(c)?
            .into_iter()
            .map(|s| LostSession {
                conversation_id: s.conversation_id,
                detail: s.detail.unwrap_or_default(),
                at: s.updated_at,
            })
            .collect();
        let get = |name| remote::state(c, name);
        let last_success = get(LAST_SUCCESS)?;
        let needs_sign_in = get(NEEDS_SIGN_IN)?.is_some();
        let rate_limited_until = get(RATE_LIMITED_UNTIL)?.filter(|t| parse_utc(t).is_some_and(|t| t > now));
        let offline =
            get(LAST_ERROR_KIND)?.as_deref() == Some("offline") && get(LAST_ERROR_AT)? > last_success;
        let waiting_for_user = (quarantined.len() + lost_sessions.len()) > 0;
        let state = if !configured {
            SyncState::NotConfigured
        } else if needs_sign_in {
            SyncState::NeedsSignIn
        } else if pending.items == 0 && lost_sessions.is_empty() {
            SyncState::Synced
        } else if rate_limited_until.is_some() {
            SyncState::RateLimited
        } else if offline {
            SyncState::Offline
        } else if waiting_for_user && sendable(c)? == 0 {
            SyncState::Blocked
        } else if !enabled {
            SyncState::Off
        } else {
            SyncState::Pending
        };
        Ok(SyncStatus {
            state,
            configured,
            enabled,
            pending_sessions: pending.sessions,
            pending_messages: pending.messages,
            pending_intents: pending.intents,
            pending_items: pending.items,
            quarantined,
            lost_sessions,
            last_success,
            last_error: get(LAST_ERROR)?,
            needs_sign_in,
            rate_limited_until,
            orphan: get(ORPHAN)?,
        })
    })
}

/// Items (and messages not queued yet) that are not held back by a refusal or a lost session.
fn sendable(c: &rusqlite::Connection) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT conversation_id FROM sync_outbox
                               UNION ALL SELECT conversation_id FROM ({})) o
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox q WHERE q.conversation_id = o.conversation_id
                            AND q.quarantined IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM sync_sessions s WHERE s.conversation_id = o.conversation_id
                            AND s.state = 'lost')",
        outbox::BEHIND
    );
    c.query_row(&sql, [], |r| r.get(0)).map_err(crate::store::db)
}
