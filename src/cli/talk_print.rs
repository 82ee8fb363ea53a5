//! What `companion talk` prints: the conversation as it happens, and the summary at the end.

use crate::session::{saving, SessionEnd, SessionEvent, SessionReport};

pub(super) fn print_event(event: &SessionEvent, quiet: bool) {
    match event {
        SessionEvent::Reconnecting { attempt, reason } => {
            eprintln!("reconnecting (attempt {attempt}): {reason}")
        }
        SessionEvent::Error { code, description } => eprintln!("agent error {code}: {description}"),
        SessionEvent::Warning { code, description } if saving::is_storage_notice(code) => {
            eprintln!("{description}")
        }
        SessionEvent::Warning { code, description } => eprintln!("agent warning {code}: {description}"),
        // Shown even when quiet: it may matter more than anything else said.
        SessionEvent::SafetyNotice { notice } => eprintln!(
            "\n*** If this is an emergency, call {} now. {}: {}. Flux is not an emergency service. ***\n",
            notice.emergency_number, notice.crisis_line.name, notice.crisis_line.number
        ),
        _ if quiet => {}
        SessionEvent::Started { session_id, .. } => {
            println!("session {session_id}: talking (Ctrl-C to stop)")
        }
        SessionEvent::Transcript { role, content, typed } => {
            let who = if role == "user" {
                if *typed {
                    "you (typed)"
                } else {
                    "you"
                }
            } else {
                "flux"
            };
            println!("{who}: {content}");
        }
        SessionEvent::FunctionCall { name, arguments, .. } => println!("  → {name} {arguments}"),
        SessionEvent::FunctionResult { name, content, .. } => println!("  ← {name}: {content}"),
        SessionEvent::FunctionCancelled { name, .. } => println!("  ✕ {name} cancelled"),
        _ => {}
    }
}

pub(super) fn print_summary(report: &SessionReport) {
    let outcome = match &report.end {
        SessionEnd::Completed => "completed".to_string(),
        SessionEnd::Stopped => "stopped".to_string(),
        SessionEnd::Interrupted { reason } => format!("interrupted: {reason}"),
    };
    println!("session {} {outcome}", report.session_id);
    // Over the turns the report still holds (the most recent ones).
    let spoken: Vec<f64> = report.turns.iter().filter_map(|t| t.speech_end_to_played_ms).collect();
    let median = median(&spoken);
    println!(
        "{} turns, {} messages, {} function calls, {} barge-ins, {} reconnects{}",
        report.stats.turns,
        report.earlier.transcript + report.transcript.len() as u64,
        report.earlier.function_calls + report.function_calls.len() as u64,
        report.stats.barge_ins,
        report.stats.reconnects,
        median.map(|m| format!(", median speech end → agent audio played {m:.0} ms")).unwrap_or_default()
    );
    for call in &report.function_calls {
        let result =
            if call.cancelled { "cancelled".to_string() } else { call.result.clone().unwrap_or_default() };
        println!("  {} {} → {}", call.name, call.arguments, result);
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}
