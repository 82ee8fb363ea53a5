//! Errors of the audio room. Every failure a user can cause (no microphone, a bad WAV file, a
//! device that vanished) maps to one of these instead of a panic.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no {0} device found (is one connected and is the audio server running?)")]
    NoDevice(Direction),
    #[error("{direction} device not found: {name:?} (run `companion devices` to list them)")]
    DeviceNotFound { direction: Direction, name: String },
    #[error("permission denied opening {device}: {detail}")]
    PermissionDenied { device: String, detail: String },
    #[error("audio system unavailable: {0}")]
    HostUnavailable(String),
    #[error("{device} does not support the requested configuration: {detail}")]
    UnsupportedConfig { device: String, detail: String },
    #[error("audio device {device} failed: {detail}")]
    Device { device: String, detail: String },
    #[error("invalid audio format: {0}")]
    InvalidFormat(String),
    #[error("WAV file {}: {source}", path.display())]
    Wav {
        path: PathBuf,
        #[source]
        source: hound::Error,
    },
    #[error("resampler: {0}")]
    Resampler(String),
    #[error("audio stream stopped: {0}")]
    Stopped(String),
    #[error("invalid pace {0:?}: a whole number of times real time, from 1 (real time) to 100")]
    Speedup(String),
}

/// Which way audio flows through a device; used in errors and events.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Input,
    Output,
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::Input => "input",
            Direction::Output => "output",
        })
    }
}

impl AudioError {
    /// Maps a cpal error on `device` to the variant a user can act on.
    pub fn from_cpal(device: &str, direction: Direction, err: &cpal::Error) -> Self {
        use cpal::ErrorKind as K;
        let detail = err.to_string();
        let device = device.to_owned();
        match err.kind() {
            K::PermissionDenied => AudioError::PermissionDenied { device, detail },
            K::HostUnavailable => AudioError::HostUnavailable(detail),
            K::UnsupportedConfig | K::InvalidInput => AudioError::UnsupportedConfig { device, detail },
            K::DeviceNotAvailable => AudioError::DeviceNotFound { direction, name: device },
            _ => AudioError::Device { device, detail },
        }
    }

    pub(crate) fn wav(path: impl Into<PathBuf>, source: hound::Error) -> Self {
        AudioError::Wav { path: path.into(), source }
    }
}
