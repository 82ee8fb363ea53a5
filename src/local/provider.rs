//! The local voice provider: the whole conversation on this computer (Moonshine hears, the rule
//! understanding decides, Piper speaks). Models load once per process (they take about a second
//! and 400 MB), on the first connection or when [`LocalProvider::preload`] asks, and stay loaded
//! for every later conversation.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono_tz::Tz;

use super::endpoint::TurnConfig;
use super::engines::Engines;
use super::link::{self, LocalLink};
use super::listener::Listener;
use super::speaker::Speaker;
use super::{LocalError, ModelPaths};
use crate::time::Clock;
use crate::understand::RuleUnderstanding;
use crate::voice::{BoxFuture, ConnectError, ConnectRequest, VoiceLink, VoiceProvider};

/// The engines of this process, with the directory they were loaded from.
static LOADED: Mutex<Option<(PathBuf, Engines)>> = Mutex::new(None);

pub struct LocalProvider {
    models_dir: PathBuf,
    tz: Tz,
    clock: Clock,
    turns: TurnConfig,
}

impl LocalProvider {
    /// A provider reading its models from `models_dir`, resolving spoken times in `tz`.
    pub fn new(models_dir: PathBuf, tz: Tz, clock: Clock) -> Self {
        LocalProvider { models_dir, tz, clock, turns: TurnConfig::default() }
    }

    pub fn with_turns(mut self, turns: TurnConfig) -> Self {
        self.turns = turns;
        self
    }

    /// Loads the models now (blocking, about a second) so the first turn does not wait for them.
    pub fn preload(&self) -> Result<(), LocalError> {
        self.engines().map(|_| ())
    }

    /// The process's engines, loaded if they are not yet.
    pub fn engines(&self) -> Result<Engines, LocalError> {
        load(&self.models_dir)
    }
}

fn load(dir: &Path) -> Result<Engines, LocalError> {
    let mut slot = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((loaded_from, engines)) = slot.as_ref() {
        if loaded_from == dir {
            return Ok(engines.clone());
        }
    }
    let paths = ModelPaths::open(dir)?;
    let engines = Engines::load(&paths)?;
    *slot = Some((dir.to_path_buf(), engines.clone()));
    Ok(engines)
}

impl VoiceProvider for LocalProvider {
    fn connect(
        &self,
        request: ConnectRequest,
    ) -> BoxFuture<'static, Result<Box<dyn VoiceLink>, ConnectError>> {
        let dir = self.models_dir.clone();
        let (tz, clock, turns) = (self.tz, self.clock.clone(), self.turns.clone());
        Box::pin(async move {
            let engines = tokio::task::spawn_blocking(move || load(&dir))
                .await
                .map_err(|e| ConnectError::Other {
                    message: format!("loading the models failed: {e}"),
                    retriable: false,
                })?
                .map_err(|e| ConnectError::Other { message: e.to_string(), retriable: false })?;
            let generation = link::generation();
            let greeting = request.greet.then(|| request.setup.greeting.clone()).flatten();
            let speaker_generation = generation.clone();
            let tts = engines.tts.clone();
            let output_rate = request.output_sample_rate;
            let link = LocalLink::start(
                move |events, speak, queued| Listener {
                    stt: engines.stt.clone(),
                    understanding: Box::new(RuleUnderstanding::new()),
                    input_rate: request.input_sample_rate,
                    turns,
                    tz,
                    clock,
                    generation,
                    events,
                    speak,
                    queued,
                },
                move |events| Speaker { tts, output_rate, generation: speaker_generation, events },
                greeting,
            )
            .map_err(|e| ConnectError::Other {
                message: format!("cannot start the local voice: {e}"),
                retriable: true,
            })?;
            Ok(Box::new(link) as Box<dyn VoiceLink>)
        })
    }
}
