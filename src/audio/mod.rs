//! The real-time audio path: capture (cpal input → lock-free ring → framer → async frames) and
//! playback (linear16 → ring → cpal output), with WAV and generated sources and a WAV sink for
//! headless runs. Nothing here imports Tauri; the real-time callbacks never allocate, lock, log
//! or block (see `tests/audio_no_alloc.rs`).

pub mod clock;
pub mod error;
pub mod framer;
pub mod level;
pub mod resample;
pub mod ring;

pub use error::{AudioError, Direction};
pub use framer::{FrameSpec, Framer};
pub use level::{Level, LevelMeter};
