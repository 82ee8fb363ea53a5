//! A conversation exported to a file the user can open.

use super::{App, DesktopError};
use crate::config::write_atomically;
use crate::export::{self, Format};
use serde::Serialize;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub path: String,
    pub bytes: usize,
}

impl App {
    /// Writes the export to the Downloads folder (the data dir's `exports/` if there is none).
    pub fn export_session(&self, id: &str, format: Format) -> Result<Exported, DesktopError> {
        let detail = self.service.session_detail(id)?;
        let text = export::render(&detail, format);
        let dir = dirs::download_dir().unwrap_or_else(|| self.data_dir.join("exports"));
        std::fs::create_dir_all(&dir).map_err(|e| DesktopError::Io(format!("{}: {e}", dir.display())))?;
        let short: String = id.chars().take(8).collect();
        let day = detail.conversation.started_at.get(..10).unwrap_or("session");
        let path = dir.join(format!("flux-{day}-{short}.{}", format.extension()));
        write_atomically(&path, &text)
            .map_err(|e| DesktopError::Io(format!("cannot write {}: {e}", path.display())))?;
        Ok(Exported { path: path.display().to_string(), bytes: text.len() })
    }
}
