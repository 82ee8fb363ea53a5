//! The real-time audio path: capture (cpal input → lock-free ring → framer → async frames) and
//! playback (linear16 → ring → cpal output), with WAV and generated sources and a WAV sink for
//! headless runs. Nothing here imports Tauri; the real-time callbacks (`ring::on_input`,
//! `playout::on_output` with its `echo_ref::ReferenceWriter`) never allocate, lock, log or block
//! (see `tests/audio_no_alloc.rs`). The echo canceller (`echo`) runs on the capture worker.
//!
//! Public surface for the session adapter: `CaptureStream` (`sample_rate`, `next_frame`,
//! `dropped_frames`) yields `Frame { pcm, ready_at }`; `Player` (`sample_rate`,
//! `push_linear16`, `begin_reply`, `flush`, `first_sample_played_at`, `is_drained`, `stats`).

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "bench")]
mod bench_echo;
pub mod capture;
pub mod clock;
pub mod device;
pub mod echo;
pub mod echo_ref;
mod echo_stats;
pub mod error;
pub mod fault;
pub mod framer;
pub mod level;
mod mic;
pub mod player;
pub mod playout;
mod pump;
mod quiet;
pub mod resample;
pub mod ring;
pub mod sink;
pub mod source;
pub mod speedup;
mod supervise;

pub use capture::{CaptureOptions, CaptureStream, EchoOptions, SourceSpec};
pub use device::{AudioEvent, DeviceInfo, DeviceSel, EventTx};
pub use echo::{EchoMode, EchoStats};
pub use echo_ref::EchoReference;
pub use error::{AudioError, Direction};
pub use framer::{Frame, FrameSpec, Framer};
pub use level::{Level, LevelMeter};
pub use player::{PlaybackStats, Player, PlayerOptions};
pub use sink::SinkSpec;
pub use source::{Pace, Signal};
pub use speedup::Speedup;

#[cfg(test)]
mod capture_tests;
#[cfg(test)]
mod echo_tests;
#[cfg(test)]
mod playout_tests;
