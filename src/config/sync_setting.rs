//! The `sync:` settings: which hosted control plane conversations are delivered to, and how.

use serde::{Deserialize, Serialize};

/// Delivery to a hosted control plane. The bearer token is a secret and never lives here: the
/// app keeps it in the OS keychain, the CLI reads `COMPANION_SYNC_TOKEN` first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SyncSettings {
    /// Deliver in the background while the app, `talk` or `serve` runs.
    pub enabled: bool,
    /// The plane's base URL (`COMPANION_SYNC_URL` overrides it); empty: no plane.
    pub url: String,
    /// The user id on the plane; empty: `user.id`.
    pub user_id: String,
    pub mode: SyncMode,
    /// The plane's limits on new sessions, which the client never exceeds.
    pub sessions_per_10_minutes: u32,
    pub sessions_per_day: u32,
}

/// Whether conversations start through the plane (its token and config) or only reach it
/// afterwards.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SyncMode {
    /// Hosted when a plane is set up and no Deepgram key is, with the automatic provider.
    #[default]
    Auto,
    Hosted,
    Background,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            enabled: false,
            url: String::new(),
            user_id: String::new(),
            mode: SyncMode::Auto,
            sessions_per_10_minutes: 5,
            sessions_per_day: 20,
        }
    }
}
