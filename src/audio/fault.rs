//! Why a device stream died, as reported by cpal's error callback, and the lock-free cell the
//! callback leaves it in for the supervisor to read.

use std::sync::atomic::{AtomicU32, Ordering};

/// A stream error that means the stream is dead and must be reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Fault {
    DeviceGone = 1,
    StreamInvalidated,
    PermissionDenied,
    DeviceBusy,
    ServerGone,
    Backend,
    Other,
}

impl Fault {
    const ALL: [Fault; 7] = [
        Fault::DeviceGone,
        Fault::StreamInvalidated,
        Fault::PermissionDenied,
        Fault::DeviceBusy,
        Fault::ServerGone,
        Fault::Backend,
        Fault::Other,
    ];

    /// Classifies a cpal stream error: `None` for over/underruns, reroutes and refused real-time
    /// priority, which leave the stream working (no reason to reopen).
    pub fn classify(kind: cpal::ErrorKind) -> Option<Fault> {
        use cpal::ErrorKind as K;
        match kind {
            K::Xrun | K::DeviceChanged | K::RealtimeDenied => None,
            K::DeviceNotAvailable => Some(Fault::DeviceGone),
            K::StreamInvalidated => Some(Fault::StreamInvalidated),
            K::PermissionDenied => Some(Fault::PermissionDenied),
            K::DeviceBusy => Some(Fault::DeviceBusy),
            K::HostUnavailable => Some(Fault::ServerGone),
            K::BackendError => Some(Fault::Backend),
            _ => Some(Fault::Other),
        }
    }

    /// What the user is told when the stream is given up for the default device.
    pub fn reason(self) -> &'static str {
        match self {
            Fault::DeviceGone => "the device is no longer available",
            Fault::StreamInvalidated => "the stream was invalidated",
            Fault::PermissionDenied => "permission denied",
            Fault::DeviceBusy => "the device is busy",
            Fault::ServerGone => "the audio server went away",
            Fault::Backend => "the audio backend reported an error",
            Fault::Other => "the device reported an error",
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

/// The last `Fault` of the stream in use, written by cpal's error callback and read by the
/// supervisor. An atomic (0 = none) rather than a lock, so the callback never waits.
#[derive(Debug, Default)]
pub struct FaultCell(AtomicU32);

impl FaultCell {
    /// What both directions' cpal error callbacks do: keep a fatal error, ignore the rest.
    pub fn record(&self, e: &cpal::Error) {
        if let Some(fault) = Fault::classify(e.kind()) {
            self.0.store(fault as u32, Ordering::Release);
        }
    }

    pub fn get(&self) -> Option<Fault> {
        let code = self.0.load(Ordering::Acquire);
        Fault::ALL.into_iter().find(|f| *f as u32 == code)
    }

    /// Forgets the fault of a previous stream (done before a new one is opened).
    pub fn clear(&self) {
        self.0.store(0, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recoverable_error_is_not_a_fault() {
        use cpal::ErrorKind as K;
        for kind in [K::Xrun, K::DeviceChanged, K::RealtimeDenied] {
            assert_eq!(Fault::classify(kind), None, "{kind:?}");
        }
        assert_eq!(Fault::classify(K::HostUnavailable), Some(Fault::ServerGone));
    }

    #[test]
    fn every_fault_survives_the_cell() {
        let cell = FaultCell::default();
        assert_eq!(cell.get(), None);
        for fault in Fault::ALL {
            cell.0.store(fault as u32, Ordering::Release);
            assert_eq!(cell.get(), Some(fault));
        }
        cell.clear();
        assert_eq!(cell.get(), None);
    }
}
