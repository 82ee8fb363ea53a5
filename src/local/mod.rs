//! The local voice provider: a whole conversation on this computer. Speech to text (Moonshine
//! tiny-en) and text to speech (Piper `en_US-joe-medium`) run on ONNX Runtime from models
//! installed by `scripts/install-models`; turn taking ([`endpoint`]) decides when the user is
//! done, the `understand` room turns their words into an intent or a reply, and the link
//! streams the spoken reply back to the session like any other provider.

pub mod endpoint;
mod engines;
mod error;
mod link;
mod listener;
pub mod models;
mod phonemes;
mod pieces;
mod provider;
mod runtime;
mod sentences;
mod speaker;
mod spoken;
pub mod stt;
mod tokenizer;
pub mod tts;

pub use endpoint::TurnConfig;
pub use engines::{Engines, SpeechToText, TextToSpeech};
pub use error::{LocalError, ModelsError, INSTALL_HINT, REINSTALL_HINT};
pub use models::{models_dir, ModelPaths};
pub use provider::LocalProvider;
pub use sentences::split_sentences;
pub use stt::Transcriber;
pub use tts::Synthesizer;

#[cfg(test)]
mod models_tests;
