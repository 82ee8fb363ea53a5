//! ONNX Runtime, opened once per process from the models dir's library, and sessions on it.
//!
//! `ort` allows one library and one environment per process: the first library that loads is the
//! one every later session uses, whichever models dir it comes from. A failed load is not
//! remembered, so a later call (after an install) can succeed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use ort::environment::Environment;
use ort::session::Session;

use super::error::{LocalError, ModelsError};

static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// The process's ONNX Runtime environment, loading `library` the first time.
pub(crate) fn environment(library: &Path) -> Result<Environment, LocalError> {
    let mut slot = ENVIRONMENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(env) = slot.as_ref() {
        return Ok(env.clone());
    }
    // libloading reports a missing file too, but only as a dlopen message; say it plainly.
    if !library.is_file() {
        return Err(ModelsError::Missing { path: library.to_path_buf() }.into());
    }
    let absolute = std::path::absolute(library).unwrap_or_else(|_| library.to_path_buf());
    let runtime_err = |detail: String| LocalError::Runtime { path: absolute.clone(), detail };
    // `ort` asserts on what a foreign library returns; a wrong file must not take the app down.
    let built = catch_unwind(AssertUnwindSafe(|| -> Result<Environment, String> {
        let builder = ort::init_from(&absolute).map_err(|e| e.to_string())?;
        builder.with_name("flux-companion").with_telemetry(false).build().map_err(|e| e.to_string())
    }))
    .map_err(|panic| runtime_err(panic_text(&panic)))?
    .map_err(runtime_err)?;
    *slot = Some(built.clone());
    Ok(built)
}

/// A session for the model at `path`, with one intra-op thread: on two cores one thread per
/// session is the fastest, and speech to text and text to speech never run at once for one user.
/// Every utterance and sentence has its own length, so neither the CPU arena nor memory
/// patterns (both keep buffers per input shape) are used: with them a conversation's memory
/// only grew, past 450 MB over 16 turns.
pub(crate) fn session(env: &Environment, path: &Path) -> Result<Session, LocalError> {
    let model_err = |detail: String| LocalError::Model { path: path.to_path_buf(), detail };
    catch_unwind(AssertUnwindSafe(|| -> Result<Session, ort::Error> {
        let cpu = ort::ep::CPU::default().with_arena_allocator(false).build();
        let mut builder = Session::builder(env)?
            .with_intra_threads(1)?
            .with_inter_threads(1)?
            .with_memory_pattern(false)?
            .with_execution_providers([cpu])?;
        builder.commit_from_file(path)
    }))
    .map_err(|panic| model_err(panic_text(&panic)))?
    .map_err(|e| model_err(e.to_string()))
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into());
    format!("ONNX Runtime failed: {what}")
}
