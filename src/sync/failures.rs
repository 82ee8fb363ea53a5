//! What a failed step leaves behind: the error and its kind in the store's sync state (so the
//! status tells any process), the warnings a later success clears, and how long to wait.

use super::backoff::Backoff;
use super::client::PlaneError;
use super::status;
use super::SyncError;
use crate::store::{remote, Store};
use crate::time::format_utc;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Records the failure for the status and says how long to wait.
pub(super) fn failed(
    store: &Store,
    now: DateTime<Utc>,
    e: &SyncError,
    flags: &mut Flags,
    backoff: &mut Backoff,
) -> Duration {
    let (kind, wait, limited_until) = match e {
        SyncError::Plane(PlaneError::Unreachable { .. } | PlaneError::Dropped { .. }) => {
            ("offline", backoff.next(), None)
        }
        SyncError::Plane(PlaneError::Busy { retry_after, .. }) => {
            let wait = backoff.next().max(Duration::from_secs(retry_after.unwrap_or(0)));
            ("busy", wait, Some(now + chrono::Duration::from_std(wait).unwrap_or_default()))
        }
        SyncError::Budget { until, .. } => {
            let wait = (*until - now).to_std().unwrap_or_default().max(Duration::from_secs(1));
            ("budget", wait.min(Duration::from_secs(300)), Some(*until))
        }
        // Retrying cannot fix a token: wait for a new one (kick) or look again much later.
        SyncError::Plane(PlaneError::Auth { .. } | PlaneError::NoToken | PlaneError::TokenUnreadable(_)) => {
            ("sign_in", Duration::from_secs(600), None)
        }
        SyncError::Plane(PlaneError::NotAPlane { .. }) => ("not_a_plane", backoff.next(), None),
        _ => ("error", backoff.next(), None),
    };
    let text = e.to_string();
    tracing::warn!(kind, "sync: {text}");
    let sign_in = kind == "sign_in";
    let _ = store.write(|tx| {
        remote::set_state(tx, status::LAST_ERROR, Some(&text))?;
        remote::set_state(tx, status::LAST_ERROR_KIND, Some(kind))?;
        remote::set_state(tx, status::LAST_ERROR_AT, Some(&format_utc(now)))?;
        if sign_in {
            remote::set_state(tx, status::NEEDS_SIGN_IN, Some("1"))?;
        }
        if let Some(until) = limited_until {
            remote::set_state(tx, status::RATE_LIMITED_UNTIL, Some(&format_utc(until)))?;
        }
        Ok::<_, crate::store::StoreError>(())
    });
    flags.sign_in |= sign_in;
    flags.limited |= limited_until.is_some();
    wait
}

pub(super) fn is_fatal(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::Plane(PlaneError::Auth { .. } | PlaneError::NoToken | PlaneError::TokenUnreadable(_))
            | SyncError::NotConfigured(_)
    )
}

/// Which warnings are set in the store, so a success clears them with one write, and only then.
#[derive(Default)]
pub(super) struct Flags {
    sign_in: bool,
    limited: bool,
    first_clear_done: bool,
}

impl Flags {
    pub(super) fn clear(&mut self, store: &Store) {
        // The first success of a process also clears what an earlier process left behind.
        if !(self.sign_in || self.limited || !self.first_clear_done) {
            return;
        }
        let _ = store.write(|tx| {
            remote::set_state(tx, status::NEEDS_SIGN_IN, None)?;
            remote::set_state(tx, status::RATE_LIMITED_UNTIL, None)?;
            remote::set_state(tx, status::LAST_ERROR_KIND, None)
        });
        *self = Flags { first_clear_done: true, ..Flags::default() };
    }
}
