// Generated from the Rust types and commands by `UPDATE_BINDINGS=1 cargo test -p flux-desktop --test bindings`.
// Do not edit: change the Rust side and regenerate.

import { invoke } from "@tauri-apps/api/core";

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type SessionState = "connecting" | "listening" | "user_speaking" | "thinking" | "agent_speaking" | "reconnecting" | "closed";

export type TalkMode = "hands_free" | "push_to_talk";

export type KeyName = "deepgram" | "openai" | "sync";

export type AppStatus = { has_key: boolean, can_talk: boolean, 
/**
 * What a conversation started now would run on: `local`, `deepgram`, `openai`, or `hosted`
 * (Deepgram through the hosted plane the app syncs to).
 */
provider: string, 
/**
 * The models for talking on this computer are installed.
 */
local_ready: boolean, 
/**
 * Why they are not usable, with how to install them.
 */
local_error: string | null, key_hint: string | null, 
/**
 * Why the keychain could not be read, if it could not: the key is then unknown, not missing.
 */
key_error: string | null, has_openai_key: boolean, openai_key_hint: string | null, 
/**
 * Why the OpenAI key could not be read from the keychain, if it could not.
 */
openai_key_error: string | null, 
/**
 * The hosted plane's token is saved (or in COMPANION_SYNC_TOKEN); only its hint is shown.
 */
has_sync_token: boolean, sync_token_hint: string | null, sync_token_error: string | null, has_microphone: boolean, microphone_error: string | null, talking: boolean, session_id: string | null, state: SessionState | null, mode: TalkMode, muted: boolean, data_dir: string, version: string, };

export type ConversationStatus = "open" | "closed" | "interrupted";

export type ConversationRow = { id: string, user_id: string, status: ConversationStatus, started_at: string, ended_at: string | null, end_reason: string | null, message_count: number, 
/**
 * The start of the first user message (`first_words::cut`); `None` when the user said
 * nothing.
 */
first_words: string | null, 
/**
 * A safety notice was shown in this conversation (table `safety_flags`).
 */
safety_notice: boolean, };

export type MessageRow = { id: string, seq: number, role: string, content: string, created_at: string, };

export type CallStatus = "executed" | "failed" | "cancelled";

export type CallView = { id: string, name: string, arguments: JsonValue, status: CallStatus, result: string, created_at: string, };

export type SessionDetail = { messages: Array<MessageRow>, function_calls: Array<CallView>, 
/**
 * As the session recorded them (`TurnMetrics`, `SessionStats` of the session room).
 */
turn_metrics: Array<TurnMetrics>, stats: SessionStats | null, 
/**
 * The kinds of emergency a safety notice was shown for (`chest_pain`), first shown first.
 */
safety_categories: Array<string>, id: string, user_id: string, status: ConversationStatus, started_at: string, ended_at: string | null, end_reason: string | null, message_count: number, 
/**
 * The start of the first user message (`first_words::cut`); `None` when the user said
 * nothing.
 */
first_words: string | null, 
/**
 * A safety notice was shown in this conversation (table `safety_flags`).
 */
safety_notice: boolean, };

export type SearchHit = { conversation_id: string, message_id: string, role: string, created_at: string, 
/**
 * The matching passage with each hit wrapped in the caller's markers.
 */
snippet: string, 
/**
 * bm25 score, lower is better: over every word when each is selective, over the selective
 * words when some are common. 0 when the query is too broad to rank and its hits come newest
 * first.
 */
score: number, };

export type TaskStatus = "pending" | "done";

export type TaskRow = { id: string, user_id: string, goal_id: string | null, title: string, notes: string, 
/**
 * RFC 3339 with the offset the user meant, for display in their time.
 */
scheduled_at: string, duration_minutes: number | null, status: TaskStatus, completed_at: string | null, created_at: string, 
/**
 * Minutes before `scheduled_at` its reminder comes; `None` follows `reminders.lead_minutes`.
 */
remind_before_minutes: number | null, };

export type GoalRow = { id: string, user_id: string, statement: string, timeline: string, status: GoalStatus, created_at: string, };

export type Settings = { user: UserSettings, agent: AgentSettings, deepgram: DeepgramSettings, openai: OpenAiSettings, audio: AudioSettings, limits: Limits, sync: SyncSettings, retention: RetentionSettings, safety: SafetySettings, startup: StartupSettings, reminders: ReminderSettings, };

export type UserSettings = { id: string, display_name: string, timezone: string, };

export type AgentSettings = { voice_model: string, listen_model: string, llm_provider: string, llm_model: string, greeting: string, input_sample_rate: number, output_sample_rate: number, provider: ProviderChoice, };

export type ProviderChoice = "auto" | "local" | "deepgram" | "openai";

export type DeepgramSettings = { api_url: string, agent_url: string, token_ttl_seconds: number, };

export type OpenAiSettings = { api_url: string, model: string, voice: string, transcription_model: string, };

export type AudioSettings = { 
/**
 * Empty means "system default", which follows the OS default device.
 */
input_device: string, output_device: string, echo: EchoSetting, };

export type EchoSetting = "cancel" | "half_duplex" | "off";

export type Limits = { sessions_per_10_minutes: number, sessions_per_day: number, open_sessions_per_user: number, };

export type SyncSettings = { 
/**
 * Deliver in the background while the app, `talk` or `serve` runs.
 */
enabled: boolean, 
/**
 * The plane's base URL (`COMPANION_SYNC_URL` overrides it); empty: no plane.
 */
url: string, 
/**
 * The user id on the plane; empty: `user.id`.
 */
user_id: string, mode: SyncMode, 
/**
 * The plane's limits on new sessions, which the client never exceeds.
 */
sessions_per_10_minutes: number, sessions_per_day: number, };

export type SyncMode = "auto" | "hosted" | "background";

export type RetentionSettings = { 
/**
 * Conversations that started more than this many days ago are deleted with their
 * transcript, search entries and function-call records; `None` (`null`) keeps them forever.
 */
days: number | null, };

export type SafetySettings = { 
/**
 * `auto` (from `user.timezone`), a region code of `config/safety.yaml` such as `US` or
 * `GB`, or `default`.
 */
region: string, };

export type StartupSettings = { 
/**
 * Start Flux when the user logs in (an entry in the system's autostart list).
 */
at_login: boolean, 
/**
 * When started at login, stay in the tray: no window until the user opens it.
 */
hidden: boolean, };

export type ReminderSettings = { 
/**
 * Off: no reminder is shown, and those that come due meanwhile are not kept for later.
 */
enabled: boolean, 
/**
 * How many minutes before a task's time its reminder comes, unless the task has its own.
 */
lead_minutes: number, };

export type Direction = "input" | "output";

export type DeviceInfo = { name: string, 
/**
 * The host's identifier (the ALSA PCM name on Linux, e.g. `pulse`); also selectable.
 */
id: string | null, direction: Direction, is_default: boolean, 
/**
 * The device's default stream config, if it reports one.
 */
sample_rate: number | null, channels: number | null, sample_format: string | null, };

export type Devices = { inputs: Array<DeviceInfo>, outputs: Array<DeviceInfo>, error: string | null, };

export type Format = "md" | "json" | "srt" | "vtt";

export type Exported = { path: string, bytes: number, };

export type AgentStartedLatency = { total_latency?: number | null, tts_latency?: number | null, ttt_latency?: number | null, };

export type LatencyReport = { stt_latency?: number | null, ttt_token_latency?: number | null, ttt_text_latency?: number | null, ttt_tool_latency?: number | null, ttt_thinking_latency?: number | null, tts_latency?: number | null, total_latency?: number | null, };

export type TurnMetrics = { turn: number, typed: boolean, 
/**
 * Local VAD end of the user's speech → first agent audio byte received.
 */
speech_end_to_first_audio_ms: number | null, 
/**
 * First agent audio byte received → first agent sample played.
 */
first_audio_to_played_ms: number | null, 
/**
 * End of the user's speech → first agent sample played (what the user perceives).
 */
speech_end_to_played_ms: number | null, agent_audio_bytes: number, barged_in: boolean, service_started: AgentStartedLatency | null, service_report: LatencyReport | null, };

export type SessionStats = { frames_sent: number, 
/**
 * Frames not sent: no connection (reconnecting) or the writer queue was full.
 */
frames_unsent: number, capture_drops: number, playback_underruns: number, barge_ins: number, reconnects: number, keepalives_sent: number, agent_audio_bytes: number, turns: number, 
/**
 * Echo reduction while Flux spoke (dB), estimated speaker-to-microphone delay (ms), and
 * echo bursts removed that would have been taken for the user (`audio.echo`).
 */
echo_reduction_db: number | null, echo_delay_ms: number | null, false_barge_ins_avoided: number, };

export type SessionEnd = { "kind": "completed" } | { "kind": "stopped" } | { "kind": "interrupted", reason: string, };

export type SessionEvent = { "event": "started", session_id: string, request_id: string, } | { "event": "state", state: SessionState, } | { "event": "transcript", role: string, content: string, typed: boolean, } | { "event": "function_call", id: string, name: string, arguments: string, } | { "event": "function_result", id: string, name: string, content: string, ok: boolean, } | { "event": "function_cancelled", id: string, name: string, } | { "event": "level", dbfs: number, } | { "event": "turn_metrics", metrics: TurnMetrics, } | { "event": "session_stats", stats: SessionStats, } | { "event": "warning", code: string, description: string, } | { "event": "error", code: string, description: string, } | { "event": "safety_notice", notice: SafetyNotice, } | { "event": "reconnecting", attempt: number, reason: string, } | { "event": "ended", outcome: SessionEnd, };

export type SafetyNotice = { 
/**
 * The category's id (`chest_pain`) and its label ("Chest pain or heart attack").
 */
category: string, label: string, 
/**
 * The region the numbers are for (`US`, or `default`).
 */
region: string, emergency_number: string, crisis_line: CrisisLine, };

export type CrisisLine = { name: string, number: string, };

export type ItemKind = "open" | "message" | "intent" | "close";

export type QuarantinedItem = { id: number, conversation_id: string, kind: ItemKind, reason: string, at: string, };

export type LostSession = { conversation_id: string, detail: string, at: string, };

export type SyncState = "not_configured" | "off" | "synced" | "pending" | "offline" | "needs_sign_in" | "rate_limited" | "blocked";

export type SyncStatus = { state: SyncState, configured: boolean, enabled: boolean, pending_sessions: number, pending_messages: number, pending_intents: number, pending_items: number, quarantined: Array<QuarantinedItem>, lost_sessions: Array<LostSession>, last_success: string | null, last_error: string | null, needs_sign_in: boolean, rate_limited_until: string | null, 
/**
 * A session the plane may hold open for us that we cannot name (see the engine).
 */
orphan: string | null, };

export type Reminder = { task_id: string, title: string, 
/**
 * The task's time, RFC 3339 with the offset the user meant.
 */
scheduled_at: string, 
/**
 * When the reminder came due (UTC, RFC 3339): the task's time less the lead, or the end of a
 * snooze.
 */
due_at: string, };

export type ReminderBatch = { due: Array<Reminder>, missed: Array<Reminder>, };

// The names the UI uses.
export type Conversation = ConversationRow;
export type Message = MessageRow;
export type Task = TaskRow;
export type Goal = GoalRow;
export type GoalStatus = "active" | "done" | "archived";
export type ExportFormat = Format;
export type SessionOutcome = SessionEnd;

// Commands reject with the error sentence (a string) to show as-is.
export const commands = {
  appStatus: () => invoke<AppStatus>("app_status"),
  startTalk: (mode: TalkMode) => invoke<string>("start_talk", { mode }),
  stopTalk: () => invoke<null>("stop_talk"),
  setMuted: (muted: boolean) => invoke<null>("set_muted", { muted }),
  pushToTalk: (pressed: boolean) => invoke<null>("push_to_talk", { pressed }),
  sendText: (text: string) => invoke<null>("send_text", { text }),
  undoCall: (sessionId: string, callId: string) => invoke<string>("undo_call", { sessionId, callId }),
  listSessions: (limit: number) => invoke<Conversation[]>("list_sessions", { limit }),
  sessionDetail: (id: string) => invoke<SessionDetail>("session_detail", { id }),
  search: (query: string, limit: number) => invoke<SearchHit[]>("search", { query, limit }),
  exportSession: (id: string, format: ExportFormat) => invoke<Exported>("export_session", { id, format }),
  deleteSession: (id: string) => invoke<null>("delete_session", { id }),
  deleteAllSessions: () => invoke<number>("delete_all_sessions"),
  listTasks: () => invoke<Task[]>("list_tasks"),
  createTask: (title: string, scheduledAt: string, durationMinutes: number | null, notes: string | null, remindBeforeMinutes: number | null) => invoke<Task>("create_task", { title, scheduledAt, durationMinutes, notes, remindBeforeMinutes }),
  updateTask: (id: string, title: string, scheduledAt: string, durationMinutes: number | null, notes: string, remindBeforeMinutes: number | null) => invoke<Task>("update_task", { id, title, scheduledAt, durationMinutes, notes, remindBeforeMinutes }),
  setTaskDone: (id: string, done: boolean) => invoke<Task>("set_task_done", { id, done }),
  deleteTask: (id: string) => invoke<null>("delete_task", { id }),
  snoozeReminder: (taskId: string, minutes: number) => invoke<string>("snooze_reminder", { taskId, minutes }),
  listGoals: () => invoke<Goal[]>("list_goals"),
  createGoal: (statement: string, timeline: string) => invoke<Goal>("create_goal", { statement, timeline }),
  setGoalStatus: (id: string, status: GoalStatus) => invoke<Goal>("set_goal_status", { id, status }),
  deleteGoal: (id: string) => invoke<null>("delete_goal", { id }),
  getSettings: () => invoke<Settings>("get_settings"),
  saveSettings: (settings: Settings) => invoke<Settings>("save_settings", { settings }),
  getPrompt: () => invoke<string>("get_prompt"),
  savePrompt: (prompt: string) => invoke<null>("save_prompt", { prompt }),
  setApiKey: (name: KeyName, key: string) => invoke<AppStatus>("set_api_key", { name, key }),
  clearApiKey: (name: KeyName) => invoke<AppStatus>("clear_api_key", { name }),
  listDevices: () => invoke<Devices>("list_devices"),
  syncStatus: () => invoke<SyncStatus>("sync_status"),
  syncNow: () => invoke<null>("sync_now"),
  setSyncSettings: (url: string, userId: string, enabled: boolean, mode: SyncMode) => invoke<SyncStatus>("set_sync_settings", { url, userId, enabled, mode }),
  enableSync: (sendHistory: boolean) => invoke<SyncStatus>("enable_sync", { sendHistory }),
  saveSyncToken: (token: string) => invoke<AppStatus>("save_sync_token", { token }),
  clearSyncToken: () => invoke<AppStatus>("clear_sync_token"),
  syncRetry: (id: number | null) => invoke<SyncStatus>("sync_retry", { id }),
  syncDiscard: (id: number) => invoke<SyncStatus>("sync_discard", { id }),
  syncRetrySession: (conversationId: string) => invoke<SyncStatus>("sync_retry_session", { conversationId }),
  syncDiscardSession: (conversationId: string) => invoke<SyncStatus>("sync_discard_session", { conversationId }),
};

export const events = {
  sessionEvent: "session-event",
  appStatus: "app-status",
  syncStatus: "sync-status",
  audioDevices: "audio-devices",
  reminders: "reminders",
  reminderHandled: "reminder-handled",
} as const;
