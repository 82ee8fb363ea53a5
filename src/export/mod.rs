//! Exports of one conversation: Markdown for reading, JSON for scripts, SRT and VTT captions
//! timed from the conversation's start.

mod captions;
mod markdown;

use crate::backend::SessionDetail;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Md,
    Json,
    Srt,
    Vtt,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Json => "json",
            Format::Srt => "srt",
            Format::Vtt => "vtt",
        }
    }
}

pub fn render(d: &SessionDetail, format: Format) -> String {
    match format {
        Format::Md => markdown::render(d),
        // The detail is plain data (strings, numbers, JSON values): serialising cannot fail.
        Format::Json => serde_json::to_string_pretty(d).unwrap_or_default() + "\n",
        Format::Srt => captions::srt(d),
        Format::Vtt => captions::vtt(d),
    }
}

pub(crate) fn speaker(role: &str) -> &'static str {
    if role == "user" {
        "You"
    } else {
        "Flux"
    }
}
