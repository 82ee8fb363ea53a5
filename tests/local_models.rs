//! The local voice models for real: speech to text on espeak-ng speech, text to speech heard back
//! by speech to text, and what a missing or damaged install says. The models are installed
//! before the tests (`scripts/install-models`, run by `.ci/run`), so a missing model fails here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use companion::audio::resample::MonoResampler;
use companion::local::{LocalError, ModelPaths, ModelsError, Synthesizer, Transcriber};

struct Voice {
    stt: Transcriber,
    tts: Synthesizer,
}

/// The installed models dir, checked.
fn installed() -> ModelPaths {
    ModelPaths::locate(None)
        .unwrap_or_else(|e| panic!("the local voice models must be installed for these tests: {e}"))
}

/// The models, loaded once for every test of this file (cargo test runs them in one process;
/// nextest runs each test in its own, so only the tests that run a model ask for them).
fn voice() -> MutexGuard<'static, Voice> {
    static VOICE: OnceLock<Mutex<Voice>> = OnceLock::new();
    VOICE
        .get_or_init(|| {
            let paths = installed();
            let stt = Transcriber::load(&paths).unwrap_or_else(|e| panic!("{e}"));
            let tts = Synthesizer::load(&paths).unwrap_or_else(|e| panic!("{e}"));
            Mutex::new(Voice { stt, tts })
        })
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

fn to_16k(samples: &[f32], rate: u32) -> Vec<f32> {
    let mut resampler = MonoResampler::new(rate, 16_000).unwrap();
    let mut out = Vec::new();
    resampler.process(samples, &mut out).unwrap();
    resampler.finish(&mut out).unwrap();
    out
}

/// Whether `word` was heard: by whole words, or across a split the model made ("to-morrow").
fn heard(text: &str, word: &str) -> bool {
    let clean: String =
        text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    clean.split_whitespace().any(|w| w == word) || clean.replace(' ', "").contains(word)
}

#[test]
fn espeak_speech_is_transcribed() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("speech.wav");
    // en-us with a short gap between words: the setting Moonshine hears "tomorrow" in best.
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "135", "-g", "4", "-w"])
        .arg(&wav)
        .arg("Remind me to call the dentist tomorrow at five pm")
        .status()
        .expect("espeak-ng is needed (apt-get install espeak-ng)");
    assert!(status.success());
    let mut reader = hound::WavReader::open(&wav).unwrap();
    let rate = reader.spec().sample_rate;
    let samples: Vec<f32> = reader.samples::<i16>().map(|s| f32::from(s.unwrap()) / 32768.0).collect();
    let text = voice().stt.transcribe(&to_16k(&samples, rate)).unwrap();
    assert!(heard(&text, "dentist") && heard(&text, "tomorrow"), "heard {text:?}");
}

#[test]
fn synthesised_speech_is_heard_back() {
    let mut voice = voice();
    assert_eq!(voice.tts.sample_rate(), 22_050);
    let audio = voice.tts.synthesize("Added call the dentist tomorrow at nine.").unwrap();
    let seconds = audio.len() as f32 / 22_050.0;
    assert!((1.0..6.0).contains(&seconds), "{seconds} s of audio");
    assert!(audio.iter().any(|s| s.abs() > 0.1), "silent");
    let text = voice.stt.transcribe(&to_16k(&audio, 22_050)).unwrap();
    assert!(heard(&text, "dentist") && heard(&text, "nine"), "heard {text:?}");
}

#[test]
fn without_variation_a_sentence_always_sounds_the_same() {
    const TEXT: &str = "Add a task to water the plants.";
    let paths = installed();
    // The control: by default the voice varies each time it says a sentence.
    let mut varied = voice();
    let (a, b) = (varied.tts.synthesize(TEXT).unwrap(), varied.tts.synthesize(TEXT).unwrap());
    assert_ne!(a, b, "the default voice varies");
    drop(varied);
    let mut steady = Synthesizer::load(&paths).unwrap().without_variation();
    let (a, b) = (steady.synthesize(TEXT).unwrap(), steady.synthesize(TEXT).unwrap());
    assert!(a.iter().any(|s| s.abs() > 0.1), "silent");
    assert_eq!(a, b);
}

#[test]
fn nothing_to_hear_or_say_is_empty_not_an_error() {
    let mut voice = voice();
    assert_eq!(voice.stt.transcribe(&[]).unwrap(), "");
    assert_eq!(voice.stt.transcribe(&[0.0; 800]).unwrap(), "");
    // Non-finite samples are treated as silence rather than poisoning the model.
    let mut odd = vec![0.0f32; 16_000];
    odd[100] = f32::NAN;
    odd[200] = f32::INFINITY;
    voice.stt.transcribe(&odd).unwrap();
    assert!(voice.tts.synthesize("").unwrap().is_empty());
    assert!(voice.tts.synthesize("  \n ").unwrap().is_empty());
}

#[test]
fn sentences_are_synthesised_one_by_one() {
    let sentences = companion::local::split_sentences("Done. I added it to your list! Anything else?");
    assert_eq!(sentences.len(), 3);
    let mut voice = voice();
    for s in &sentences {
        assert!(!voice.tts.synthesize(s).unwrap().is_empty(), "{s}");
    }
}

#[test]
fn a_missing_models_dir_names_the_install_command() {
    let dir = tempfile::tempdir().unwrap();
    let err = ModelPaths::open(&dir.path().join("models")).unwrap_err();
    assert!(matches!(err, ModelsError::NotInstalled { .. }), "{err:?}");
    assert!(err.to_string().contains("scripts/install-models"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_companion"))
        .arg("models")
        .env("COMPANION_MODELS_DIR", dir.path().join("models"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("scripts/install-models"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("not installed"));
}

#[test]
fn the_installed_models_are_listed() {
    let dir = installed().dir;
    let out = Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(["models", "--json"])
        .env("COMPANION_MODELS_DIR", &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["installed"], true);
    assert_eq!(report["components"].as_array().map(Vec::len), Some(3));
}

/// A copy of the installed models dir whose files link to the real ones, but `damaged`, which
/// is a real file of the same name written by `write`.
fn damaged_copy(real: &Path, damaged: &str, write: impl FnOnce(&Path)) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for sub in ["moonshine-tiny-en", "onnxruntime", "piper"] {
        std::fs::create_dir(copy.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(real.join(sub)).unwrap() {
            let from: PathBuf = entry.unwrap().path();
            let rel = format!("{sub}/{}", from.file_name().unwrap().to_string_lossy());
            if rel != damaged {
                std::os::unix::fs::symlink(&from, copy.path().join(&rel)).unwrap();
            }
        }
    }
    std::fs::copy(real.join("models.json"), copy.path().join("models.json")).unwrap();
    write(&copy.path().join(damaged));
    copy
}

#[test]
fn a_truncated_model_is_named_at_open() {
    let real = installed().dir;
    let rel = "moonshine-tiny-en/encoder_model.ort";
    let copy = damaged_copy(&real, rel, |path| {
        let bytes = std::fs::read(real.join(rel)).unwrap();
        std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
    });
    let err = ModelPaths::open(copy.path()).unwrap_err();
    assert!(matches!(err, ModelsError::WrongSize { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("encoder_model.ort") && text.contains("scripts/install-models"), "{text}");
}

#[test]
fn damaged_contents_of_the_right_size_fail_to_load_without_a_panic() {
    let real = installed().dir;
    for rel in ["moonshine-tiny-en/decoder_model_merged.ort", "piper/en_US-joe-medium.onnx"] {
        let size = std::fs::metadata(real.join(rel)).unwrap().len();
        let copy = damaged_copy(&real, rel, |path| {
            let file = std::fs::File::create(path).unwrap();
            file.set_len(size).unwrap();
        });
        let paths = ModelPaths::open(copy.path()).expect("the sizes match");
        let err = match rel.starts_with("piper") {
            true => Synthesizer::load(&paths).err(),
            false => Transcriber::load(&paths).err(),
        };
        let err = err.expect("a model of zeros must not load");
        assert!(matches!(err, LocalError::Model { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(rel.rsplit('/').next().unwrap()) && text.contains("--force"), "{text}");
        assert!(matches!(paths.verify(), Err(ModelsError::Checksum { .. })));
    }
}
