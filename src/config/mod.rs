//! Settings, the data directory, the persona prompt and the intent catalogue.

mod arguments;
pub mod catalog;
mod echo_setting;
pub mod intent_kind;
pub mod prompt;
mod reminder_setting;
mod retention;
mod safety_setting;
pub mod secret;
mod settings;
mod startup;
mod sync_setting;

pub use echo_setting::EchoSetting;
pub use reminder_setting::{ReminderSettings, MAX_REMINDER_LEAD_MINUTES};
pub use retention::{RetentionSettings, MAX_RETENTION_DAYS};
pub use safety_setting::SafetySettings;
pub use settings::{
    AgentSettings, AudioSettings, DeepgramSettings, Limits, OpenAiSettings, ProviderChoice, Settings,
    UserSettings,
};
pub use startup::{StartupSettings, AT_LOGIN_ARG};
pub use sync_setting::{SyncMode, SyncSettings};

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no data directory: pass --data-dir or set COMPANION_DATA_DIR")]
    NoDataDir,
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid settings: {detail}")]
    Invalid { path: PathBuf, detail: String },
    #[error("config/intents.yaml is not a valid intent catalogue: {0}")]
    Catalog(String),
}

/// A YAML error that always says where: serde_yaml puts the line in some messages only.
pub(crate) fn yaml_error(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match e.location() {
        Some(at) if !text.contains(" line ") => format!("line {}, column {}: {text}", at.line(), at.column()),
        Some(_) => text,
        // Errors found after parsing (a wrong type for the whole document) belong to its start.
        None => format!("line 1: {text}"),
    }
}

/// `--data-dir`, else `COMPANION_DATA_DIR`, else the OS data dir (`~/.local/share/flux-companion`).
pub fn resolve_data_dir(flag: Option<&Path>) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("COMPANION_DATA_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("flux-companion")).ok_or(ConfigError::NoDataDir)
}

/// The persona prompt: the user's edited copy in the data dir if there is one, else the default.
pub fn load_prompt_template(data_dir: &Path) -> Result<String, ConfigError> {
    let path = data_dir.join("voice_prompt.md");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => Ok(text),
        Ok(_) => Ok(prompt::DEFAULT_TEMPLATE.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(prompt::DEFAULT_TEMPLATE.to_string()),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

/// Writes next to `path`, then renames over it, so a crash or a full disk never leaves half a
/// file in its place; the partial copy is removed when the write fails.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let result = std::fs::write(&tmp, contents).and_then(|_| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_nothing_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomically(&path, "one").unwrap();
        write_atomically(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        // The target is a directory: the rename fails and the partial copy is cleaned up.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_atomically(&blocked, "three").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "only a.txt and blocked/ remain: {names:?}");
    }
}
