// Typed IPC bindings for the Flux Companion desktop shell, per docs/ipc.md.
// Hand-written for now; the shell will replace this file with one generated from the Rust
// commands, with the same exported names. UI code imports IPC types and commands only from here.
import { invoke } from "@tauri-apps/api/core";

export type SessionState =
  | "connecting"
  | "listening"
  | "user_speaking"
  | "thinking"
  | "agent_speaking"
  | "reconnecting"
  | "closed";

export type TalkMode = "hands_free" | "push_to_talk";

export interface AppStatus {
  has_key: boolean;
  key_hint: string | null;
  has_microphone: boolean;
  microphone_error: string | null;
  talking: boolean;
  session_id: string | null;
  state: SessionState | null;
  mode: TalkMode;
  muted: boolean;
  data_dir: string;
  version: string;
}

export interface Conversation {
  id: string;
  user_id: string;
  status: "open" | "closed" | "interrupted";
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  message_count: number;
}

export interface Message {
  id: string;
  seq: number;
  role: "user" | "assistant";
  content: string;
  created_at: string;
}

export interface CallView {
  id: string;
  name: string;
  arguments: unknown;
  status: "executed" | "failed" | "cancelled";
  result: string;
  created_at: string;
}

export interface SessionDetail extends Conversation {
  messages: Message[];
  function_calls: CallView[];
  turn_metrics: Record<string, unknown>[];
  stats: Record<string, unknown> | null;
}

export interface SearchHit {
  conversation_id: string;
  message_id: string;
  role: string;
  created_at: string;
  /** Matched words are wrapped in U+E000 … U+E001: split on them, never innerHTML. */
  snippet: string;
  score: number;
}

export interface Task {
  id: string;
  user_id: string;
  goal_id: string | null;
  title: string;
  notes: string;
  /** RFC 3339 with offset */
  scheduled_at: string;
  duration_minutes: number | null;
  status: "pending" | "done";
  completed_at: string | null;
  created_at: string;
}

export type GoalStatus = "active" | "done" | "archived";

export interface Goal {
  id: string;
  user_id: string;
  statement: string;
  timeline: string;
  status: GoalStatus;
  created_at: string;
}

export interface Settings {
  user: { id: string; display_name: string; timezone: string };
  agent: {
    voice_model: string;
    listen_model: string;
    llm_provider: string;
    llm_model: string;
    greeting: string;
    input_sample_rate: number;
    output_sample_rate: number;
  };
  deepgram: { api_url: string; agent_url: string; token_ttl_seconds: number };
  /** "" = system default (follows the OS) */
  audio: { input_device: string; output_device: string };
  limits: { sessions_per_10_minutes: number; sessions_per_day: number; open_sessions_per_user: number };
}

export interface DeviceInfo {
  name: string;
  is_default: boolean;
  sample_rate: number;
  channels: number;
}

export interface Devices {
  inputs: DeviceInfo[];
  outputs: DeviceInfo[];
  error: string | null;
}

export type ExportFormat = "md" | "json" | "srt" | "vtt";

export interface Exported {
  path: string;
  bytes: number;
}

export interface TurnMetrics {
  turn: number;
  speech_end_to_played_ms: number | null;
  [key: string]: unknown;
}

export type SessionOutcome =
  | { kind: "completed" }
  | { kind: "stopped" }
  | { kind: "interrupted"; reason: string };

export type SessionEvent =
  | { event: "started"; session_id: string; request_id: string }
  | { event: "state"; state: SessionState }
  | { event: "transcript"; role: "user" | "assistant"; content: string; typed: boolean }
  | { event: "function_call"; id: string; name: string; arguments: string }
  | { event: "function_result"; id: string; name: string; content: string; ok: boolean }
  | { event: "function_cancelled"; id: string; name: string }
  | { event: "level"; dbfs: number }
  | { event: "turn_metrics"; metrics: TurnMetrics }
  | { event: "session_stats"; stats: Record<string, unknown> }
  | { event: "warning"; code: string; description: string }
  | { event: "error"; code: string; description: string }
  | { event: "reconnecting"; attempt: number; reason: string }
  | { event: "ended"; outcome: SessionOutcome };

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
  createTask: (title: string, scheduledAt: string, durationMinutes: number | null, notes: string | null) =>
    invoke<Task>("create_task", { title, scheduledAt, durationMinutes, notes }),
  updateTask: (id: string, title: string, scheduledAt: string, durationMinutes: number | null, notes: string) =>
    invoke<Task>("update_task", { id, title, scheduledAt, durationMinutes, notes }),
  setTaskDone: (id: string, done: boolean) => invoke<Task>("set_task_done", { id, done }),
  deleteTask: (id: string) => invoke<null>("delete_task", { id }),
  listGoals: () => invoke<Goal[]>("list_goals"),
  createGoal: (statement: string, timeline: string) => invoke<Goal>("create_goal", { statement, timeline }),
  setGoalStatus: (id: string, status: GoalStatus) => invoke<Goal>("set_goal_status", { id, status }),
  deleteGoal: (id: string) => invoke<null>("delete_goal", { id }),
  getSettings: () => invoke<Settings>("get_settings"),
  saveSettings: (settings: Settings) => invoke<Settings>("save_settings", { settings }),
  getPrompt: () => invoke<string>("get_prompt"),
  savePrompt: (prompt: string) => invoke<null>("save_prompt", { prompt }),
  setApiKey: (key: string) => invoke<AppStatus>("set_api_key", { key }),
  clearApiKey: () => invoke<AppStatus>("clear_api_key"),
  listDevices: () => invoke<Devices>("list_devices"),
};

export const events = {
  sessionEvent: "session-event",
  appStatus: "app-status",
} as const;
