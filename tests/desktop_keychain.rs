//! Each provider's key has its own keychain entry, shown back only as a hint. A keychain that
//! cannot be read is said as such, with its reason, in the app's status and when a token is
//! asked for; it is never passed off as "no key yet".

use companion::config::secret::Secret;
use companion::config::ProviderChoice;
use companion::desktop::{App, KeyName, KeyStore, KeyStoreError, MemoryKeyStore, TalkMode};
use std::sync::Arc;
use tokio::sync::{Mutex, MutexGuard};

/// The tests change the keys' environment variables, which the whole process shares.
static ENV: Mutex<()> = Mutex::const_new(());

async fn no_env_keys() -> MutexGuard<'static, ()> {
    let guard = ENV.lock().await;
    std::env::remove_var("DEEPGRAM_API_KEY");
    std::env::remove_var("OPENAI_API_KEY");
    // The voice models of the test machine must not make `auto` talk on this computer here.
    std::env::remove_var("COMPANION_MODELS_DIR");
    guard
}

struct LockedKeychain;

impl KeyStore for LockedKeychain {
    fn get(&self, _: KeyName) -> Result<Option<Secret>, KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
    fn set(&self, _: KeyName, _: &Secret) -> Result<(), KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
    fn clear(&self, _: KeyName) -> Result<(), KeyStoreError> {
        Err(KeyStoreError("the collection is locked".into()))
    }
}

fn use_provider(app: &App, choice: ProviderChoice) {
    let mut s = app.settings();
    s.agent.provider = choice;
    app.save_settings(s).unwrap();
}

#[tokio::test]
async fn an_unreadable_keychain_is_reported_with_its_reason() {
    let _env = no_env_keys().await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path(), Arc::new(LockedKeychain), Arc::new(|_| {})).unwrap();

    let st = app.status();
    assert!(!st.has_key && !st.has_openai_key && !st.can_talk);
    let why = st.key_error.expect("the status says the keychain failed");
    assert!(why.contains("keychain") && why.contains("the collection is locked"), "{why}");
    let why = st.openai_key_error.expect("the status says the keychain failed for OpenAI too");
    assert!(why.contains("keychain") && why.contains("the collection is locked"), "{why}");

    assert!(app.service().key_status().is_err());
    let err = app.service().mint_token().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("could not be read") && text.contains("the collection is locked"), "{text}");
    assert!(!text.contains("no Deepgram API key"), "{text}");
    assert_eq!(err.status(), 503);

    let app = Arc::new(app);
    let refused = app.clone().start_talk(TalkMode::HandsFree).await.unwrap_err();
    let text = refused.to_string();
    assert!(text.contains("keychain") && text.contains("the collection is locked"), "{text}");
    assert!(!text.contains("No Deepgram API key yet"), "{text}");

    use_provider(&app, ProviderChoice::Openai);
    let text = app.clone().start_talk(TalkMode::HandsFree).await.unwrap_err().to_string();
    assert!(
        text.contains("OpenAI API key could not be read") && text.contains("the collection is locked"),
        "{text}"
    );

    // OPENAI_API_KEY stands in for the key the keychain cannot give.
    std::env::set_var("OPENAI_API_KEY", "sk-from-the-environment-0123cafe");
    let st = app.status();
    std::env::remove_var("OPENAI_API_KEY");
    assert!(st.has_openai_key && st.can_talk && st.openai_key_error.is_none());
    assert_eq!(st.openai_key_hint.as_deref(), Some("…cafe"));
    assert!(st.key_error.is_some(), "the Deepgram key is still out of reach");
}

#[tokio::test]
async fn the_openai_key_has_its_own_entry_and_is_shown_only_as_a_hint() {
    let _env = no_env_keys().await;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());
    let app = App::open(dir.path(), keys.clone(), Arc::new(|_| {})).unwrap();
    let st = app.status();
    assert!(!st.has_openai_key && st.openai_key_hint.is_none() && st.openai_key_error.is_none());
    assert!(!st.can_talk);

    let refused = app.set_api_key(KeyName::Openai, "0123456789abcdef0123a1b2").unwrap_err();
    assert!(refused.to_string().contains("OpenAI API key"), "{refused}");

    let key = "sk-proj-0123456789abcdef0123a1b2";
    let st = app.set_api_key(KeyName::Openai, key).unwrap();
    assert!(st.has_openai_key && !st.has_key);
    assert_eq!(st.openai_key_hint.as_deref(), Some("…a1b2"));
    assert!(st.can_talk, "agent.provider: auto talks through OpenAI when only its key is set");
    assert!(!format!("{st:?}").contains(key) && !serde_json::to_string(&st).unwrap().contains(key));
    assert_eq!(keys.get(KeyName::Openai).unwrap().map(|k| k.expose().to_string()).as_deref(), Some(key));
    assert_eq!(keys.get(KeyName::Deepgram).unwrap(), None);

    use_provider(&app, ProviderChoice::Deepgram);
    assert!(!app.status().can_talk, "an explicit Deepgram choice needs the Deepgram key");
    use_provider(&app, ProviderChoice::Openai);
    assert!(app.status().can_talk);

    // Nothing of the key reaches the data dir.
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains(key), "{}", entry.display());
    }

    let st = app.clear_api_key(KeyName::Openai).unwrap();
    assert!(!st.has_openai_key && st.openai_key_hint.is_none() && !st.can_talk);
}

#[tokio::test]
async fn starting_with_openai_and_no_key_says_where_to_add_one() {
    let _env = no_env_keys().await;
    let dir = tempfile::tempdir().unwrap();
    let app = Arc::new(App::open(dir.path(), Arc::new(MemoryKeyStore::default()), Arc::new(|_| {})).unwrap());
    use_provider(&app, ProviderChoice::Openai);
    let text = app.clone().start_talk(TalkMode::HandsFree).await.unwrap_err().to_string();
    assert!(text.contains("No OpenAI API key yet") && text.contains("Settings"), "{text}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
