//! SRT and VTT cues. Each message starts when it was stored, relative to the session start, and
//! lasts as long as it takes to say (about 2.5 words a second), cut short by the next one.

use super::speaker;
use crate::backend::SessionDetail;
use crate::time::parse_utc;
use std::fmt::Write;

struct Cue {
    start_ms: i64,
    end_ms: i64,
    who: &'static str,
    text: String,
}

fn cues(d: &SessionDetail) -> Vec<Cue> {
    let origin = parse_utc(&d.conversation.started_at);
    let starts: Vec<i64> = d
        .messages
        .iter()
        .map(|m| match (origin, parse_utc(&m.created_at)) {
            (Some(o), Some(t)) => (t - o).num_milliseconds().max(0),
            _ => 0,
        })
        .collect();
    let mut out = Vec::with_capacity(d.messages.len());
    for (i, m) in d.messages.iter().enumerate() {
        let start = starts[i].max(out.last().map_or(0, |c: &Cue| c.start_ms));
        let words = m.content.split_whitespace().count() as i64;
        let mut end = start + (words * 400).clamp(1000, 15_000);
        if let Some(next) = starts.get(i + 1) {
            if *next > start {
                end = end.min(*next);
            }
        }
        // Blank lines would end a cue early in both formats.
        let text = m.content.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
        out.push(Cue { start_ms: start, end_ms: end.max(start + 1), who: speaker(&m.role), text });
    }
    out
}

fn stamp(ms: i64, sep: char) -> String {
    let (h, rem) = (ms / 3_600_000, ms % 3_600_000);
    format!("{h:02}:{:02}:{:02}{sep}{:03}", rem / 60_000, (rem % 60_000) / 1000, rem % 1000)
}

pub fn srt(d: &SessionDetail) -> String {
    let mut out = String::new();
    for (i, c) in cues(d).iter().enumerate() {
        let text = c.text.replace("-->", "->");
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}: {}\n\n",
            i + 1,
            stamp(c.start_ms, ','),
            stamp(c.end_ms, ','),
            c.who,
            text
        );
    }
    out
}

pub fn vtt(d: &SessionDetail) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for c in cues(d) {
        let text = c.text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let _ =
            write!(out, "{} --> {}\n<v {}>{}\n\n", stamp(c.start_ms, '.'), stamp(c.end_ms, '.'), c.who, text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::stamp;

    #[test]
    fn stamps() {
        assert_eq!(stamp(3_723_004, ','), "01:02:03,004");
        assert_eq!(stamp(0, '.'), "00:00:00.000");
    }
}
