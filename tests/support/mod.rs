//! Test support shared by the integration tests (not product code).
#![allow(dead_code)]

pub mod fake_agent;
pub mod session_kit;
