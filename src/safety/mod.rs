//! Emergency phrases heard in the user's words, and what Flux does about them.
//!
//! Flux is not a medical or crisis service. [`SafetyConfig`] holds the phrases by category and
//! the emergency number and crisis line of each region (`config/safety.yaml`, or the user's copy
//! in the data dir); [`SafetyGuard`] checks a transcript against them on this computer (nothing
//! is sent anywhere) and says what to show the user and what to tell the agent.
//!
//! This room knows no session, store or provider: the session calls [`SafetyGuard::check`] on
//! each user turn and acts on the [`SafetyNotice`] it gets back.

mod config;
mod detect;
#[cfg(test)]
mod detect_tests;
mod error;
mod notice;

pub use config::{Category, CrisisLine, Region, SafetyConfig, DEFAULT_SAFETY};
pub use detect::{normalize, SafetyMatch};
pub use error::SafetyError;
pub use notice::{SafetyGuard, SafetyNotice};
