//! Text to speech with the Piper voice `en_US-joe-medium`: espeak-ng phonemes, mapped through
//! the voice's `phoneme_id_map`, into the VITS model, which returns the audio.

use std::collections::HashMap;
use std::path::Path;

use ort::session::Session;
use ort::value::Tensor;

use super::error::LocalError;
use super::models::ModelPaths;
use super::phonemes::{to_ids, Phonemizer};
use super::runtime;

const ESPEAK: &str = "espeak-ng";

/// The parts of the voice's `.onnx.json` that inference needs.
#[derive(serde::Deserialize)]
struct VoiceConfig {
    audio: AudioConfig,
    espeak: EspeakConfig,
    #[serde(default)]
    inference: InferenceConfig,
    phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default = "one")]
    num_speakers: u32,
}

#[derive(serde::Deserialize)]
struct AudioConfig {
    sample_rate: u32,
}

#[derive(serde::Deserialize)]
struct EspeakConfig {
    voice: String,
}

/// Piper's defaults, used for any value the file leaves out.
#[derive(serde::Deserialize)]
#[serde(default)]
struct InferenceConfig {
    noise_scale: f32,
    length_scale: f32,
    noise_w: f32,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig { noise_scale: 0.667, length_scale: 1.0, noise_w: 0.8 }
    }
}

fn one() -> u32 {
    1
}

pub struct Synthesizer {
    session: Session,
    phonemizer: Phonemizer,
    ids: HashMap<char, Vec<i64>>,
    sample_rate: u32,
    scales: [f32; 3],
}

impl Synthesizer {
    /// Loads the voice, and checks that `espeak-ng` can be run.
    pub fn load(paths: &ModelPaths) -> Result<Self, LocalError> {
        let config = read_config(&paths.tts_config)?;
        let phonemizer = Phonemizer::new(ESPEAK, &config.espeak.voice)?;
        let env = runtime::environment(&paths.runtime)?;
        let session = runtime::session(&env, &paths.tts_model)?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        if names != ["input", "input_lengths", "scales"] {
            let detail = format!("inputs {names:?} are not a one-speaker Piper voice's");
            return Err(LocalError::Model { path: paths.tts_model.clone(), detail });
        }
        // Piper's map keys are single characters (some are combining marks on their own).
        let ids = config
            .phoneme_id_map
            .into_iter()
            .filter_map(|(k, v)| {
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, v)),
                    _ => None,
                }
            })
            .collect();
        let inference = config.inference;
        Ok(Synthesizer {
            session,
            phonemizer,
            ids,
            sample_rate: config.audio.sample_rate,
            scales: [inference.noise_scale, inference.length_scale, inference.noise_w],
        })
    }

    /// Turns off the voice's random variation: the model draws noise for each sentence's
    /// timing and timbre, so by default the same text never gives the same samples twice.
    /// Without it a sentence always sounds the same, which recorded test speech and measurements
    /// need to be repeatable.
    pub fn without_variation(mut self) -> Self {
        self.scales[0] = 0.0;
        self.scales[2] = 0.0;
        self
    }

    /// The rate of the audio [`Synthesizer::synthesize`] returns (22050 Hz for this voice).
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Mono samples in -1..1 of `sentence` spoken. Text with nothing to say gives no samples.
    /// Long text works but is slow to start: split it with [`super::split_sentences`] first.
    pub fn synthesize(&mut self, sentence: &str) -> Result<Vec<f32>, LocalError> {
        let phonemes = self.phonemizer.phonemize(sentence)?;
        if phonemes.trim().is_empty() {
            return Ok(Vec::new());
        }
        let ids = to_ids(&phonemes, &self.ids);
        let err = LocalError::inference("the speech synthesiser");
        let n = ids.len();
        let input = Tensor::from_array(([1, n], ids)).map_err(&err)?;
        let lengths = Tensor::from_array(([1], vec![n as i64])).map_err(&err)?;
        let scales = Tensor::from_array(([3], self.scales.to_vec())).map_err(&err)?;
        let out = self
            .session
            .run(ort::inputs!["input" => input, "input_lengths" => lengths, "scales" => scales])
            .map_err(&err)?;
        let missing =
            || LocalError::Inference { model: "the speech synthesiser", detail: "no output".into() };
        let first = out.values().next().ok_or_else(missing)?;
        let (_, audio) = first.try_extract_tensor::<f32>().map_err(&err)?;
        // The model's output may overshoot full scale a little; clip rather than wrap later.
        Ok(audio.iter().map(|s| if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 }).collect())
    }
}

fn read_config(path: &Path) -> Result<VoiceConfig, LocalError> {
    let invalid = |detail: String| LocalError::Invalid { path: path.to_path_buf(), detail };
    let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
    let config: VoiceConfig = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    if config.num_speakers != 1 {
        return Err(invalid(format!(
            "{} speakers; only one-speaker voices are supported",
            config.num_speakers
        )));
    }
    if !(8_000..=48_000).contains(&config.audio.sample_rate) {
        return Err(invalid(format!("sample rate {} Hz", config.audio.sample_rate)));
    }
    for key in ["^", "_", "$"] {
        if !config.phoneme_id_map.contains_key(key) {
            return Err(invalid(format!("phoneme_id_map has no `{key}`")));
        }
    }
    Ok(config)
}
