//! Starting and stopping the live conversation from the desktop: the microphone and speakers of
//! the settings, the gate for mute and push-to-talk, the session's events forwarded to the window
//! with the app's own status kept in step.

use super::gate::Gated;
use super::keys::{self, KeyName};
use super::{App, AppEvent, DesktopError, Gate, TalkMode};
use crate::config::ProviderChoice;
use crate::launch::{self, DeviceChoice, MicCapture, ProviderKind};
use crate::safety::SafetyGuard;
use crate::session::{self, SessionCommand, SessionEvent, SessionOptions, SessionState};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

#[derive(Default)]
pub(super) struct Talk {
    gate: Gate,
    running: Option<Running>,
}

struct Running {
    session_id: Option<String>,
    state: Option<SessionState>,
    commands: mpsc::UnboundedSender<SessionCommand>,
}

impl Talk {
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }
    pub fn session_id(&self) -> Option<String> {
        self.running.as_ref().and_then(|r| r.session_id.clone())
    }
    pub fn state(&self) -> Option<SessionState> {
        self.running.as_ref().and_then(|r| r.state)
    }
    pub fn mode(&self) -> TalkMode {
        self.gate.mode()
    }
    pub fn muted(&self) -> bool {
        self.gate.muted()
    }
}

impl App {
    /// Opens the devices, starts the conversation and returns its id once the control plane has
    /// created it. Must be called inside a tokio runtime (Tauri's async commands are).
    pub async fn start_talk(self: Arc<Self>, mode: TalkMode) -> Result<String, DesktopError> {
        let settings = self.service.settings();
        let safety =
            SafetyGuard::load(&self.data_dir, &settings).map_err(|e| DesktopError::Invalid(e.to_string()))?;
        let deepgram_key = self.service.key_status();
        let openai_key = keys::saved_or_env(self.keys.as_ref(), KeyName::Openai);
        // A Deepgram key that cannot be read is unknown, not missing: `auto` stays on Deepgram
        // so the keychain's problem is what the user is told.
        let hosted = self.hosted_sync(matches!(deepgram_key, Ok(true)));
        let kind = match hosted {
            Some(_) => ProviderKind::Deepgram,
            None => launch::choose_provider(
                &settings,
                !matches!(deepgram_key, Ok(false)),
                matches!(openai_key, Ok(Some(_))),
            )?,
        };
        match kind {
            // The hosted plane mints the token; no key is needed here.
            ProviderKind::Deepgram if hosted.is_some() => {}
            ProviderKind::Local => {
                if let Err(e) = self.local_models() {
                    return Err(DesktopError::Talk(match settings.agent.provider {
                        ProviderChoice::Auto => format!(
                            "No Deepgram API key yet, and talking on this computer needs its voice \
                             models: {e}. Add a key in Settings, or install the models."
                        ),
                        _ => format!("Talking on this computer needs its voice models: {e}"),
                    }));
                }
            }
            ProviderKind::Deepgram => match deepgram_key {
                Ok(true) => {}
                Ok(false) => {
                    return Err(DesktopError::Talk(
                        "No Deepgram API key yet: add one in Settings (get it at console.deepgram.com)."
                            .into(),
                    ))
                }
                Err(e) => {
                    return Err(DesktopError::Talk(format!(
                        "The Deepgram API key could not be read from the system keychain: {e}"
                    )))
                }
            },
            ProviderKind::OpenAi => match openai_key {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(DesktopError::Talk(
                        "No OpenAI API key yet: add one in Settings (get it at platform.openai.com).".into(),
                    ))
                }
                Err(e) => {
                    return Err(DesktopError::Talk(format!(
                        "The OpenAI API key could not be read from the system keychain: {e}"
                    )))
                }
            },
        }
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let gate = {
            let mut t = self.lock_talk();
            if t.running.is_some() {
                return Err(DesktopError::Talk("A conversation is already running.".into()));
            }
            t.gate.set_mode(mode);
            t.gate.hold(false);
            t.running =
                Some(Running { session_id: None, state: Some(SessionState::Connecting), commands: cmd_tx });
            t.gate.clone()
        };
        let (audio_tx, audio_rx) = mpsc::unbounded_channel();
        let choice = DeviceChoice {
            events: Some(audio_tx),
            push_to_talk_held: Some(gate.held_flag()),
            ..Default::default()
        };
        let (capture, player) = match launch::open_devices(&settings, choice) {
            Ok(v) => v,
            Err(e) => {
                self.lock_talk().running = None;
                self.announce();
                return Err(e.into());
            }
        };
        self.announce();
        tokio::spawn(self.clone().watch_devices(audio_rx));
        let meter = capture.level();
        let openai_source = keys::openai_source(self.keys.clone());
        let handle = tokio::runtime::Handle::current();
        let wired = match hosted {
            Some(sync) => {
                let plane = Arc::new(launch::HostedPlane::new(sync, self.service.clone(), &settings));
                launch::wire_hosted(&self.service, &settings, handle, plane)
            }
            None => launch::wire(kind, &self.service, &settings, handle, openai_source, self.models_dir()),
        };
        let (control, provider) = (wired.control, wired.provider);
        let mut options = SessionOptions::new(settings.user.id.clone());
        options.output_sample_rate = settings.agent.output_sample_rate;
        options.safety = Some(Arc::new(safety));
        let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
        let (started_tx, started_rx) = oneshot::channel::<Result<String, String>>();
        let source = Gated { source: MicCapture(capture), gate };
        let runner =
            tokio::spawn(session::run(control, provider, source, Box::new(player), options, cmd_rx, ev_tx));

        // Levels for the meter, about ten times a second, while the conversation runs.
        let levels = {
            let app = self.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                loop {
                    tick.tick().await;
                    let dbfs = meter.snapshot().rms_dbfs().max(-100.0);
                    (app.notify)(AppEvent::Session(SessionEvent::Level { dbfs }));
                }
            })
        };
        let app = self.clone();
        tokio::spawn(async move {
            let mut started = Some(started_tx);
            while let Some(event) = ev_rx.recv().await {
                // The meter above reads the microphone itself, also while the gate is closed;
                // the session's own levels (of frames sent) would only make it flicker.
                if matches!(event, SessionEvent::Level { .. }) {
                    continue;
                }
                app.observe(&event, &mut started);
                (app.notify)(AppEvent::Session(event));
            }
            levels.abort();
            let outcome = runner.await;
            if let Some(tx) = started.take() {
                let why = match outcome {
                    Ok(Err(e)) => e.to_string(),
                    Err(e) => format!("the conversation stopped unexpectedly: {e}"),
                    Ok(Ok(_)) => "the conversation ended before it started".into(),
                };
                let _ = tx.send(Err(why));
            }
            app.lock_talk().running = None;
            app.announce();
        });
        match tokio::time::timeout(Duration::from_secs(20), started_rx).await {
            Ok(Ok(Ok(id))) => Ok(id),
            Ok(Ok(Err(why))) => Err(DesktopError::Talk(why)),
            _ => {
                let _ = self.stop_talk();
                Err(DesktopError::Talk("The conversation did not start within 20 seconds.".into()))
            }
        }
    }

    fn observe(&self, event: &SessionEvent, started: &mut Option<oneshot::Sender<Result<String, String>>>) {
        let changed = {
            let mut t = self.lock_talk();
            let Some(r) = t.running.as_mut() else { return };
            match event {
                SessionEvent::Started { session_id, .. } => {
                    r.session_id = Some(session_id.clone());
                    if let Some(tx) = started.take() {
                        let _ = tx.send(Ok(session_id.clone()));
                    }
                    true
                }
                SessionEvent::State { state } if r.state != Some(*state) => {
                    r.state = Some(*state);
                    true
                }
                _ => false,
            }
        };
        if changed {
            self.announce();
        }
    }

    /// Ends the conversation gracefully (the session closes its record); a no-op when idle.
    pub fn stop_talk(&self) -> Result<(), DesktopError> {
        if let Some(r) = self.lock_talk().running.as_ref() {
            let _ = r.commands.send(SessionCommand::Stop);
        }
        Ok(())
    }

    pub fn set_muted(&self, muted: bool) {
        self.lock_talk().gate.set_muted(muted);
        self.announce();
    }

    pub fn push_to_talk(&self, pressed: bool) {
        self.lock_talk().gate.hold(pressed);
    }

    /// A typed turn in the running conversation.
    pub fn send_text(&self, text: &str) -> Result<(), DesktopError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DesktopError::Invalid("Type something to send.".into()));
        }
        let t = self.lock_talk();
        let r = t.running.as_ref().ok_or_else(|| DesktopError::Talk("Start a conversation first.".into()))?;
        r.commands
            .send(SessionCommand::Say(text.to_string()))
            .map_err(|_| DesktopError::Talk("The conversation has ended.".into()))
    }

    /// The user's undo of something Flux did: its effect is reverted and the call marked cancelled.
    pub fn undo_call(&self, session_id: &str, call_id: &str) -> Result<String, DesktopError> {
        let detail = self.service.session_detail(session_id)?;
        let call = detail
            .function_calls
            .iter()
            .find(|c| c.id == call_id)
            .ok_or_else(|| DesktopError::Invalid(format!("Nothing to undo for call {call_id}.")))?;
        let outcome = self.service.cancel_intent(session_id, call_id, &call.name)?;
        Ok(match outcome {
            crate::intents::CancelOutcome::Reverted => format!("Undone: {}", call.result),
            crate::intents::CancelOutcome::Prevented => {
                "Nothing had changed, so there was nothing to undo.".into()
            }
            crate::intents::CancelOutcome::AlreadyCancelled => "That was already undone.".into(),
        })
    }
}
