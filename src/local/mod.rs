//! The local voice: speech to text (Moonshine tiny-en) and text to speech (Piper
//! `en_US-joe-medium`) on ONNX Runtime, from models installed by `scripts/install-models`
//! (docs/local-voice.md). Nothing here listens, decides turns or talks to the session: the local
//! provider does, through [`Transcriber`] and [`Synthesizer`].

mod error;
pub mod models;
mod phonemes;
mod runtime;
mod sentences;
pub mod stt;
mod tokenizer;
pub mod tts;

pub use error::{LocalError, ModelsError, INSTALL_HINT, REINSTALL_HINT};
pub use models::{models_dir, ModelPaths};
pub use sentences::split_sentences;
pub use stt::Transcriber;
pub use tts::Synthesizer;

#[cfg(test)]
mod models_tests;
