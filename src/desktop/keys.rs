//! Where the Deepgram key lives. The desktop shell provides the OS keychain; tests use memory.
//! The key is only ever read to mint a token; what the UI sees is a hint (its last 4 chars).

use crate::config::secret::Secret;
use std::sync::Mutex;

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("the keychain is not available: {0}")]
pub struct KeyStoreError(pub String);

pub trait KeyStore: Send + Sync {
    fn get(&self) -> Result<Option<Secret>, KeyStoreError>;
    fn set(&self, key: &Secret) -> Result<(), KeyStoreError>;
    fn clear(&self) -> Result<(), KeyStoreError>;
}

#[derive(Default)]
pub struct MemoryKeyStore(Mutex<Option<Secret>>);

impl KeyStore for MemoryKeyStore {
    fn get(&self) -> Result<Option<Secret>, KeyStoreError> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }
    fn set(&self, key: &Secret) -> Result<(), KeyStoreError> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(key.clone());
        Ok(())
    }
    fn clear(&self) -> Result<(), KeyStoreError> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
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

/// Checks a pasted key before it is stored: Deepgram keys are long hex/alphanumeric strings.
pub fn validate(raw: &str) -> Result<Secret, String> {
    let key = Secret::new(raw).ok_or("The key is empty.")?;
    let k = key.expose();
    if k.len() < 20 || k.len() > 200 || !k.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err("That does not look like a Deepgram API key (letters and digits, at least 20).".into());
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_never_reveal_the_key() {
        let k = Secret::new("0123456789abcdef0123a1b2").unwrap();
        assert_eq!(hint(&k), "…a1b2");
        assert_eq!(hint(&Secret::new("short").unwrap()), "…");
        assert!(validate("  ").is_err());
        assert!(validate("has spaces in it and is long enough").is_err());
        assert!(validate("0123456789abcdef0123a1b2").is_ok());
    }
}
