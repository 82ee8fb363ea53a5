//! The desktop with no key: `auto` talks on this computer once the voice models are installed,
//! and says how to install them when they are not.

mod support;

use companion::config::ProviderChoice;
use companion::desktop::{App, KeyName, MemoryKeyStore, TalkMode};
use std::sync::Arc;

#[tokio::test]
async fn no_key_talks_on_this_computer_when_the_models_are_installed() {
    // One test owns the process's environment here, so the variables can be set directly.
    std::env::remove_var("DEEPGRAM_API_KEY");
    std::env::remove_var("OPENAI_API_KEY");
    let installed = support::local_kit::models_dir();
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::default());

    let empty = dir.path().join("no-models");
    std::env::set_var("COMPANION_MODELS_DIR", &empty);
    let app = Arc::new(App::open(&dir.path().join("data"), keys.clone(), Arc::new(|_| {})).unwrap());
    let st = app.status();
    assert_eq!(st.provider, "local");
    assert!(!st.local_ready && !st.can_talk);
    let why = st.local_error.expect("why the models are not usable");
    assert!(why.contains("scripts/install-models"), "{why}");
    let refused = app.clone().start_talk(TalkMode::HandsFree).await.unwrap_err().to_string();
    assert!(refused.contains("No Deepgram API key") && refused.contains("install-models"), "{refused}");

    std::env::set_var("COMPANION_MODELS_DIR", &installed);
    let st = app.status();
    assert_eq!(st.provider, "local");
    assert!(st.local_ready && st.can_talk && st.local_error.is_none(), "{st:?}");

    // A saved key takes over under `auto`; an explicit `local` keeps this computer.
    let st = app.set_api_key(KeyName::Deepgram, "0123456789abcdef0123456789abcdef01234567").unwrap();
    assert_eq!(st.provider, "deepgram");
    let mut s = app.settings();
    s.agent.provider = ProviderChoice::Local;
    app.save_settings(s).unwrap();
    assert_eq!(app.status().provider, "local");
}
