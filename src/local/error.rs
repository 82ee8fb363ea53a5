//! Errors of the local voice room. Missing or damaged models, a runtime library that does not load
//! and a missing `espeak-ng` are things a user can cause or fix, so each is a typed error that
//! says what is wrong and what to run, never a panic.

use std::path::PathBuf;

/// The command that installs the models, named in every error that an install fixes.
pub const INSTALL_HINT: &str = "run `scripts/install-models` (in the Flux Companion source \
tree; `companion models --help` says more)";
/// For a file whose size is right but whose contents are not: the plain install would keep it.
pub const REINSTALL_HINT: &str = "run `scripts/install-models --force` (in the Flux Companion \
source tree; `companion models --help` says more)";

/// What is wrong with the models directory.
#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    #[error("no models directory: set COMPANION_MODELS_DIR or COMPANION_DATA_DIR")]
    NoDir,
    #[error("the local voice models are not installed in {}: {INSTALL_HINT}", dir.display())]
    NotInstalled { dir: PathBuf },
    #[error("{} is not a valid models manifest ({detail}): {INSTALL_HINT}", path.display())]
    Manifest { path: PathBuf, detail: String },
    #[error(
        "the models in {} come from {package} {found}, this version of Flux Companion needs {expected}: \
         {INSTALL_HINT}",
        dir.display()
    )]
    Version { dir: PathBuf, package: &'static str, found: String, expected: &'static str },
    #[error("{} is missing: {INSTALL_HINT}", path.display())]
    Missing { path: PathBuf },
    #[error(
        "{} is {actual} bytes instead of {expected} (damaged or half-written): {INSTALL_HINT}",
        path.display()
    )]
    WrongSize { path: PathBuf, expected: u64, actual: u64 },
    #[error("{} does not match its recorded sha256 (damaged): {REINSTALL_HINT}", path.display())]
    Checksum { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Why loading or running a local model failed.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error(transparent)]
    Models(#[from] ModelsError),
    #[error("cannot load the ONNX Runtime library {}: {detail}. {REINSTALL_HINT}", path.display())]
    Runtime { path: PathBuf, detail: String },
    #[error("cannot load the model {}: {detail}. {REINSTALL_HINT}", path.display())]
    Model { path: PathBuf, detail: String },
    #[error("{} is not valid: {detail}. {REINSTALL_HINT}", path.display())]
    Invalid { path: PathBuf, detail: String },
    #[error("{model} failed: {detail}")]
    Inference { model: &'static str, detail: String },
    #[error("espeak-ng is needed to speak locally (Debian: apt-get install espeak-ng): {0}")]
    Espeak(String),
}

impl LocalError {
    pub(crate) fn inference(model: &'static str) -> impl Fn(ort::Error) -> LocalError {
        move |e| LocalError::Inference { model, detail: e.to_string() }
    }
}
