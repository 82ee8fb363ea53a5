//! The two speech engines a local conversation needs, as traits: the listener and speaker are
//! written against these, and the models behind them are loaded once per process.

use std::sync::{Arc, Mutex};

use super::{LocalError, ModelPaths, Synthesizer, Transcriber};

/// Speech to text.
pub trait SpeechToText: Send {
    /// Mono f32 at 16 kHz → the words heard (empty when none).
    fn transcribe(&mut self, pcm_16k: &[f32]) -> Result<String, LocalError>;
}

/// Text to speech.
pub trait TextToSpeech: Send {
    fn sample_rate(&self) -> u32;
    /// One sentence → mono f32 at [`TextToSpeech::sample_rate`].
    fn synthesize(&mut self, sentence: &str) -> Result<Vec<f32>, LocalError>;
}

impl SpeechToText for Transcriber {
    fn transcribe(&mut self, pcm_16k: &[f32]) -> Result<String, LocalError> {
        Transcriber::transcribe(self, pcm_16k)
    }
}

impl TextToSpeech for Synthesizer {
    fn sample_rate(&self) -> u32 {
        Synthesizer::sample_rate(self)
    }
    fn synthesize(&mut self, sentence: &str) -> Result<Vec<f32>, LocalError> {
        Synthesizer::synthesize(self, sentence)
    }
}

/// Both engines, shared by the links of a process (one conversation at a time uses them).
#[derive(Clone)]
pub struct Engines {
    pub stt: Arc<Mutex<Box<dyn SpeechToText>>>,
    pub tts: Arc<Mutex<Box<dyn TextToSpeech>>>,
}

impl Engines {
    /// Loads Moonshine and Piper from the models directory.
    pub fn load(paths: &ModelPaths) -> Result<Self, LocalError> {
        let stt: Box<dyn SpeechToText> = Box::new(Transcriber::load(paths)?);
        let tts: Box<dyn TextToSpeech> = Box::new(Synthesizer::load(paths)?);
        Ok(Engines { stt: Arc::new(Mutex::new(stt)), tts: Arc::new(Mutex::new(tts)) })
    }
}
