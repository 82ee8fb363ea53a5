//! Flux Companion core: everything except the desktop shell. No Tauri import lives here, so the
//! whole core builds and tests headless (`cargo test -p companion`).

pub mod agent;
pub mod session;
