//! Device discovery and selection, and the events the audio path reports about devices.
//!
//! Devices are chosen by name (what `companion devices` prints); "default" follows whatever the
//! system default is at open time. Names are resolved every time a stream is (re)opened, so a
//! device that comes back after an unplug is found again.

use cpal::traits::{DeviceTrait, HostTrait};
use serde::Serialize;

use super::error::{AudioError, Direction};
use super::quiet;

/// Which device to open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DeviceSel {
    /// The system default at open time (and again after every fallback).
    #[default]
    Default,
    Named(String),
}

impl DeviceSel {
    /// `None`, "" and "default" (any case) mean the system default.
    pub fn parse(name: Option<&str>) -> Self {
        match name.map(str::trim) {
            None | Some("") => DeviceSel::Default,
            Some(n) if n.eq_ignore_ascii_case("default") => DeviceSel::Default,
            Some(n) => DeviceSel::Named(n.to_owned()),
        }
    }
}

impl std::fmt::Display for DeviceSel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeviceSel::Default => f.write_str("default"),
            DeviceSel::Named(n) => f.write_str(n),
        }
    }
}

/// A device as listed for the user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceInfo {
    pub name: String,
    /// The host's identifier (the ALSA PCM name on Linux, e.g. `pulse`); also selectable.
    pub id: Option<String>,
    pub direction: Direction,
    pub is_default: bool,
    /// The device's default stream config, if it reports one.
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
    pub sample_format: Option<String>,
}

/// What the audio path tells the UI/session about devices. Sent on an unbounded channel so the
/// worker threads never wait for a slow reader.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AudioEvent {
    /// A stream is running on `device` at its native format.
    Started { direction: Direction, device: String, sample_rate: u32, channels: u16 },
    /// `from` failed (error callback or silence for too long); now on the default `to`.
    FellBack { direction: Direction, from: String, to: String, reason: String },
    /// No usable device is left: the stream has stopped for good.
    Failed { direction: Direction, error: String },
    /// With echo cancellation off, the microphone hears what is played (sent once per stream).
    EchoHeard,
}

pub type EventTx = Option<tokio::sync::mpsc::UnboundedSender<AudioEvent>>;

pub(crate) fn emit(tx: &EventTx, ev: AudioEvent) {
    tracing::debug!(event = ?ev, "audio event");
    if let Some(tx) = tx {
        let _ = tx.send(ev);
    }
}

/// The host-specific id, e.g. `default` or `pulse` for ALSA.
pub fn device_id(d: &cpal::Device) -> Option<String> {
    d.id().ok().map(|id| id.id().to_owned())
}

pub fn device_name(d: &cpal::Device) -> String {
    match d.description() {
        Ok(desc) => desc.name().to_owned(),
        Err(_) => d.to_string(),
    }
}

fn host() -> cpal::Host {
    quiet::silence_alsa();
    cpal::default_host()
}

fn devices(direction: Direction) -> Result<Vec<cpal::Device>, AudioError> {
    let h = host();
    let list = match direction {
        Direction::Input => h.input_devices().map(|d| d.collect()),
        Direction::Output => h.output_devices().map(|d| d.collect()),
    };
    list.map_err(|e| AudioError::from_cpal("audio host", direction, &e))
}

fn default_device(direction: Direction) -> Option<cpal::Device> {
    match direction {
        Direction::Input => host().default_input_device(),
        Direction::Output => host().default_output_device(),
    }
}

pub fn default_config(
    d: &cpal::Device,
    direction: Direction,
) -> Result<cpal::SupportedStreamConfig, AudioError> {
    let r = match direction {
        Direction::Input => d.default_input_config(),
        Direction::Output => d.default_output_config(),
    };
    r.map_err(|e| AudioError::from_cpal(&device_name(d), direction, &e))
}

/// The ids (names where there is no id) of one direction's devices and of its default, without
/// opening any: cheap enough to look again every few seconds for devices that come and go.
pub fn present(direction: Direction) -> Result<(Vec<String>, Option<String>), AudioError> {
    let key = |d: &cpal::Device| device_id(d).unwrap_or_else(|| device_name(d));
    let default = default_device(direction).map(|d| key(&d));
    Ok((devices(direction)?.iter().map(key).collect(), default))
}

/// Lists the devices of one direction with their default configs (left out for the PCMs
/// `quiet::probe` keeps closed).
pub fn list(direction: Direction) -> Result<Vec<DeviceInfo>, AudioError> {
    let default_id = default_device(direction).and_then(|d| device_id(&d));
    let mut out = Vec::new();
    for d in devices(direction)? {
        let name = device_name(&d);
        let id = device_id(&d);
        let cfg = if quiet::probe(id.as_deref()) { default_config(&d, direction).ok() } else { None };
        out.push(DeviceInfo {
            is_default: default_id.is_some() && id == default_id,
            id,
            sample_rate: cfg.as_ref().map(|c| c.sample_rate()),
            channels: cfg.as_ref().map(|c| c.channels()),
            sample_format: cfg.as_ref().map(|c| c.sample_format().to_string()),
            name,
            direction,
        });
    }
    Ok(out)
}

/// Resolves a selection to a device: the default, an exact id or name, a case-insensitive name,
/// or a unique case-insensitive substring (so "USB" finds "USB Audio Device" if nothing else
/// matches).
pub fn find(sel: &DeviceSel, direction: Direction) -> Result<cpal::Device, AudioError> {
    let name = match sel {
        DeviceSel::Default => {
            return default_device(direction).ok_or(AudioError::NoDevice(direction));
        }
        DeviceSel::Named(n) => n,
    };
    let all = devices(direction)?;
    let names: Vec<String> = all.iter().map(device_name).collect();
    let lower = name.to_lowercase();
    let pick = all
        .iter()
        .position(|d| device_id(d).as_deref() == Some(name.as_str()))
        .or_else(|| names.iter().position(|n| n == name))
        .or_else(|| names.iter().position(|n| n.to_lowercase() == lower))
        .or_else(|| {
            let hits: Vec<usize> =
                (0..names.len()).filter(|&i| names[i].to_lowercase().contains(&lower)).collect();
            (hits.len() == 1).then(|| hits[0])
        });
    match pick {
        Some(i) => Ok(all.into_iter().nth(i).expect("index from the same list")),
        None => Err(AudioError::DeviceNotFound { direction, name: name.clone() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_spellings_select_the_system_default() {
        for s in [None, Some(""), Some("default"), Some(" Default ")] {
            assert_eq!(DeviceSel::parse(s), DeviceSel::Default, "{s:?}");
        }
        assert_eq!(DeviceSel::parse(Some("USB Mic")), DeviceSel::Named("USB Mic".into()));
    }

    #[test]
    fn an_unknown_device_is_an_error_not_a_panic() {
        // Works with or without an audio server: either the host fails or the name is unknown.
        let r = find(&DeviceSel::Named("no such device 8c1f".into()), Direction::Input);
        assert!(r.is_err());
    }
}
