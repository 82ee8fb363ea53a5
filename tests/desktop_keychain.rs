//! A keychain that cannot be read is said as such, with its reason, in the app's status and when
//! a token is asked for; it is never passed off as "no key yet".

use companion::config::secret::Secret;
use companion::desktop::{App, KeyStore, KeyStoreError};
use std::sync::Arc;

struct LockedKeychain;

impl KeyStore for LockedKeychain {
    fn get(&self) -> Result<Option<Secret>, KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
    fn set(&self, _: &Secret) -> Result<(), KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
    fn clear(&self) -> Result<(), KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
}

#[tokio::test]
async fn an_unreadable_keychain_is_reported_with_its_reason() {
    std::env::remove_var("DEEPGRAM_API_KEY");
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Arc::new(LockedKeychain), Arc::new(|_| {})).unwrap();

    let st = app.status();
    assert!(!st.has_key);
    let why = st.key_error.expect("the status says the keychain failed");
    assert!(why.contains("keychain") && why.contains("the collection is locked"), "{why}");

    assert!(app.service().key_status().is_err());
    let err = app.service().mint_token().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("could not be read") && text.contains("the collection is locked"), "{text}");
    assert!(!text.contains("no Deepgram API key"), "{text}");
    assert_eq!(err.status(), 503);

    let app = Arc::new(app);
    let refused = app.clone().start_talk(companion::desktop::TalkMode::HandsFree).await.unwrap_err();
    let text = refused.to_string();
    assert!(text.contains("keychain") && text.contains("the collection is locked"), "{text}");
    assert!(!text.contains("No Deepgram API key yet"), "{text}");
}
