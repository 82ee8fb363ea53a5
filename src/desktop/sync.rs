//! What the window can do about sync: read the status, "Sync now", set the plane (URL, user,
//! background delivery, mode), keep its token in the keychain (only a hint ever comes back),
//! turn sync on with or without the history, and retry or drop what waits for the user.

use super::keys::{self, KeyName};
use super::{App, AppStatus, DesktopError};
use crate::config::SyncMode;
use crate::store::outbox::ItemKind;
use crate::sync::{manage, SyncConfig, SyncStatus};

/// The longest user id our own plane accepts (`companion serve`); refused here, it is said at
/// once instead of quarantining every conversation.
const MAX_USER_ID: usize = 128;

impl App {
    /// Starts delivering in the background if the settings say so, and the status pushes to the
    /// window. The shell calls it once, with its runtime.
    pub fn start_sync(&self, rt: tokio::runtime::Handle) {
        self.sync.attach(rt);
    }

    pub fn sync_status(&self) -> Result<SyncStatus, DesktopError> {
        self.sync.status()
    }

    /// Delivers now: kicks the worker, or with background sync off, delivers for a while.
    pub async fn sync_now(&self) -> Result<(), DesktopError> {
        self.sync.sync_now().await
    }

    /// Saves where and as whom to sync, and whether to deliver in the background; the worker is
    /// started, restarted or stopped to match before this returns.
    pub async fn set_sync_settings(
        &self,
        url: &str,
        user_id: &str,
        enabled: bool,
        mode: SyncMode,
    ) -> Result<SyncStatus, DesktopError> {
        let url = check_url(url)?;
        let user_id = check_user(user_id)?;
        if enabled && url.is_empty() {
            return Err(DesktopError::Invalid("Enter the hosted plane's URL to turn sync on.".into()));
        }
        let mut s = self.service.settings();
        s.sync.url = url;
        s.sync.user_id = user_id;
        s.sync.enabled = enabled;
        s.sync.mode = mode;
        self.save_settings(s)?;
        self.sync.apply().await;
        self.sync.status()
    }

    /// Turns background sync on. `send_history: false` keeps everything said before on this
    /// computer only ("only from now on"); true sends it too.
    pub async fn enable_sync(&self, send_history: bool) -> Result<SyncStatus, DesktopError> {
        let mut s = self.service.settings();
        if SyncConfig::from_settings(&s).is_none() {
            return Err(DesktopError::Invalid("Enter the hosted plane's URL to turn sync on.".into()));
        }
        if !send_history {
            let n = manage::skip_history(self.service.store()).map_err(store_error)?;
            tracing::info!("sync turned on without the history: {n} item(s) stay on this computer");
        }
        s.sync.enabled = true;
        self.save_settings(s)?;
        self.sync.apply().await;
        self.sync.status()
    }

    /// Keeps the plane's token in the keychain and tries again at once (a token that was refused
    /// is the usual reason to save a new one).
    pub fn save_sync_token(&self, raw: &str) -> Result<AppStatus, DesktopError> {
        self.set_api_key(KeyName::Sync, raw)
    }

    pub fn clear_sync_token(&self) -> Result<AppStatus, DesktopError> {
        self.clear_api_key(KeyName::Sync)
    }

    /// A key was saved or removed: the sync token is read at every request, so a kick is enough.
    pub(super) fn key_changed(&self, name: KeyName) {
        if name == KeyName::Sync {
            self.sync.kick();
        }
    }

    /// Puts a refused item (or all of them, with `None`) back in line.
    pub fn sync_retry(&self, id: Option<i64>) -> Result<SyncStatus, DesktopError> {
        let n = manage::retry_item(self.service.store(), id).map_err(store_error)?;
        if n == 0 {
            return Err(match id {
                Some(id) => DesktopError::Invalid(format!("Item {id} is not waiting for you any more.")),
                None => DesktopError::Invalid("No item is waiting for you.".into()),
            });
        }
        self.sync.kick();
        self.sync.status()
    }

    /// Drops a refused item for good: the plane will not get it. A refused session opening takes
    /// its conversation's other items with it: none of them could reach the plane without it,
    /// and each would otherwise wait for the user in turn.
    pub fn sync_discard(&self, id: i64) -> Result<SyncStatus, DesktopError> {
        let store = self.service.store();
        let refused = self.sync.status()?.quarantined.into_iter().find(|q| q.id == id);
        let found = match refused {
            Some(q) if q.kind == ItemKind::Open => {
                manage::discard_session(store, &q.conversation_id, self.service.clock())
                    .map_err(store_error)?;
                true
            }
            _ => manage::discard_item(store, id).map_err(store_error)?,
        };
        if !found {
            return Err(DesktopError::Invalid(format!("There is no item {id} waiting to be synced.")));
        }
        self.sync.kick();
        self.sync.status()
    }

    /// Sends a conversation whose session the plane lost again.
    pub fn sync_retry_session(&self, conversation_id: &str) -> Result<SyncStatus, DesktopError> {
        let store = self.service.store();
        if !manage::retry_session(store, conversation_id, self.service.clock()).map_err(store_error)? {
            return Err(DesktopError::Invalid(format!(
                "Conversation {conversation_id} has no lost session to retry."
            )));
        }
        self.sync.kick();
        self.sync.status()
    }

    /// Gives up on what a lost conversation still owes the plane (it stays on this computer).
    pub fn sync_discard_session(&self, conversation_id: &str) -> Result<SyncStatus, DesktopError> {
        manage::discard_session(self.service.store(), conversation_id, self.service.clock())
            .map_err(store_error)?;
        self.sync.kick();
        self.sync.status()
    }
}

fn store_error(e: crate::store::StoreError) -> DesktopError {
    DesktopError::Io(e.to_string())
}

/// An http(s) URL with a host, or empty (no plane). A token belongs in the token field: a URL
/// with credentials would put a secret in settings.yaml, so it is refused.
fn check_url(raw: &str) -> Result<String, DesktopError> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let bad = |why: &str| DesktopError::Invalid(format!("The plane's URL {why}."));
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(bad("must start with https:// or http://"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&format!("is not valid ({e})")))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host name"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("must not contain a user name or password: paste the token in its own field"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("must not have a query (?…) or fragment (#…): use the plane's base URL"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Empty (the user id of this computer) or a plain id.
fn check_user(raw: &str) -> Result<String, DesktopError> {
    let user = raw.trim();
    if user.chars().count() > MAX_USER_ID || user.chars().any(char::is_control) {
        return Err(DesktopError::Invalid(format!(
            "The user id on the plane must be at most {MAX_USER_ID} characters, on one line."
        )));
    }
    Ok(user.to_string())
}

impl App {
    /// The background sync when conversations should start on the hosted plane (`sync.mode`,
    /// a token, and no Deepgram key for `auto`). The app's hosted conversations go through its
    /// running worker, so hosted mode needs background sync on.
    pub(super) fn hosted_sync(&self, has_deepgram: bool) -> Option<crate::sync::Sync> {
        let sync = self.sync.background()?;
        let token = token_state(self).key.is_some();
        crate::launch::hosted_wanted(&self.service.settings(), has_deepgram, token).then_some(sync)
    }
}

/// The token as the status shows it: whether one is set (keychain, else `COMPANION_SYNC_TOKEN`),
/// its hint, or why the keychain could not be read.
pub(super) fn token_state(app: &App) -> keys::KeyState {
    keys::KeyState::read(app.keys.as_ref(), KeyName::Sync)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_with_reasons() {
        assert_eq!(check_url("  https://plane.example/ ").unwrap(), "https://plane.example");
        assert_eq!(check_url("http://127.0.0.1:8765").unwrap(), "http://127.0.0.1:8765");
        assert_eq!(check_url("").unwrap(), "");
        let err = |u: &str| check_url(u).unwrap_err().to_string();
        assert!(err("ftp://plane.example").contains("https://"), "{}", err("ftp://plane.example"));
        assert!(err("plane.example").contains("https://"));
        assert!(err("https://").contains("not valid") || err("https://").contains("host"));
        let creds = err("https://me:s3cret-token@plane.example");
        assert!(creds.contains("token in its own field") && !creds.contains("s3cret"), "{creds}");
        assert!(err("https://plane.example/?token=abc").contains("query"));
    }

    #[test]
    fn user_ids_are_one_short_line() {
        assert_eq!(check_user("  ana ").unwrap(), "ana");
        assert_eq!(check_user("").unwrap(), "");
        assert!(check_user("ana\nbob").is_err());
        assert!(check_user(&"x".repeat(129)).is_err());
    }
}
