//! The Deepgram key in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), behind the core's `KeyStore`.

use companion::config::secret::Secret;
use companion::desktop::{KeyStore, KeyStoreError};

const SERVICE: &str = "app.flux.companion";
const ACCOUNT: &str = "deepgram-api-key";

pub struct OsKeychain;

fn entry() -> Result<keyring::Entry, KeyStoreError> {
    keyring::Entry::new(SERVICE, ACCOUNT).map_err(describe)
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
    fn get(&self) -> Result<Option<Secret>, KeyStoreError> {
        match entry()?.get_password() {
            Ok(p) => Ok(Secret::new(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    fn set(&self, key: &Secret) -> Result<(), KeyStoreError> {
        entry()?.set_password(key.expose()).map_err(describe)
    }

    fn clear(&self) -> Result<(), KeyStoreError> {
        match entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }
}
