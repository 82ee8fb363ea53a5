//! Flux Companion core: everything except the desktop shell. No Tauri import lives here, so the
//! whole core builds and tests headless (`cargo test -p companion`).

pub mod store;
pub mod time;
pub mod config;
pub mod intents;
