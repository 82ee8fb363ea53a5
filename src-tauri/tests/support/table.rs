//! The command table: what the UI calls, with which arguments, and what comes back.

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
        ],
        "Task",
    ),
    ("setTaskDone", "set_task_done", &[("id", "string"), ("done", "boolean")], "Task"),
    ("deleteTask", "delete_task", &[("id", "string")], "null"),
    ("listGoals", "list_goals", &[], "Goal[]"),
    ("createGoal", "create_goal", &[("statement", "string"), ("timeline", "string")], "Goal"),
    ("setGoalStatus", "set_goal_status", &[("id", "string"), ("status", "GoalStatus")], "Goal"),
    ("deleteGoal", "delete_goal", &[("id", "string")], "null"),
    ("getSettings", "get_settings", &[], "Settings"),
    ("saveSettings", "save_settings", &[("settings", "Settings")], "Settings"),
    ("getPrompt", "get_prompt", &[], "string"),
    ("savePrompt", "save_prompt", &[("prompt", "string")], "null"),
    ("setApiKey", "set_api_key", &[("key", "string")], "AppStatus"),
    ("clearApiKey", "clear_api_key", &[], "AppStatus"),
    ("listDevices", "list_devices", &[], "Devices"),
];
