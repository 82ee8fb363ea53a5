//! Speech to text with Moonshine tiny-en: raw 16 kHz audio into the encoder, then greedy decoding
//! with the merged decoder, which keeps its attention cache between steps.

use std::borrow::Cow;

use ort::session::{Session, SessionInputValue};
use ort::value::{DynValue, Tensor};

use super::error::LocalError;
use super::models::ModelPaths;
use super::runtime;
use super::tokenizer::{Vocabulary, END, START};

/// The rate the model was trained on; callers resample to it.
pub const SAMPLE_RATE: u32 = 16_000;
/// Shorter input has too few samples for the encoder's three strided convolutions
/// (kernels 127/7/3, strides 64/3/2 need at least 895 samples) and holds no word anyway.
const MIN_SAMPLES: usize = SAMPLE_RATE as usize / 10;
/// About the most tokens per second of speech Moonshine produces (it averages 4–5 in English),
/// plus a margin: the bound that stops a decoder stuck repeating itself.
const TOKENS_PER_SECOND: f64 = 6.5;
const TOKEN_MARGIN: usize = 8;
const LAYERS: usize = 6;
const HEADS: i64 = 8;
const HEAD_DIM: i64 = 36;
const ENCODER: &str = "the speech encoder";
const DECODER: &str = "the speech decoder";
const CACHE_KINDS: [&str; 4] = ["decoder.key", "decoder.value", "encoder.key", "encoder.value"];

pub struct Transcriber {
    encoder: Session,
    decoder: Session,
    vocabulary: Vocabulary,
}

impl Transcriber {
    pub fn load(paths: &ModelPaths) -> Result<Self, LocalError> {
        let env = runtime::environment(&paths.runtime)?;
        let vocabulary = Vocabulary::load(&paths.stt_tokenizer)?;
        let encoder = runtime::session(&env, &paths.stt_encoder)?;
        let decoder = runtime::session(&env, &paths.stt_decoder)?;
        for (session, path, names) in [
            (&encoder, &paths.stt_encoder, &["input_values"][..]),
            (
                &decoder,
                &paths.stt_decoder,
                &["input_ids", "use_cache_branch", "past_key_values.5.encoder.value"][..],
            ),
        ] {
            for name in names {
                if !session.inputs().iter().any(|i| i.name() == *name) {
                    let detail = format!("the model has no input `{name}`: not a Moonshine model");
                    return Err(LocalError::Model { path: path.clone(), detail });
                }
            }
        }
        Ok(Transcriber { encoder, decoder, vocabulary })
    }

    /// The words in `pcm_16k_mono` (16 kHz mono samples in -1..1). Audio too short to hold a word
    /// gives an empty string.
    pub fn transcribe(&mut self, pcm_16k_mono: &[f32]) -> Result<String, LocalError> {
        if pcm_16k_mono.len() < MIN_SAMPLES {
            return Ok(String::new());
        }
        // A NaN or an infinity would spread through every layer; silence is the honest stand-in.
        let audio: Vec<f32> =
            pcm_16k_mono.iter().map(|s| if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 }).collect();
        let samples = audio.len();
        let hidden = self.encode(audio)?;
        let seconds = samples as f64 / f64::from(SAMPLE_RATE);
        let max_tokens = (seconds * TOKENS_PER_SECOND).ceil() as usize + TOKEN_MARGIN;
        let ids = self.decode(&hidden, samples, max_tokens)?;
        Ok(self.vocabulary.decode(&ids))
    }

    fn encode(&mut self, audio: Vec<f32>) -> Result<DynValue, LocalError> {
        let err = LocalError::inference(ENCODER);
        let n = audio.len();
        let input = Tensor::from_array(([1, n], audio)).map_err(&err)?;
        let mask = Tensor::from_array(([1, n], vec![1i64; n])).map_err(&err)?;
        let mut out = self
            .encoder
            .run(ort::inputs!["input_values" => input, "attention_mask" => mask])
            .map_err(&err)?;
        let detail = "no `last_hidden_state` output".into();
        out.remove("last_hidden_state").ok_or(LocalError::Inference { model: ENCODER, detail })
    }

    /// Greedy decoding. The first step runs the decoder without a cache (`use_cache_branch`
    /// false, empty past) and returns the cross-attention cache, computed once from the audio;
    /// later steps feed one token and the growing self-attention cache.
    fn decode(
        &mut self,
        hidden: &DynValue,
        samples: usize,
        max_tokens: usize,
    ) -> Result<Vec<i64>, LocalError> {
        let err = LocalError::inference(DECODER);
        let fail = |detail: String| LocalError::Inference { model: DECODER, detail };
        // The decoder takes the mask at the audio's length and downsamples it itself.
        let mask = Tensor::from_array(([1, samples], vec![1i64; samples])).map_err(&err)?.into_dyn();
        let empty = || Tensor::from_array(([1, HEADS, 0, HEAD_DIM], Vec::<f32>::new())).map(|t| t.into_dyn());
        // cache[layer][kind], kinds in CACHE_KINDS order.
        let mut cache: Vec<[DynValue; 4]> = Vec::with_capacity(LAYERS);
        for _ in 0..LAYERS {
            cache.push([
                empty().map_err(&err)?,
                empty().map_err(&err)?,
                empty().map_err(&err)?,
                empty().map_err(&err)?,
            ]);
        }
        let mut tokens = Vec::new();
        let mut last = START;
        for step in 0..max_tokens {
            let ids = Tensor::from_array(([1, 1], vec![last])).map_err(&err)?;
            let branch = Tensor::from_array(([1], vec![step > 0])).map_err(&err)?;
            let mut inputs: Vec<(Cow<str>, SessionInputValue)> = vec![
                ("input_ids".into(), ids.into()),
                ("encoder_hidden_states".into(), hidden.into()),
                ("encoder_attention_mask".into(), (&mask).into()),
                ("use_cache_branch".into(), branch.into()),
            ];
            for (layer, values) in cache.iter().enumerate() {
                for (kind, value) in CACHE_KINDS.iter().zip(values) {
                    inputs.push((format!("past_key_values.{layer}.{kind}").into(), value.into()));
                }
            }
            let mut out = self.decoder.run(inputs).map_err(&err)?;
            let logits = out.get("logits").ok_or_else(|| fail("no `logits` output".into()))?;
            let (shape, logits) = logits.try_extract_tensor::<f32>().map_err(&err)?;
            let vocab = usize::try_from(shape.last().copied().unwrap_or(0)).unwrap_or(0);
            let row = logits.len().checked_sub(vocab).and_then(|at| logits.get(at..)).unwrap_or_default();
            if row.is_empty() {
                return Err(fail("empty logits".into()));
            }
            let next = argmax(row) as i64;
            for (layer, values) in cache.iter_mut().enumerate() {
                // The cross-attention cache from the first step stays; later steps only echo it.
                let kinds = if step == 0 { 4 } else { 2 };
                for (kind, slot) in CACHE_KINDS.iter().zip(values.iter_mut()).take(kinds) {
                    let name = format!("present.{layer}.{kind}");
                    *slot = out.remove(name.as_str()).ok_or_else(|| fail(format!("no `{name}` output")))?;
                }
            }
            if next == END {
                break;
            }
            tokens.push(next);
            last = next;
        }
        Ok(tokens)
    }
}

fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in row.iter().enumerate() {
        if *v > row[best] {
            best = i;
        }
    }
    best
}
