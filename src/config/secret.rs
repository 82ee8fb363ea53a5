//! Secrets (API keys, tokens) in a type that never prints itself, so it cannot reach a log line,
//! an error message or an export by accident.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let v = value.into();
        let v = v.trim();
        (!v.is_empty()).then(|| Secret(v.to_string()))
    }

    /// The only way to the value: call it where the secret is actually sent.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn from_env(name: &str) -> Option<Self> {
        std::env::var(name).ok().and_then(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Constant-time comparison, so a wrong bearer token cannot be found byte by byte by timing.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("dg_live_abc").unwrap();
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert!(Secret::new("   ").is_none());
        assert!(same_secret(b"abc", b"abc") && !same_secret(b"abc", b"abd") && !same_secret(b"ab", b"abc"));
    }
}
