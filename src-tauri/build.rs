// The Tauri config lives at the repository root (the project's layout), so the build runs from
// there; capabilities stay beside this crate.
const COMMANDS: [&str; 29] = [
    "app_status",
    "start_talk",
    "stop_talk",
    "set_muted",
    "push_to_talk",
    "send_text",
    "undo_call",
    "list_sessions",
    "session_detail",
    "search",
    "export_session",
    "delete_session",
    "delete_all_sessions",
    "list_tasks",
    "create_task",
    "update_task",
    "set_task_done",
    "delete_task",
    "list_goals",
    "create_goal",
    "set_goal_status",
    "delete_goal",
    "get_settings",
    "save_settings",
    "get_prompt",
    "save_prompt",
    "set_api_key",
    "clear_api_key",
    "list_devices",
];

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    println!("cargo:rerun-if-changed={}", root.join("tauri.conf.json").display());
    println!("cargo:rerun-if-changed=capabilities");
    if let Err(e) = std::env::set_current_dir(&root) {
        panic!("cannot enter {}: {e}", root.display());
    }
    // Declaring the commands makes each one need a permission; capabilities grant them.
    let manifest = tauri_build::AppManifest::new().commands(&COMMANDS);
    let attrs = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri build failed: {e:#}");
    }
}
