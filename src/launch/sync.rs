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
    task: Option<tokio::task::JoinHandle<()>>,
    /// `None` when another process delivers this data dir (then this one does not).
    lock: Option<SyncLock>,
    store: Arc<Store>,
}

impl Background {
    /// Waits (at most `max`) until the plane has everything: a process that is about to exit
    /// gives its last words and the close their chance. What is left goes with the next sync.
    pub async fn settle(&self, max: std::time::Duration) {
        let until = std::time::Instant::now() + max;
        while std::time::Instant::now() < until {
            match self.store.read(crate::store::outbox::pending) {
                Ok(p) if p.items > 0 => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                _ => return,
            }
        }
    }

    pub fn delivers(&self) -> bool {
        self.lock.is_some()
    }

    /// Stops the worker and waits (up to `grace`) for its request in flight to end before the
    /// sync lock is released: another worker started right after must not send beside it.
    /// Past `grace` the task is cancelled, which the engine survives like a killed process.
    pub async fn shutdown(mut self, grace: std::time::Duration) {
        self.sync.stop();
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(grace, &mut task).await.is_err() {
                task.abort();
                let _ = task.await;
            }
        }
    }
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
    let sync = Sync::new(store.clone(), &config, token, Clock::System);
    let task = sync.spawn(rt);
    Some(Background { sync, task: Some(task), lock: Some(lock), store })
}

/// For hosted mode: the sync of this data dir, delivering from this process unless another one
/// already does (whatever `sync.enabled` says: a hosted conversation is delivered as it goes).
pub fn start_for_hosted(
    data_dir: &Path,
    store: Arc<Store>,
    config: &SyncConfig,
    token: Arc<dyn TokenSource>,
    rt: &tokio::runtime::Handle,
) -> Background {
    let lock = SyncLock::try_acquire(data_dir).ok().flatten();
    let sync = Sync::new(store.clone(), config, token, Clock::System);
    let task = lock.is_some().then(|| sync.spawn(rt));
    Background { sync, task, lock, store }
}

/// Whether conversations should start on the hosted plane: `sync.mode: hosted` with a plane
/// and a token, or `auto` with the automatic provider, a plane and a token and no Deepgram key.
pub fn hosted_wanted(settings: &crate::config::Settings, deepgram_key: bool, plane_ready: bool) -> bool {
    use crate::config::{ProviderChoice, SyncMode};
    if !plane_ready {
        return false;
    }
    match (settings.sync.mode, settings.agent.provider) {
        (SyncMode::Hosted, ProviderChoice::Auto | ProviderChoice::Deepgram) => true,
        (SyncMode::Auto, ProviderChoice::Auto) => !deepgram_key,
        _ => false,
    }
}
