//! Devices that come and go while the app is open. No audio host here tells about a device being
//! plugged in, so the device ids and the defaults are looked at again every few seconds (without
//! opening any device); when they change, the microphone is probed again and the new status and
//! device lists are pushed to the window. Nothing is looked at during a conversation: the audio
//! path reports its own device failures and fallbacks then, and they are shown from here too.

use super::{App, AppEvent};
use crate::audio::{self, AudioEvent, Direction};
use crate::session::SessionEvent;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the devices are looked at.
pub const POLL: Duration = Duration::from_secs(3);

/// Which devices there are and which are the defaults; `error` when they could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Present {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub default_input: Option<String>,
    pub default_output: Option<String>,
    pub error: Option<String>,
}

/// The devices as the audio host lists them now.
pub fn present() -> Present {
    let mut p = Present::default();
    match audio::device::present(Direction::Input) {
        Ok((list, default)) => (p.inputs, p.default_input) = (list, default),
        Err(e) => p.error = Some(e.to_string()),
    }
    match audio::device::present(Direction::Output) {
        Ok((list, default)) => (p.outputs, p.default_output) = (list, default),
        Err(e) => p.error = p.error.or(Some(e.to_string())),
    }
    p
}

impl App {
    /// Watches the devices every [`POLL`] for as long as the app lives.
    pub fn watch_hotplug(self: &Arc<Self>) {
        self.watch_hotplug_with(POLL, present);
    }

    /// As [`App::watch_hotplug`], looking every `every` at what `look` lists (tests give their
    /// own list of devices: no audio host here can plug one in on demand).
    pub fn watch_hotplug_with(
        self: &Arc<Self>,
        every: Duration,
        look: impl Fn() -> Present + Send + 'static,
    ) {
        let app = Arc::downgrade(self);
        let first = look();
        let started = std::thread::Builder::new()
            .name("device-watch".into())
            .spawn(move || watch(app, first, every, look));
        if let Err(e) = started {
            tracing::warn!("devices plugged in or out will show only when asked ({e})");
        }
    }

    /// The devices changed: probe the microphone again, push the device lists and the status.
    fn devices_changed(&self) {
        self.probe_microphone();
        (self.notify)(AppEvent::Devices(self.devices()));
        self.announce();
    }
}

/// Ends once the app is gone.
fn watch(app: Weak<App>, mut last: Present, every: Duration, look: impl Fn() -> Present) {
    loop {
        std::thread::sleep(every);
        let Some(app) = app.upgrade() else { return };
        if app.lock_talk().is_running() {
            continue;
        }
        let now = look();
        if now != last {
            tracing::info!(inputs = now.inputs.len(), outputs = now.outputs.len(), "audio devices changed");
            app.devices_changed();
            last = now;
        }
    }
}

impl App {
    /// A device that fails mid-conversation: a fallback is reported as a warning; with no device
    /// left the conversation is ended cleanly and the reason shown.
    pub(super) async fn watch_devices(self: Arc<Self>, mut rx: mpsc::UnboundedReceiver<AudioEvent>) {
        while let Some(event) = rx.recv().await {
            let session_event = match event {
                AudioEvent::Started { .. } => continue,
                AudioEvent::FellBack { direction, from, to, reason } => SessionEvent::Warning {
                    code: "AUDIO_DEVICE_CHANGED".into(),
                    description: format!("The {direction} device {from} stopped ({reason}); now using {to}."),
                },
                AudioEvent::EchoHeard => SessionEvent::Warning {
                    code: "ECHO_HEARD".into(),
                    description: crate::audio::echo::ECHO_HEARD_NOTICE.into(),
                },
                AudioEvent::Failed { direction, error } => {
                    let _ = self.stop_talk();
                    SessionEvent::Error {
                        code: "AUDIO_DEVICE_FAILED".into(),
                        description: format!("No {direction} device is left: {error}"),
                    }
                }
            };
            (self.notify)(AppEvent::Session(session_event));
            self.announce();
        }
    }
}
