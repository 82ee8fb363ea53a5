//! The bearer token that guards the local HTTP API: `COMPANION_API_TOKEN`, else one generated
//! on first use and kept in the data dir, readable by the owner only.

use crate::config::secret::Secret;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const ENV: &str = "COMPANION_API_TOKEN";
const FILE: &str = "api_token";

#[derive(Debug, thiserror::Error)]
pub enum TokenFileError {
    #[error("cannot read or create the API token file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

pub fn load_or_create(data_dir: &Path) -> Result<Secret, TokenFileError> {
    if let Some(t) = Secret::from_env(ENV) {
        return Ok(t);
    }
    let path = path_in(data_dir);
    let io = |source| TokenFileError::Io { path: path.clone(), source };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            if let Some(t) = Secret::new(text) {
                return Ok(t);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let token = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path).map_err(io)?;
    f.write_all(token.as_bytes()).map_err(io)?;
    Secret::new(token).ok_or_else(|| io(std::io::Error::other("empty token")))
}
