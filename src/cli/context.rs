//! Opening the data dir the way every command does, with the Deepgram key from the environment.

use crate::backend::token::env_key_source;
use crate::launch::{self, Opened, Role};
use std::path::Path;

/// Opens the data dir for reading and managing (never sweeps conversations of a live host).
pub fn open(flag: Option<&Path>) -> anyhow::Result<Opened> {
    Ok(launch::open(flag, env_key_source(), Role::Reader)?)
}

/// Opens the data dir as a host of live conversations (`talk`, `serve`).
pub fn open_host(flag: Option<&Path>) -> anyhow::Result<Opened> {
    Ok(launch::open(flag, env_key_source(), Role::Host)?)
}
