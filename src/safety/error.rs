//! What can be wrong with the safety configuration.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SafetyError {
    /// The file does not parse, or a value in it is not usable; `line` is 1-based.
    #[error("{file}, line {line}: {detail}")]
    Invalid { file: String, line: usize, detail: String },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// `safety.region` names a region the configuration does not have.
    #[error("safety.region {region:?} is not in {file}; it has {known} (or use auto)")]
    UnknownRegion { region: String, file: String, known: String },
}
