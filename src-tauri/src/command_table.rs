//! The one list of the UI's commands: what the UI calls, with which arguments, and what comes
//! back. Everything else follows from it:
//! - build.rs declares each command to Tauri (its `allow-…` permission) and generates the invoke
//!   handler `lib.rs` registers, so a listed command without a function in `commands.rs` does
//!   not compile;
//! - `tests/bindings.rs` generates `ui/src/bindings.ts` from it and fails when the committed file
//!   differs, when `capabilities/default.json` grants another set of commands, or when
//!   `commands.rs` defines a command that is not listed;
//! - `tests/commands.rs` invokes every entry with exactly these argument names.
//!
//! Adding a command: its function in `commands.rs`, a row here, its `allow-…` line in
//! `capabilities/default.json`, then `UPDATE_BINDINGS=1 cargo test -p flux-desktop --test bindings`.
//!
//! build.rs compiles this file on its own (`#[path]`), so it imports nothing.

/// (JS name, command, arguments as (name, TS type), TS return type)
pub type Command = (&'static str, &'static str, &'static [(&'static str, &'static str)], &'static str);

pub const COMMANDS: &[Command] = &[
    ("appStatus", "app_status", &[], "AppStatus"),
    ("startTalk", "start_talk", &[("mode", "TalkMode")], "string"),
    ("stopTalk", "stop_talk", &[], "null"),
    ("setMuted", "set_muted", &[("muted", "boolean")], "null"),
    ("pushToTalk", "push_to_talk", &[("pressed", "boolean")], "null"),
    ("sendText", "send_text", &[("text", "string")], "null"),
    ("undoCall", "undo_call", &[("sessionId", "string"), ("callId", "string")], "string"),
    ("listSessions", "list_sessions", &[("limit", "number")], "Conversation[]"),
    ("sessionDetail", "session_detail", &[("id", "string")], "SessionDetail"),
    ("search", "search", &[("query", "string"), ("limit", "number")], "SearchHit[]"),
    ("exportSession", "export_session", &[("id", "string"), ("format", "ExportFormat")], "Exported"),
    ("deleteSession", "delete_session", &[("id", "string")], "null"),
    ("deleteAllSessions", "delete_all_sessions", &[], "number"),
    ("listTasks", "list_tasks", &[], "Task[]"),
    (
        "createTask",
        "create_task",
        &[
            ("title", "string"),
            ("scheduledAt", "string"),
            ("durationMinutes", "number | null"),
            ("notes", "string | null"),
            ("remindBeforeMinutes", "number | null"),
        ],
        "Task",
    ),
    (
        "updateTask",
        "update_task",
        &[
            ("id", "string"),
            ("title", "string"),
            ("scheduledAt", "string"),
            ("durationMinutes", "number | null"),
            ("notes", "string"),
            ("remindBeforeMinutes", "number | null"),
        ],
        "Task",
    ),
    ("setTaskDone", "set_task_done", &[("id", "string"), ("done", "boolean")], "Task"),
    ("deleteTask", "delete_task", &[("id", "string")], "null"),
    ("snoozeReminder", "snooze_reminder", &[("taskId", "string"), ("minutes", "number")], "string"),
    ("listGoals", "list_goals", &[], "Goal[]"),
    ("createGoal", "create_goal", &[("statement", "string"), ("timeline", "string")], "Goal"),
    ("setGoalStatus", "set_goal_status", &[("id", "string"), ("status", "GoalStatus")], "Goal"),
    ("deleteGoal", "delete_goal", &[("id", "string")], "null"),
    ("getSettings", "get_settings", &[], "Settings"),
    ("saveSettings", "save_settings", &[("settings", "Settings")], "Settings"),
    ("getPrompt", "get_prompt", &[], "string"),
    ("savePrompt", "save_prompt", &[("prompt", "string")], "null"),
    ("setApiKey", "set_api_key", &[("name", "KeyName"), ("key", "string")], "AppStatus"),
    ("clearApiKey", "clear_api_key", &[("name", "KeyName")], "AppStatus"),
    ("listDevices", "list_devices", &[], "Devices"),
    ("syncStatus", "sync_status", &[], "SyncStatus"),
    ("syncNow", "sync_now", &[], "null"),
    (
        "setSyncSettings",
        "set_sync_settings",
        &[("url", "string"), ("userId", "string"), ("enabled", "boolean"), ("mode", "SyncMode")],
        "SyncStatus",
    ),
    ("enableSync", "enable_sync", &[("sendHistory", "boolean")], "SyncStatus"),
    ("saveSyncToken", "save_sync_token", &[("token", "string")], "AppStatus"),
    ("clearSyncToken", "clear_sync_token", &[], "AppStatus"),
    ("syncRetry", "sync_retry", &[("id", "number | null")], "SyncStatus"),
    ("syncDiscard", "sync_discard", &[("id", "number")], "SyncStatus"),
    ("syncRetrySession", "sync_retry_session", &[("conversationId", "string")], "SyncStatus"),
    ("syncDiscardSession", "sync_discard_session", &[("conversationId", "string")], "SyncStatus"),
];
