//! Opening the data dir the way every command does: settings, store, catalogue, prompt.

use crate::backend::token::env_key_source;
use crate::backend::{Service, ServiceParts};
use crate::config::catalog::Catalog;
use crate::config::{load_prompt_template, resolve_data_dir, Settings};
use crate::store::Store;
use crate::time::Clock;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Opened {
    pub data_dir: PathBuf,
    pub service: Service,
}

pub fn open(flag: Option<&Path>) -> anyhow::Result<Opened> {
    let data_dir = resolve_data_dir(flag)?;
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let settings = Settings::load(&data_dir)?;
    let store = Store::open_in(&data_dir)?;
    let service = Service::new(ServiceParts {
        store: Arc::new(store),
        settings,
        catalog: Catalog::builtin(),
        prompt_template: load_prompt_template(&data_dir)?,
        key: env_key_source(),
        clock: Clock::System,
    });
    Ok(Opened { data_dir, service })
}
