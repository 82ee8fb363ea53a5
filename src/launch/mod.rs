//! Wiring: the one place that assembles the product from its rooms. It opens a data dir
//! (settings, store, catalogue, prompt, service, and — for processes that host conversations —
//! the host lock and the sweep of conversations a crash left open), opens the audio devices,
//! and starts a conversation with a chosen voice provider. The CLI and the desktop app are thin
//! front doors over it; the session room never sees a concrete device, provider or store.

mod control;
mod devices;
mod hosted;
mod provider;
mod retention;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::backend::host_lock::HostLock;
use crate::backend::token::KeySource;
use crate::backend::{ApiError, Service, ServiceParts};
use crate::config::catalog::Catalog;
use crate::config::{load_prompt_template, resolve_data_dir, ConfigError, Settings};
use crate::store::Store;
use crate::time::Clock;

pub use control::ServiceControl;
pub use devices::{device_from_setting, frame_spec, open_devices, DeviceChoice, MicCapture};
pub use hosted::HostedPlane;
pub use provider::{
    check_agent_url, check_openai_url, choose_provider, deepgram_provider, local_provider, openai_env_key,
    openai_provider, openai_secrets, wire, wire_hosted, ProviderKind, Wired,
};
pub use retention::{RetentionTimer, DAILY};
pub use sync::{hosted_wanted, start_background, start_for_hosted, Background, SyncToken};

/// Why the product could not be put together.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] crate::store::StoreError),
    #[error(transparent)]
    Store(#[from] ApiError),
    #[error("cannot take the session lock: {0}")]
    HostLock(std::io::Error),
    #[error("cannot open the audio input: {0}")]
    Input(crate::audio::AudioError),
    #[error("cannot open the audio output: {0}")]
    Output(crate::audio::AudioError),
    #[error("bad agent URL {url:?}: it must start with wss:// (check COMPANION_DEEPGRAM_AGENT_URL or settings.yaml)")]
    BadAgentUrl { url: String },
    #[error("bad OpenAI URL {url:?}: it must start with https:// or http:// (check COMPANION_OPENAI_URL or settings.yaml)")]
    BadOpenAiUrl { url: String },
    #[error("{0}")]
    ProviderUnavailable(String),
}

/// Whether this process will host live conversations (and so may sweep abandoned ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Review commands: read and manage, never declare a conversation dead.
    Reader,
    /// `talk`, `serve` and the desktop app.
    Host,
}

/// An opened data dir.
pub struct Opened {
    pub data_dir: PathBuf,
    pub service: Service,
    /// Held for the life of the process when it hosts conversations and no other process does.
    pub host: Option<HostLock>,
    /// Conversations a crash had left open, now marked interrupted.
    pub swept: usize,
    /// Conversations older than the retention period, deleted when this process became the host.
    pub expired: usize,
}

/// Opens the data dir at `flag` (or the default one) with `key` as the Deepgram key source.
pub fn open(flag: Option<&Path>, key: KeySource, role: Role) -> Result<Opened, LaunchError> {
    let data_dir = resolve_data_dir(flag)?;
    open_dir(&data_dir, key, role)
}

/// Opens the data dir at `data_dir`.
pub fn open_dir(data_dir: &Path, key: KeySource, role: Role) -> Result<Opened, LaunchError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|source| LaunchError::DataDir { path: data_dir.display().to_string(), source })?;
    let settings = Settings::load(data_dir)?;
    let store = Store::open_in(data_dir)?;
    let service = Service::new(ServiceParts {
        store: Arc::new(store),
        settings,
        catalog: Catalog::builtin(),
        prompt_template: load_prompt_template(data_dir)?,
        key,
        clock: Clock::System,
    });
    let mut opened = Opened { data_dir: data_dir.to_path_buf(), service, host: None, swept: 0, expired: 0 };
    if role == Role::Host {
        opened.become_host()?;
    }
    Ok(opened)
}

impl Opened {
    /// Takes the host lock (if no other process holds it), marks the conversations a crash
    /// left open as interrupted, then deletes those older than the retention period. Only the
    /// host of live conversations may decide that an open one is dead; a second process simply
    /// does not sweep.
    pub fn become_host(&mut self) -> Result<(), LaunchError> {
        if self.host.is_some() {
            return Ok(());
        }
        self.host = HostLock::try_acquire(&self.data_dir).map_err(LaunchError::HostLock)?;
        if self.host.is_some() {
            self.swept = self.service.sweep_interrupted()?;
            if self.swept > 0 {
                tracing::warn!(
                    "{} session(s) left open by an earlier run were marked interrupted",
                    self.swept
                );
            }
            self.expired = retention::sweep(&self.service);
        }
        Ok(())
    }
}
