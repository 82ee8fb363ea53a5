//! Test support shared by the integration tests (not product code).
#![allow(dead_code)]

pub mod cli_kit;
pub mod desktop_kit;
pub mod fake_agent;
pub mod fake_grant;
pub mod fake_openai;
pub mod fault_proxy;
pub mod filling_disk;
pub mod local_kit;
pub mod openai_cli;
pub mod pulse;
pub mod session_kit;
pub mod speech;
pub mod sync_kit;
pub mod talk_kit;
