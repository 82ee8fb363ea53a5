//! The desktop app's core: everything the Tauri shell exposes, without Tauri. The shell only
//! turns these methods into commands and forwards `AppEvent`s to the window, so the behaviour is
//! tested here and in the shell's mock-runtime tests alike.

mod error;
mod exported;
mod gate;
pub mod hotplug;
mod keychain;
pub mod keys;
mod reminders;
mod sync;
mod sync_worker;
mod talk;

pub use error::DesktopError;
pub use exported::Exported;
pub use gate::{Gate, TalkMode};
pub use keychain::OsKeychain;
pub use keys::{KeyName, KeyStore, KeyStoreError, MemoryKeyStore};

use crate::audio::{self, Direction};
use crate::backend::host_lock::HostLock;
use crate::backend::Service;
use crate::config::{load_prompt_template, prompt, write_atomically, Settings};
use crate::launch::{self, Role};
use crate::session::SessionEvent;
use keys::KeyState;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What the window is told about, as it happens.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum AppEvent {
    Session(SessionEvent),
    Status(AppStatus),
    /// Where delivery to the hosted plane stands, whenever it changed.
    Sync(crate::sync::SyncStatus),
    /// The audio devices, whenever one was plugged in or out or a default changed.
    Devices(Devices),
    /// Tasks whose reminder came due (or came due while the app was closed); never empty.
    Reminders(crate::reminders::ReminderBatch),
}

pub type Notify = Arc<dyn Fn(AppEvent) + Send + Sync>;

/// Whether a microphone was found, and if not, why.
type Microphone = (bool, Option<String>);

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AppStatus {
    // A Deepgram key is saved (or in DEEPGRAM_API_KEY).
    pub has_key: bool,
    // The provider `agent.provider` resolves to has its key (or, on this computer, its models).
    pub can_talk: bool,
    /// What a conversation started now would run on: `local`, `deepgram`, `openai`, or `hosted`
    /// (Deepgram through the hosted plane the app syncs to).
    pub provider: String,
    /// The models for talking on this computer are installed.
    pub local_ready: bool,
    /// Why they are not usable, with how to install them.
    pub local_error: Option<String>,
    pub key_hint: Option<String>,
    /// Why the keychain could not be read, if it could not: the key is then unknown, not missing.
    pub key_error: Option<String>,
    // An OpenAI key is saved (or in OPENAI_API_KEY).
    pub has_openai_key: bool,
    pub openai_key_hint: Option<String>,
    /// Why the OpenAI key could not be read from the keychain, if it could not.
    pub openai_key_error: Option<String>,
    /// The hosted plane's token is saved (or in COMPANION_SYNC_TOKEN); only its hint is shown.
    pub has_sync_token: bool,
    pub sync_token_hint: Option<String>,
    pub sync_token_error: Option<String>,
    pub has_microphone: bool,
    pub microphone_error: Option<String>,
    pub talking: bool,
    pub session_id: Option<String>,
    pub state: Option<crate::session::SessionState>,
    pub mode: TalkMode,
    pub muted: bool,
    pub data_dir: String,
    pub version: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Devices {
    pub inputs: Vec<audio::DeviceInfo>,
    pub outputs: Vec<audio::DeviceInfo>,
    pub error: Option<String>,
}

pub struct App {
    data_dir: PathBuf,
    service: Service,
    keys: Arc<dyn KeyStore>,
    notify: Notify,
    talk: Mutex<talk::Talk>,
    /// The last microphone probe: found, or why not.
    microphone: Mutex<Option<Microphone>>,
    sync: sync_worker::SyncCtl,
    /// The daily retention sweep; only the host of conversations runs it.
    retention: Option<launch::RetentionTimer>,
    /// The reminder check, once started; only the host of conversations runs it.
    reminders: Mutex<Option<reminders::ReminderWatch>>,
    host: Option<HostLock>,
}

impl App {
    /// Opens the data dir as the session host: conversations a crash left open are marked
    /// interrupted (only if no other process hosts sessions here).
    pub fn open(data_dir: &Path, keys: Arc<dyn KeyStore>, notify: Notify) -> Result<App, DesktopError> {
        let opened = launch::open_dir(data_dir, keys::deepgram_source(keys.clone()), Role::Host)?;
        let (dir, service) = (opened.data_dir.clone(), opened.service.clone());
        let retention = match opened.host {
            Some(_) => Some(
                launch::RetentionTimer::start(service.clone(), launch::DAILY)
                    .map_err(|e| DesktopError::Io(format!("cannot start the retention sweep: {e}")))?,
            ),
            None => None,
        };
        Ok(App {
            data_dir: opened.data_dir,
            service: opened.service,
            sync: sync_worker::SyncCtl::new(service, keys.clone(), dir, notify.clone()),
            keys,
            notify,
            talk: Mutex::new(talk::Talk::default()),
            microphone: Mutex::new(None),
            retention,
            reminders: Mutex::new(None),
            host: opened.host,
        })
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    /// The app's status, with the microphone looked for again (the UI's "Check again").
    pub fn status(&self) -> AppStatus {
        let microphone = self.probe_microphone();
        self.status_with(microphone)
    }

    fn probe_microphone(&self) -> Microphone {
        let found = match audio::device::list(Direction::Input) {
            Ok(list) if !list.is_empty() => (true, None),
            Ok(_) => {
                (false, Some("No microphone was found. Plug one in or check the sound settings.".into()))
            }
            Err(e) => (false, Some(e.to_string())),
        };
        *self.microphone.lock().unwrap_or_else(|p| p.into_inner()) = Some(found.clone());
        found
    }

    fn status_with(&self, (has_microphone, microphone_error): Microphone) -> AppStatus {
        let deepgram = KeyState::read(self.keys.as_ref(), KeyName::Deepgram);
        let openai = KeyState::read(self.keys.as_ref(), KeyName::Openai);
        let sync_token = sync::token_state(self);
        let (has_deepgram, has_openai) = (deepgram.key.is_some(), openai.key.is_some());
        let local_error = self.local_models().err().map(|e| e.to_string());
        let hosted = self.hosted_sync(has_deepgram).is_some();
        let kind = launch::choose_provider(&self.service.settings(), has_deepgram, has_openai).ok();
        let can_talk = match kind {
            _ if hosted => true,
            Some(launch::ProviderKind::Local) => local_error.is_none(),
            Some(launch::ProviderKind::Deepgram) => has_deepgram,
            Some(launch::ProviderKind::OpenAi) => has_openai,
            None => false,
        };
        let provider =
            if hosted { "hosted" } else { kind.map(launch::ProviderKind::name).unwrap_or_default() };
        let t = self.lock_talk();
        AppStatus {
            has_key: has_deepgram,
            can_talk,
            provider: provider.to_string(),
            local_ready: local_error.is_none(),
            local_error,
            key_hint: deepgram.hint(),
            key_error: deepgram.error,
            has_openai_key: has_openai,
            openai_key_hint: openai.hint(),
            openai_key_error: openai.error,
            has_sync_token: sync_token.key.is_some(),
            sync_token_hint: sync_token.hint(),
            sync_token_error: sync_token.error,
            has_microphone,
            microphone_error,
            talking: t.is_running(),
            session_id: t.session_id(),
            state: t.state(),
            mode: t.mode(),
            muted: t.muted(),
            data_dir: self.data_dir.display().to_string(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// Pushed on every state change of a conversation, so it reuses the last microphone probe:
    /// listing devices opens every ALSA plugin, work that has no place on each state change.
    fn announce(&self) {
        let cached = self.microphone.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let microphone = cached.unwrap_or_else(|| self.probe_microphone());
        (self.notify)(AppEvent::Status(self.status_with(microphone)));
    }

    /// Where this app's local voice models are (`COMPANION_MODELS_DIR` wins).
    pub fn models_dir(&self) -> PathBuf {
        crate::local::models_dir(Some(&self.data_dir)).unwrap_or_else(|_| self.data_dir.join("models"))
    }

    /// The installed models, checked (sizes only: cheap enough for every status).
    fn local_models(&self) -> Result<crate::local::ModelPaths, crate::local::ModelsError> {
        crate::local::ModelPaths::open(&self.models_dir())
    }

    pub fn settings(&self) -> Settings {
        self.service.settings()
    }

    pub fn save_settings(&self, s: Settings) -> Result<Settings, DesktopError> {
        s.validate().map_err(DesktopError::Invalid)?;
        s.save(&self.data_dir)?;
        self.service.set_settings(s.clone());
        // `can_talk` follows `agent.provider`; the sync worker follows `sync`.
        self.announce();
        self.sync.spawn_apply();
        // A shorter retention period applies now, not a day later.
        if let Some(r) = &self.retention {
            r.nudge();
        }
        // Reminders turned on or off, or a new default lead, apply now.
        self.wake_reminders();
        Ok(s)
    }

    pub fn prompt(&self) -> Result<String, DesktopError> {
        Ok(load_prompt_template(&self.data_dir)?)
    }

    /// Saves the user's persona; an empty one restores the default.
    pub fn save_prompt(&self, text: &str) -> Result<(), DesktopError> {
        let path = self.data_dir.join("voice_prompt.md");
        if text.trim().is_empty() {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(DesktopError::Io(format!("{}: {e}", path.display()))),
            }
            self.service.set_prompt_template(prompt::DEFAULT_TEMPLATE.to_string());
            return Ok(());
        }
        if text.len() > 64 * 1024 {
            return Err(DesktopError::Invalid("The persona prompt is longer than 64 KiB.".into()));
        }
        write_atomically(&path, text)
            .map_err(|e| DesktopError::Io(format!("cannot save {}: {e}", path.display())))?;
        self.service.set_prompt_template(text.to_string());
        Ok(())
    }

    pub fn devices(&self) -> Devices {
        let (inputs, e1) = split(audio::device::list(Direction::Input));
        let (outputs, e2) = split(audio::device::list(Direction::Output));
        Devices { inputs, outputs, error: e1.or(e2) }
    }

    fn lock_talk(&self) -> std::sync::MutexGuard<'_, talk::Talk> {
        self.talk.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn split(r: Result<Vec<audio::DeviceInfo>, audio::AudioError>) -> (Vec<audio::DeviceInfo>, Option<String>) {
    match r {
        Ok(v) => (v, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    }
}
