//! Flux Companion core: everything except the desktop shell. No Tauri import lives here, so the
//! whole core builds and tests headless (`cargo test -p companion`).

pub mod agent;
pub mod audio;
pub mod backend;
pub mod cli;
pub mod config;
pub mod desktop;
pub mod export;
pub mod intents;
pub mod launch;
pub mod local;
pub mod openai;
pub mod reminders;
pub mod safety;
pub mod session;
pub mod store;
pub mod sync;
pub mod time;
pub mod understand;
pub mod voice;
