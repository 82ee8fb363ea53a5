//! The providers' API keys and the sync token in the OS keychain (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows), behind `KeyStore`: one entry per key. The
//! desktop app and the CLI (`companion sync`) share the entries.

use super::{KeyName, KeyStore, KeyStoreError};
use crate::config::secret::Secret;

const SERVICE: &str = "app.flux.companion";

pub struct OsKeychain;

fn account(name: KeyName) -> &'static str {
    match name {
        KeyName::Deepgram => "deepgram-api-key",
        KeyName::Openai => "openai-api-key",
        KeyName::Sync => "sync-token",
    }
}

fn entry(name: KeyName) -> Result<keyring::Entry, KeyStoreError> {
    keyring::Entry::new(SERVICE, account(name)).map_err(describe)
}

/// keyring's errors can quote what was stored; keep only the kind of failure.
fn describe(e: keyring::Error) -> KeyStoreError {
    KeyStoreError(match e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            "the system keychain could not be reached (is a Secret Service such as GNOME Keyring running?)"
                .into()
        }
        keyring::Error::NoEntry => "no key saved".into(),
        other => format!("keychain error ({})", kind(&other)),
    })
}

fn kind(e: &keyring::Error) -> &'static str {
    match e {
        keyring::Error::BadEncoding(_) => "bad encoding",
        keyring::Error::TooLong(..) => "too long",
        keyring::Error::Invalid(..) => "invalid",
        keyring::Error::Ambiguous(_) => "ambiguous",
        _ => "unknown",
    }
}

impl KeyStore for OsKeychain {
    fn get(&self, name: KeyName) -> Result<Option<Secret>, KeyStoreError> {
        match entry(name)?.get_password() {
            Ok(p) => Ok(Secret::new(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    fn set(&self, name: KeyName, key: &Secret) -> Result<(), KeyStoreError> {
        entry(name)?.set_password(key.expose()).map_err(describe)
    }

    fn clear(&self, name: KeyName) -> Result<(), KeyStoreError> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }
}
