//! Wiring the sync: where the plane's token comes from, and the background worker that `talk`,
//! `serve` and the desktop app run while `sync.enabled` is on. One process per data dir
//! delivers at a time (the sync lock); the others leave it to that one.

use std::path::Path;
use std::sync::Arc;

use crate::config::secret::Secret;
use crate::desktop::{KeyName, KeyStore};
use crate::store::Store;
use crate::sync::{Sync, SyncConfig, SyncLock, TokenSource};
use crate::time::Clock;

/// The plane's bearer token: the environment and the keychain, in the order the front door
/// wants (the CLI reads `COMPANION_SYNC_TOKEN` first, the app its keychain first).
pub struct SyncToken {
    keys: Arc<dyn KeyStore>,
    env_first: bool,
}

impl SyncToken {
    pub fn env_first(keys: Arc<dyn KeyStore>) -> Self {
        SyncToken { keys, env_first: true }
    }

    pub fn keychain_first(keys: Arc<dyn KeyStore>) -> Self {
        SyncToken { keys, env_first: false }
    }
}

impl TokenSource for SyncToken {
    fn token(&self) -> Result<Option<Secret>, String> {
        let env = || Secret::from_env(KeyName::Sync.env_var());
        if self.env_first {
            if let Some(t) = env() {
                return Ok(Some(t));
            }
            return self.keys.get(KeyName::Sync).map_err(|e| e.to_string());
        }
        match self.keys.get(KeyName::Sync) {
            Ok(Some(t)) => Ok(Some(t)),
            Ok(None) => Ok(env()),
            Err(e) => env().map(Some).ok_or_else(|| e.to_string()),
        }
    }
}

/// A running background delivery; dropping it stops the worker.
pub struct Background {
    pub sync: Sync,
    _lock: SyncLock,
}

impl Drop for Background {
    fn drop(&mut self) {
        self.sync.stop();
    }
}

/// Starts delivering in the background when a plane is set up and `sync.enabled` is on, and
/// no other process of this data dir is doing it already.
pub fn start_background(
    data_dir: &Path,
    store: Arc<Store>,
    settings: &crate::config::Settings,
    token: Arc<dyn TokenSource>,
    rt: &tokio::runtime::Handle,
) -> Option<Background> {
    if !settings.sync.enabled {
        return None;
    }
    let config = SyncConfig::from_settings(settings)?;
    let lock = match SyncLock::try_acquire(data_dir) {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            tracing::info!("another process is syncing this data dir");
            return None;
        }
        Err(e) => {
            tracing::warn!("sync: cannot take the sync lock: {e}");
            return None;
        }
    };
    let sync = Sync::new(store, &config, token, Clock::System);
    sync.spawn(rt);
    Some(Background { sync, _lock: lock })
}
