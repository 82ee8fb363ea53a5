//! Generates `ui/src/bindings.ts` from the Rust types (ts-rs) and the command table
//! (`src/command_table.rs`), and fails when the committed file differs, so the UI and the shell
//! cannot drift apart. Run with `UPDATE_BINDINGS=1 cargo test -p flux-desktop --test bindings`
//! after changing either side. The table is also checked against the grants in
//! `capabilities/default.json` and the functions of `commands.rs` (and tests/commands.rs invokes
//! every entry with exactly these argument names).

use companion::backend::{CallView, SessionDetail};
use companion::desktop::{AppStatus, Devices, Exported, KeyName, TalkMode};
use companion::export::Format;
use companion::session::{SessionEnd, SessionEvent, SessionState, SessionStats, TurnMetrics};
use companion::store::{
    CallStatus, ConversationRow, ConversationStatus, GoalRow, MessageRow, SearchHit, TaskRow, TaskStatus,
};
use companion::sync::status::{LostSession, QuarantinedItem};
use companion::sync::{SyncState, SyncStatus};
use ts_rs::{Config, TS};

use flux_desktop::command_table as table;
use table::COMMANDS;

macro_rules! decls {
    ($cfg:expr; $($t:ty),* $(,)?) => {{
        let mut out = String::new();
        $(
            out.push_str("export ");
            out.push_str(&<$t as TS>::decl($cfg));
            out.push_str("\n\n");
        )*
        out
    }};
}

fn generate() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from the Rust types and commands by `UPDATE_BINDINGS=1 cargo test -p flux-desktop --test bindings`.\n\
         // Do not edit: change the Rust side and regenerate.\n\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n",
    );
    out.push_str(&decls!(&cfg;
        SessionState, TalkMode, KeyName, AppStatus, ConversationStatus, ConversationRow, MessageRow, CallStatus, CallView,
        SessionDetail, SearchHit, TaskStatus, TaskRow, GoalRow, companion::config::Settings,
        companion::config::UserSettings, companion::config::AgentSettings, companion::config::ProviderChoice,
        companion::config::DeepgramSettings, companion::config::OpenAiSettings,
        companion::config::AudioSettings, companion::config::EchoSetting, companion::config::Limits,
        companion::config::SyncSettings, companion::config::SyncMode, companion::config::RetentionSettings,
        companion::config::SafetySettings, companion::config::StartupSettings,
        companion::config::ReminderSettings,
        companion::audio::Direction,
        companion::audio::DeviceInfo, Devices, Format, Exported, companion::agent::AgentStartedLatency,
        companion::agent::LatencyReport, TurnMetrics, SessionStats, SessionEnd, SessionEvent,
        companion::safety::SafetyNotice, companion::safety::CrisisLine,
        companion::store::outbox::ItemKind, QuarantinedItem, LostSession, SyncState, SyncStatus,
        companion::reminders::Reminder, companion::reminders::ReminderBatch,
    ));
    out.push_str(
        "// The names the UI uses.\n\
         export type Conversation = ConversationRow;\n\
         export type Message = MessageRow;\n\
         export type Task = TaskRow;\n\
         export type Goal = GoalRow;\n\
         export type GoalStatus = \"active\" | \"done\" | \"archived\";\n\
         export type ExportFormat = Format;\n\
         export type SessionOutcome = SessionEnd;\n\n\
         // Commands reject with the error sentence (a string) to show as-is.\n\
         export const commands = {\n",
    );
    for (js, name, args, ret) in COMMANDS {
        let params: Vec<String> = args.iter().map(|(a, t)| format!("{a}: {t}")).collect();
        let names: Vec<&str> = args.iter().map(|(a, _)| *a).collect();
        let payload = if names.is_empty() { String::new() } else { format!(", {{ {} }}", names.join(", ")) };
        out.push_str(&format!("  {js}: ({}) => invoke<{ret}>(\"{name}\"{payload}),\n", params.join(", ")));
    }
    out.push_str(
        "};\n\n\
         export const events = {\n  sessionEvent: \"session-event\",\n  appStatus: \"app-status\",\n  syncStatus: \"sync-status\",\n  audioDevices: \"audio-devices\",\n  reminders: \"reminders\",\n  reminderHandled: \"reminder-handled\",\n} as const;\n",
    );
    out
}

#[test]
fn bindings_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p flux-desktop --test bindings`"
    );
}

#[test]
fn the_table_lists_every_command_the_shell_grants() {
    let caps =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities/default.json")).unwrap();
    for (_, name, _, _) in COMMANDS {
        let perm = format!("\"allow-{}\"", name.replace('_', "-"));
        assert!(caps.contains(&perm), "{name} is not granted in capabilities/default.json");
    }
    assert_eq!(
        caps.matches("\"allow-").count(),
        COMMANDS.len(),
        "a granted command is missing from the table"
    );
}

/// A `#[tauri::command]` left out of the table would be neither registered nor granted.
#[test]
fn the_table_lists_every_command_function() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/commands.rs")).unwrap();
    let mut lines = src.lines().map(str::trim);
    let mut defined = Vec::new();
    while let Some(line) = lines.next() {
        if line != "#[tauri::command]" {
            continue;
        }
        let sig = lines.find(|l| l.contains("fn ")).expect("a function follows #[tauri::command]");
        let name = sig.split("fn ").nth(1).unwrap().split(['(', '<']).next().unwrap();
        defined.push(name.to_owned());
    }
    let mut listed: Vec<String> = COMMANDS.iter().map(|c| c.1.to_owned()).collect();
    defined.sort();
    listed.sort();
    assert_eq!(defined, listed, "commands.rs and src/command_table.rs list different commands");
}
