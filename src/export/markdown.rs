use super::speaker;
use crate::backend::SessionDetail;
use std::fmt::Write;

pub fn render(d: &SessionDetail) -> String {
    let c = &d.conversation;
    let mut out = String::new();
    let _ = writeln!(out, "# Conversation {}\n", c.id);
    let _ = writeln!(out, "- Started: {}", c.started_at);
    if let Some(end) = &c.ended_at {
        let _ = writeln!(out, "- Ended: {end}");
    }
    let _ = write!(out, "- Status: {}", c.status.as_str());
    if let Some(why) = &c.end_reason {
        let _ = write!(out, " ({why})");
    }
    let _ = writeln!(out, "\n- Messages: {}", c.message_count);
    if !d.safety_categories.is_empty() {
        let _ = writeln!(out, "- Safety notice shown: {}", d.safety_categories.join(", "));
    }
    out.push('\n');
    out.push_str("## Transcript\n\n");
    if d.messages.is_empty() {
        out.push_str("_Nothing was said._\n\n");
    }
    for m in &d.messages {
        let time = m.created_at.get(11..19).unwrap_or(&m.created_at);
        let _ = writeln!(out, "**{}** ({time}): {}\n", speaker(&m.role), m.content.trim());
    }
    if !d.function_calls.is_empty() {
        out.push_str("## Actions\n\n");
        for f in &d.function_calls {
            let status = serde_json::to_value(f.status).ok();
            let status = status.as_ref().and_then(|s| s.as_str()).unwrap_or("");
            let _ = writeln!(out, "- `{}` ({status}): {}", f.name, f.result);
        }
        out.push('\n');
    }
    let played: Vec<f64> = d
        .turn_metrics
        .iter()
        .filter_map(|t| t.get("speech_end_to_played_ms").and_then(|v| v.as_f64()))
        .collect();
    if !played.is_empty() {
        let mean = played.iter().sum::<f64>() / played.len() as f64;
        let _ = writeln!(
            out,
            "## Latency\n\n- Turns measured: {}\n- Mean speech end → reply heard: {mean:.0} ms\n",
            played.len()
        );
    }
    out
}
