//! Delivery of this computer's conversations to a hosted control plane (the hosted Flux
//! backend's REST contract): every session, message, intent and close reaches the plane once,
//! in the local order, in the background, and nothing in this room can fail a local write.
//!
//! The outbox is written by the store itself (triggers, in the same transaction as the write),
//! `Engine` delivers it one step at a time, `worker` drives the engine (wake-ups, backoff,
//! status), `client` speaks the plane's routes and sorts its answers, `reconcile` settles an
//! unknown outcome by reading the plane's copy, `status` tells the user where things stand.

mod acked;
mod backoff;
pub mod client;
mod engine;
mod failures;
mod lock;
pub mod manage;
mod reconcile;
mod remaining;
pub mod status;
mod worker;

pub use client::{FixedToken, PlaneClient, PlaneError, TokenSource};
pub use engine::{Budget, Engine, Step};
pub use lock::SyncLock;
pub use status::{SyncState, SyncStatus};
pub use worker::{DrainEnd, Progress, Sync};

use crate::store::StoreError;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Plane(#[from] PlaneError),
    #[error("sync could not read or write this computer's database: {0}")]
    Store(#[from] StoreError),
    #[error(
        "the plane allows at most {max} new sessions per {per}; the next one can be created at {}",
        crate::time::format_utc(*.until)
    )]
    Budget { until: DateTime<Utc>, max: u32, per: &'static str },
    #[error("sync could not record a delivered message on this computer: {0}")]
    Record(String),
    #[error("sync is not set up: {0}")]
    NotConfigured(String),
}

/// What the sync needs to know, resolved from the settings and the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncConfig {
    pub url: String,
    /// The user id on the plane.
    pub user_id: String,
    pub budget: Budget,
}

impl SyncConfig {
    pub fn from_settings(s: &crate::config::Settings) -> Option<SyncConfig> {
        let url = s.sync.url.trim();
        if url.is_empty() {
            return None;
        }
        let user = s.sync.user_id.trim();
        Some(SyncConfig {
            url: url.to_string(),
            user_id: if user.is_empty() { s.user.id.clone() } else { user.to_string() },
            budget: Budget {
                per_10_minutes: s.sync.sessions_per_10_minutes,
                per_day: s.sync.sessions_per_day,
            },
        })
    }
}
