//! Where the providers' API keys live. The desktop shell provides the OS keychain; tests use
//! memory. A key is only ever read to mint a short-lived token or client secret; what the UI sees
//! is a hint (its last 4 chars).

use super::{App, AppStatus, DesktopError};
use crate::backend::token::{KeyLookup, KeySource, KeyUnreadable};
use crate::config::secret::Secret;
use crate::openai::KeyFn;
use crate::voice::Credential;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Which provider's key: each one is a separate keychain entry.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyName {
    Deepgram,
    Openai,
    /// The bearer token of the hosted plane that conversations are synced to.
    Sync,
}

impl KeyName {
    /// The environment variable that stands in for a key the keychain does not hold.
    pub fn env_var(self) -> &'static str {
        match self {
            KeyName::Deepgram => "DEEPGRAM_API_KEY",
            KeyName::Openai => crate::openai::KEY_ENV,
            KeyName::Sync => "COMPANION_SYNC_TOKEN",
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("the keychain is not available: {0}")]
pub struct KeyStoreError(pub String);

pub trait KeyStore: Send + Sync {
    fn get(&self, name: KeyName) -> Result<Option<Secret>, KeyStoreError>;
    fn set(&self, name: KeyName, key: &Secret) -> Result<(), KeyStoreError>;
    fn clear(&self, name: KeyName) -> Result<(), KeyStoreError>;
}

#[derive(Default)]
pub struct MemoryKeyStore(Mutex<HashMap<KeyName, Secret>>);

impl MemoryKeyStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<KeyName, Secret>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self, name: KeyName) -> Result<Option<Secret>, KeyStoreError> {
        Ok(self.lock().get(&name).cloned())
    }
    fn set(&self, name: KeyName, key: &Secret) -> Result<(), KeyStoreError> {
        self.lock().insert(name, key.clone());
        Ok(())
    }
    fn clear(&self, name: KeyName) -> Result<(), KeyStoreError> {
        self.lock().remove(&name);
        Ok(())
    }
}

/// "…a1b2": enough to recognise which key is saved, useless to anyone reading the screen.
pub fn hint(key: &Secret) -> String {
    let chars: Vec<char> = key.expose().chars().collect();
    if chars.len() < 12 {
        return "…".into();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("…{tail}")
}

/// Checks a pasted key before it is stored. Deepgram keys are long hex/alphanumeric strings;
/// OpenAI keys start with `sk-` and are letters, digits, `-` and `_`.
pub fn validate(name: KeyName, raw: &str) -> Result<Secret, String> {
    let key = Secret::new(raw).ok_or("The key is empty.")?;
    let k = key.expose();
    let charset = k.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    match name {
        KeyName::Deepgram if k.len() < 20 || k.len() > 200 || !charset => {
            Err("That does not look like a Deepgram API key (letters and digits, at least 20).".into())
        }
        KeyName::Openai if !k.starts_with("sk-") || k.len() < 20 || k.len() > 400 || !charset => {
            Err("That does not look like an OpenAI API key (it starts with sk-, at least 20 characters)."
                .into())
        }
        KeyName::Sync if k.len() < 8 || k.len() > 4096 || !k.chars().all(|c| c.is_ascii_graphic()) => {
            Err("That does not look like a sync token (at least 8 characters, no spaces).".into())
        }
        _ => Ok(key),
    }
}

/// The saved key, else its environment variable. A keychain that cannot be read is an error
/// only when the variable does not stand in for it, since then the key the user saved is out of
/// reach.
pub(super) fn saved_or_env(keys: &dyn KeyStore, name: KeyName) -> Result<Option<Secret>, KeyUnreadable> {
    match keys.get(name) {
        Ok(Some(key)) => Ok(Some(key)),
        Ok(None) => Ok(Secret::from_env(name.env_var())),
        Err(e) => Secret::from_env(name.env_var()).map(Some).ok_or_else(|| KeyUnreadable(e.to_string())),
    }
}

/// The Deepgram key for the service: the keychain first, then `DEEPGRAM_API_KEY`, looked up at
/// every mint.
pub(super) fn deepgram_source(keys: Arc<dyn KeyStore>) -> KeySource {
    Arc::new(Keychain(keys))
}

struct Keychain(Arc<dyn KeyStore>);

impl KeyLookup for Keychain {
    fn lookup(&self) -> Result<Option<Secret>, KeyUnreadable> {
        saved_or_env(self.0.as_ref(), KeyName::Deepgram)
    }
}

/// The OpenAI key for minting client secrets: the keychain first, then `OPENAI_API_KEY`, looked
/// up at every mint. An unreadable keychain reads as no key here; `start_talk` reports it first.
pub(super) fn openai_source(keys: Arc<dyn KeyStore>) -> KeyFn {
    Arc::new(move || {
        saved_or_env(keys.as_ref(), KeyName::Openai).ok().flatten().map(|k| Credential::new(k.expose()))
    })
}

/// One key as the status shows it: set (with its hint), or why it could not be read.
pub(super) struct KeyState {
    pub key: Option<Secret>,
    pub error: Option<String>,
}

impl KeyState {
    pub fn read(keys: &dyn KeyStore, name: KeyName) -> KeyState {
        match saved_or_env(keys, name) {
            Ok(key) => KeyState { key, error: None },
            Err(e) => KeyState { key: None, error: Some(e.to_string()) },
        }
    }
    pub fn hint(&self) -> Option<String> {
        self.key.as_ref().map(hint)
    }
}

impl App {
    pub fn set_api_key(&self, name: KeyName, raw: &str) -> Result<AppStatus, DesktopError> {
        let key = validate(name, raw).map_err(DesktopError::Invalid)?;
        self.keys.set(name, &key)?;
        self.key_changed(name);
        self.announce();
        Ok(self.status())
    }

    pub fn clear_api_key(&self, name: KeyName) -> Result<AppStatus, DesktopError> {
        self.keys.clear(name)?;
        self.key_changed(name);
        self.announce();
        Ok(self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_never_reveal_the_key() {
        let k = Secret::new("0123456789abcdef0123a1b2").unwrap();
        assert_eq!(hint(&k), "…a1b2");
        assert_eq!(hint(&Secret::new("short").unwrap()), "…");
        assert!(validate(KeyName::Deepgram, "  ").is_err());
        assert!(validate(KeyName::Deepgram, "has spaces in it and is long enough").is_err());
        assert!(validate(KeyName::Deepgram, "0123456789abcdef0123a1b2").is_ok());
    }

    #[test]
    fn openai_keys_start_with_sk() {
        assert!(validate(KeyName::Openai, "sk-proj-0123456789abcdef_XYZ-9").is_ok());
        assert!(validate(KeyName::Openai, "0123456789abcdef0123a1b2").is_err());
        assert!(validate(KeyName::Openai, "sk-short").is_err());
        assert!(validate(KeyName::Openai, "sk-has spaces in it and is long").is_err());
    }

    #[test]
    fn each_key_has_its_own_entry() {
        let store = MemoryKeyStore::default();
        let k = Secret::new("sk-0123456789abcdefghij").unwrap();
        store.set(KeyName::Openai, &k).unwrap();
        assert_eq!(store.get(KeyName::Openai).unwrap(), Some(k));
        assert_eq!(store.get(KeyName::Deepgram).unwrap(), None);
        store.clear(KeyName::Openai).unwrap();
        assert_eq!(store.get(KeyName::Openai).unwrap(), None);
    }
}
