//! The UI's commands: each one calls the core's `App` and turns its error into the sentence the
//! UI shows. No decisions are made here. Each one is also a row of `command_table.rs`, which
//! registers it.

use companion::backend::{SessionDetail, TaskInput};
use companion::config::{Settings, SyncMode};
use companion::desktop::{App, AppStatus, Devices, Exported, KeyName, TalkMode};
use companion::export::Format;
use companion::store::{ConversationRow, GoalRow, SearchHit, TaskRow};
use companion::sync::SyncStatus;
use std::sync::Arc;
use tauri::State;

type Res<T> = Result<T, String>;
type AppState<'a> = State<'a, Arc<App>>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Search hits mark matches with private-use characters, which no transcript contains, so the
/// UI can build highlight elements without parsing HTML.
pub const MARK_START: &str = "\u{E000}";
pub const MARK_END: &str = "\u{E001}";

#[tauri::command]
pub fn app_status(app: AppState<'_>) -> AppStatus {
    app.status()
}

#[tauri::command]
pub async fn start_talk(app: AppState<'_>, mode: TalkMode) -> Res<String> {
    app.inner().clone().start_talk(mode).await.map_err(err)
}

#[tauri::command]
pub async fn stop_talk(app: AppState<'_>) -> Res<()> {
    app.stop_talk().map_err(err)
}

#[tauri::command]
pub fn set_muted(app: AppState<'_>, muted: bool) -> Res<()> {
    app.set_muted(muted);
    Ok(())
}

#[tauri::command]
pub fn push_to_talk(app: AppState<'_>, pressed: bool) -> Res<()> {
    app.push_to_talk(pressed);
    Ok(())
}

#[tauri::command]
pub fn send_text(app: AppState<'_>, text: String) -> Res<()> {
    app.send_text(&text).map_err(err)
}

#[tauri::command]
pub async fn undo_call(app: AppState<'_>, session_id: String, call_id: String) -> Res<String> {
    app.undo_call(&session_id, &call_id).map_err(err)
}

#[tauri::command]
pub async fn list_sessions(app: AppState<'_>, limit: i64) -> Res<Vec<ConversationRow>> {
    app.service().list_sessions(limit).map_err(err)
}

#[tauri::command]
pub async fn session_detail(app: AppState<'_>, id: String) -> Res<SessionDetail> {
    app.service().session_detail(&id).map_err(err)
}

#[tauri::command]
pub async fn search(app: AppState<'_>, query: String, limit: i64) -> Res<Vec<SearchHit>> {
    app.service().search(&query, limit, (MARK_START, MARK_END)).map_err(err)
}

#[tauri::command]
pub async fn export_session(app: AppState<'_>, id: String, format: Format) -> Res<Exported> {
    app.export_session(&id, format).map_err(err)
}

#[tauri::command]
pub async fn delete_session(app: AppState<'_>, id: String) -> Res<()> {
    app.service().delete_session(&id).map_err(err)
}

#[tauri::command]
pub async fn delete_all_sessions(app: AppState<'_>) -> Res<usize> {
    app.service().delete_all_sessions().map_err(err)
}

#[tauri::command]
pub async fn list_tasks(app: AppState<'_>) -> Res<Vec<TaskRow>> {
    app.service().tasks().map_err(err)
}

#[tauri::command]
pub async fn create_task(
    app: AppState<'_>,
    title: String,
    scheduled_at: String,
    duration_minutes: Option<i64>,
    notes: Option<String>,
    remind_before_minutes: Option<i64>,
) -> Res<TaskRow> {
    let input = TaskInput { title, scheduled_at, duration_minutes, notes, remind_before_minutes };
    app.service().create_task(&input).map_err(err)
}

#[tauri::command]
pub async fn update_task(
    app: AppState<'_>,
    id: String,
    title: String,
    scheduled_at: String,
    duration_minutes: Option<i64>,
    notes: Option<String>,
    remind_before_minutes: Option<i64>,
) -> Res<TaskRow> {
    let input = TaskInput { title, scheduled_at, duration_minutes, notes, remind_before_minutes };
    app.service().update_task(&id, &input).map_err(err)
}

#[tauri::command]
pub async fn set_task_done(app: AppState<'_>, id: String, done: bool) -> Res<TaskRow> {
    app.service().set_task_done(&id, done).map_err(err)
}

#[tauri::command]
pub async fn delete_task(app: AppState<'_>, id: String) -> Res<()> {
    app.service().delete_task(&id).map_err(err)
}

/// The task's reminder comes again in `minutes`; returns when (RFC 3339 UTC).
#[tauri::command]
pub async fn snooze_reminder(app: AppState<'_>, task_id: String, minutes: i64) -> Res<String> {
    app.snooze_reminder(&task_id, minutes).map_err(err)
}

#[tauri::command]
pub async fn list_goals(app: AppState<'_>) -> Res<Vec<GoalRow>> {
    app.service().goals().map_err(err)
}

#[tauri::command]
pub async fn create_goal(app: AppState<'_>, statement: String, timeline: String) -> Res<GoalRow> {
    app.service().create_goal(&statement, &timeline).map_err(err)
}

#[tauri::command]
pub async fn set_goal_status(app: AppState<'_>, id: String, status: String) -> Res<GoalRow> {
    app.service().set_goal_status(&id, &status).map_err(err)
}

#[tauri::command]
pub async fn delete_goal(app: AppState<'_>, id: String) -> Res<()> {
    app.service().delete_goal(&id).map_err(err)
}

#[tauri::command]
pub fn get_settings(app: AppState<'_>) -> Settings {
    app.settings()
}

#[tauri::command]
pub async fn save_settings<R: tauri::Runtime>(
    handle: tauri::AppHandle<R>,
    app: AppState<'_>,
    settings: Settings,
) -> Res<Settings> {
    let saved = app.save_settings(settings).map_err(err)?;
    crate::startup::apply(&handle, &saved.startup)?;
    Ok(saved)
}

#[tauri::command]
pub async fn get_prompt(app: AppState<'_>) -> Res<String> {
    app.prompt().map_err(err)
}

#[tauri::command]
pub async fn save_prompt(app: AppState<'_>, prompt: String) -> Res<()> {
    app.save_prompt(&prompt).map_err(err)
}

#[tauri::command]
pub async fn set_api_key(app: AppState<'_>, name: KeyName, key: String) -> Res<AppStatus> {
    app.set_api_key(name, &key).map_err(err)
}

#[tauri::command]
pub async fn clear_api_key(app: AppState<'_>, name: KeyName) -> Res<AppStatus> {
    app.clear_api_key(name).map_err(err)
}

#[tauri::command]
pub async fn list_devices(app: AppState<'_>) -> Res<Devices> {
    Ok(app.devices())
}

#[tauri::command]
pub async fn sync_status(app: AppState<'_>) -> Res<SyncStatus> {
    app.sync_status().map_err(err)
}

#[tauri::command]
pub async fn sync_now(app: AppState<'_>) -> Res<()> {
    app.sync_now().await.map_err(err)
}

#[tauri::command]
pub async fn set_sync_settings(
    app: AppState<'_>,
    url: String,
    user_id: String,
    enabled: bool,
    mode: SyncMode,
) -> Res<SyncStatus> {
    app.set_sync_settings(&url, &user_id, enabled, mode).await.map_err(err)
}

#[tauri::command]
pub async fn enable_sync(app: AppState<'_>, send_history: bool) -> Res<SyncStatus> {
    app.enable_sync(send_history).await.map_err(err)
}

#[tauri::command]
pub async fn save_sync_token(app: AppState<'_>, token: String) -> Res<AppStatus> {
    app.save_sync_token(&token).map_err(err)
}

#[tauri::command]
pub async fn clear_sync_token(app: AppState<'_>) -> Res<AppStatus> {
    app.clear_sync_token().map_err(err)
}

#[tauri::command]
pub async fn sync_retry(app: AppState<'_>, id: Option<i64>) -> Res<SyncStatus> {
    app.sync_retry(id).map_err(err)
}

#[tauri::command]
pub async fn sync_discard(app: AppState<'_>, id: i64) -> Res<SyncStatus> {
    app.sync_discard(id).map_err(err)
}

#[tauri::command]
pub async fn sync_retry_session(app: AppState<'_>, conversation_id: String) -> Res<SyncStatus> {
    app.sync_retry_session(&conversation_id).map_err(err)
}

#[tauri::command]
pub async fn sync_discard_session(app: AppState<'_>, conversation_id: String) -> Res<SyncStatus> {
    app.sync_discard_session(&conversation_id).map_err(err)
}
