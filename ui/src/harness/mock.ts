// Test-only: an in-memory stand-in for the Tauri shell, installed with @tauri-apps/api/mocks.
// Tests drive it through `window.__flux` (emit events, inspect calls, make commands fail).
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type {
  TurnMetrics,
  AppStatus,
  Conversation,
  Devices,
  Goal,
  Message,
  SearchHit,
  SessionDetail,
  SessionEvent,
  Settings,
  Task,
} from "../bindings";
import { events } from "../bindings";
import { mockKeys } from "./mock-keys";

export interface MockInit {
  hasKey?: boolean;
  /** An OpenAI key is set (keychain or OPENAI_API_KEY). */
  openai?: boolean;
  hasMic?: boolean;
  microphoneError?: string;
  empty?: boolean;
}

type Call = { cmd: string; args: Record<string, unknown> };

const DEFAULT_PROMPT = "You are Flux, a warm and concise voice companion who helps the user plan tasks and reach goals.";

function pad(n: number) {
  return String(n).padStart(2, "0");
}
function dayOffset(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
function iso(days: number, hhmm: string) {
  return `${dayOffset(days)}T${hhmm}:00+00:00`;
}

export function installMock(init: MockInit = {}) {
  let seq = 100;
  const id = (p: string) => `${p}-${++seq}`;
  const now = () => new Date().toISOString();
  const calls: Call[] = [];
  const failures = new Map<string, { message: string; times: number }>();

  const status: AppStatus = {
    has_key: init.hasKey ?? true,
    can_talk: (init.hasKey ?? true) || !!init.openai,
    key_hint: init.hasKey === false ? null : "…a1b2",
    key_error: null,
    has_openai_key: !!init.openai,
    openai_key_hint: init.openai ? "…c0de" : null,
    openai_key_error: null,
    has_microphone: init.hasMic ?? true,
    microphone_error: init.hasMic === false ? (init.microphoneError ?? "No input device found (ALSA: cannot open default capture device)") : null,
    talking: false,
    session_id: null,
    state: null,
    mode: "hands_free",
    muted: false,
    data_dir: "/home/user/.local/share/flux-companion",
    version: "0.1.0",
  };

  let settings: Settings = {
    user: { id: "local", display_name: "Sam", timezone: "UTC" },
    agent: {
      voice_model: "aura-2-thalia-en",
      listen_model: "nova-3",
      llm_provider: "open_ai",
      llm_model: "gpt-4o-mini",
      greeting: "Hey! What can I help you with today?",
      input_sample_rate: 16000,
      output_sample_rate: 24000,
      provider: "auto",
    },
    deepgram: { api_url: "https://api.deepgram.com", agent_url: "wss://agent.deepgram.com/v1/agent/converse", token_ttl_seconds: 300 },
    openai: { api_url: "https://api.openai.com", model: "gpt-realtime", voice: "marin", transcription_model: "gpt-4o-mini-transcribe" },
    audio: { input_device: "", output_device: "" },
    limits: { sessions_per_10_minutes: 5, sessions_per_day: 20, open_sessions_per_user: 1 },
  };
  const turnMetrics = (turn: number, played: number): TurnMetrics => ({
    turn,
    typed: false,
    speech_end_to_first_audio_ms: played - 60,
    first_audio_to_played_ms: 60,
    speech_end_to_played_ms: played,
    agent_audio_bytes: 48000,
    barged_in: false,
    service_started: null,
    service_report: null,
  });
  let prompt = DEFAULT_PROMPT;
  const devices: Devices = {
    inputs: [
      { name: "Built-in Microphone", id: "hw:0", direction: "input", is_default: true, sample_rate: 48000, channels: 2, sample_format: "i16" },
      { name: "USB Headset Mic", id: "hw:1", direction: "input", is_default: false, sample_rate: 16000, channels: 1, sample_format: "i16" },
    ],
    outputs: [
      { name: "Built-in Speakers", id: "hw:0", direction: "output", is_default: true, sample_rate: 48000, channels: 2, sample_format: "f32" },
      { name: "USB Headset", id: "hw:1", direction: "output", is_default: false, sample_rate: 48000, channels: 2, sample_format: "f32" },
    ],
    error: null,
  };

  const sessions: SessionDetail[] = [];
  function addSession(daysAgo: number, status_: Conversation["status"], lines: [Message["role"], string][], endReason: string | null = null) {
    const start = new Date(Date.now() - daysAgo * 86400000 - 3600000);
    const sid = id("conv");
    const messages: Message[] = lines.map(([role, content], i) => ({
      id: id("msg"),
      seq: i + 1,
      role,
      content,
      created_at: new Date(start.getTime() + (i + 1) * 4000).toISOString(),
    }));
    sessions.push({
      id: sid,
      user_id: "local",
      status: status_,
      started_at: start.toISOString(),
      ended_at: new Date(start.getTime() + 60000).toISOString(),
      end_reason: endReason,
      message_count: messages.length,
      messages,
      function_calls:
        daysAgo === 2
          ? [{ id: id("call"), name: "create_task", arguments: { title: "Spanish lesson" }, status: "executed", result: "Task created: Spanish lesson", created_at: new Date(start.getTime() + 6000).toISOString() }]
          : [],
      turn_metrics: [turnMetrics(1, 780), turnMetrics(2, 910)],
      stats: daysAgo === 2 ? { frames_sent: 3000, frames_unsent: 0, capture_drops: 0, playback_underruns: 2, barge_ins: 1, reconnects: 1, keepalives_sent: 4, agent_audio_bytes: 96000, turns: 2 } : null,
    });
  }
  if (!init.empty) {
    addSession(2, "closed", [
      ["user", "I want to learn Spanish in three months."],
      ["assistant", "Great goal! Shall I schedule a Spanish lesson for tomorrow at 9?"],
      ["user", "Yes please, a Spanish lesson at nine."],
      ["assistant", "Done. Your Spanish lesson is booked for 9:00 tomorrow."],
    ]);
    addSession(1, "interrupted", [
      ["user", "Remind me to call the dentist."],
      ["assistant", "Sure, when would you like to call the dentist?"],
    ], "network lost");
    addSession(0, "closed", [
      ["user", "What is on my plan today? <img src=x onerror=alert(1)>"],
      ["assistant", "You have a run at 7 and your Spanish lesson at 9."],
    ]);
  }

  const tasks: Task[] = init.empty
    ? []
    : [
        mkTask("Morning run", iso(0, "07:00"), 30, "", "pending"),
        mkTask("Spanish lesson", iso(0, "09:00"), 45, "Chapter 3", "pending"),
        mkTask("Call the dentist", iso(2, "14:30"), null, "", "pending"),
        mkTask("Buy groceries", iso(-1, "18:00"), null, "", "done"),
      ];
  function mkTask(title: string, at: string, dur: number | null, notes: string, st: Task["status"]): Task {
    return { id: id("task"), user_id: "local", goal_id: null, title, notes, scheduled_at: at, duration_minutes: dur, status: st, completed_at: st === "done" ? now() : null, created_at: now() };
  }
  const goals: Goal[] = init.empty
    ? []
    : [{ id: id("goal"), user_id: "local", statement: "Learn Spanish", timeline: "3 months", status: "active", created_at: now() }];

  function pushStatus() {
    return emit(events.appStatus, { ...status });
  }
  const keys = mockKeys(status, () => settings.agent.provider, pushStatus);
  const updateCanTalk = keys.updateCanTalk;
  function conv(s: SessionDetail): Conversation {
    const { messages: _m, function_calls: _f, turn_metrics: _t, stats: _s, ...c } = s;
    return c;
  }
  function findSession(sid: string) {
    const s = sessions.find((x) => x.id === sid);
    if (!s) throw `No conversation with id ${sid}.`;
    return s;
  }
  function findTask(tid: string) {
    const t = tasks.find((x) => x.id === tid);
    if (!t) throw `No task with id ${tid}.`;
    return t;
  }
  function localToIso(local: string): string {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) throw `"${local}" is not a date and time (YYYY-MM-DDTHH:MM).`;
    return `${local}:00+00:00`;
  }
  function snippet(content: string, words: string[]): string | null {
    let hit = false;
    const out = content.replace(/[\p{L}\p{N}]+/gu, (w) => {
      if (words.some((q) => w.toLowerCase().startsWith(q))) {
        hit = true;
        return `\uE000${w}\uE001`;
      }
      return w;
    });
    return hit ? out : null;
  }

  const handlers: Record<string, (a: Record<string, any>) => unknown> = {
    app_status: () => ({ ...status }),
    start_talk: (a) => {
      if (!status.can_talk) throw "Add your Deepgram API key in Settings first.";
      if (status.talking) throw "A conversation is already running.";
      status.talking = true;
      status.mode = a.mode;
      status.session_id = "live-session-1";
      status.state = "connecting";
      void pushStatus();
      return status.session_id;
    },
    stop_talk: () => {
      status.talking = false;
      status.state = null;
      status.session_id = null;
      void pushStatus();
      return null;
    },
    set_muted: (a) => {
      status.muted = !!a.muted;
      void pushStatus();
      return null;
    },
    push_to_talk: () => null,
    send_text: (a) => {
      if (!status.talking) throw "Not talking.";
      void emit(events.sessionEvent, { event: "transcript", role: "user", content: a.text, typed: true } satisfies SessionEvent);
      return null;
    },
    undo_call: () => "Removed the task “Spanish lesson”.",
    list_sessions: (a) => [...sessions].sort((x, y) => (x.started_at < y.started_at ? 1 : -1)).slice(0, a.limit).map(conv),
    session_detail: (a) => structuredClone(findSession(a.id)),
    search: (a) => {
      const words = String(a.query).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      const hits: SearchHit[] = [];
      for (const s of sessions)
        for (const m of s.messages) {
          const sn = snippet(m.content, words);
          if (sn) hits.push({ conversation_id: s.id, message_id: m.id, role: m.role, created_at: m.created_at, snippet: sn, score: 1 });
        }
      return hits.slice(0, a.limit);
    },
    export_session: (a) => {
      const s = findSession(a.id);
      return { path: `/home/user/Downloads/flux-${s.started_at.slice(0, 10)}-${s.id}.${a.format}`, bytes: 1234 };
    },
    delete_session: (a) => {
      const i = sessions.findIndex((x) => x.id === a.id);
      if (i < 0) throw `No conversation with id ${a.id}.`;
      sessions.splice(i, 1);
      return null;
    },
    delete_all_sessions: () => {
      const n = sessions.length;
      sessions.length = 0;
      return n;
    },
    list_tasks: () => [...tasks].sort((x, y) => (x.scheduled_at < y.scheduled_at ? -1 : 1)),
    create_task: (a) => {
      if (!String(a.title).trim()) throw "The task needs a title.";
      const t = mkTask(a.title, localToIso(a.scheduledAt), a.durationMinutes ?? null, a.notes ?? "", "pending");
      tasks.push(t);
      return t;
    },
    update_task: (a) => {
      const t = findTask(a.id);
      if (!String(a.title).trim()) throw "The task needs a title.";
      Object.assign(t, { title: a.title, scheduled_at: localToIso(a.scheduledAt), duration_minutes: a.durationMinutes ?? null, notes: a.notes ?? "" });
      return { ...t };
    },
    set_task_done: (a) => {
      const t = findTask(a.id);
      t.status = a.done ? "done" : "pending";
      t.completed_at = a.done ? now() : null;
      return { ...t };
    },
    delete_task: (a) => {
      const i = tasks.findIndex((x) => x.id === a.id);
      if (i < 0) throw `No task with id ${a.id}.`;
      tasks.splice(i, 1);
      return null;
    },
    list_goals: () => goals.map((g) => ({ ...g })),
    create_goal: (a) => {
      if (!String(a.statement).trim()) throw "The goal needs a statement.";
      const g: Goal = { id: id("goal"), user_id: "local", statement: a.statement, timeline: a.timeline, status: "active", created_at: now() };
      goals.push(g);
      return g;
    },
    set_goal_status: (a) => {
      const g = goals.find((x) => x.id === a.id);
      if (!g) throw `No goal with id ${a.id}.`;
      g.status = a.status;
      return { ...g };
    },
    delete_goal: (a) => {
      const i = goals.findIndex((x) => x.id === a.id);
      if (i < 0) throw `No goal with id ${a.id}.`;
      goals.splice(i, 1);
      return null;
    },
    get_settings: () => structuredClone(settings),
    save_settings: (a) => {
      const s = a.settings as Settings;
      try {
        new Intl.DateTimeFormat("en", { timeZone: s.user.timezone });
      } catch {
        throw `user.timezone: unknown timezone "${s.user.timezone}"`;
      }
      if (!s.agent.voice_model) throw "agent.voice_model must not be empty";
      settings = structuredClone(s);
      if (updateCanTalk()) void pushStatus();
      return structuredClone(settings);
    },
    get_prompt: () => prompt,
    save_prompt: (a) => {
      prompt = a.prompt ? a.prompt : DEFAULT_PROMPT;
      return null;
    },
    ...keys.handlers,
    list_devices: () => structuredClone(devices),
  };

  mockWindows("main");
  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: structuredClone(args) });
      const f = failures.get(cmd);
      if (f && f.times !== 0) {
        f.times -= 1;
        throw f.message;
      }
      const h = handlers[cmd];
      if (!h) throw `Unknown command ${cmd}`;
      return h(args as Record<string, any>);
    },
    { shouldMockEvents: true },
  );

  const api = {
    calls,
    status,
    sessions,
    tasks,
    goals,
    devices,
    callsOf: (cmd: string) => calls.filter((c) => c.cmd === cmd),
    /** Make `cmd` reject with `message` the next `times` calls (-1 = always). */
    fail: (cmd: string, message: string, times = 1) => failures.set(cmd, { message, times }),
    emit: (ev: SessionEvent) => emit(events.sessionEvent, ev),
    emitMany: async (evs: SessionEvent[]) => {
      for (const ev of evs) await emit(events.sessionEvent, ev);
    },
    /** Sets `agent.provider` as if saved earlier, and pushes the status it gives. */
    setProvider: (p: Settings["agent"]["provider"]) => {
      settings.agent.provider = p;
      updateCanTalk();
      return pushStatus();
    },
    pushStatus: (patch: Partial<AppStatus> = {}) => {
      Object.assign(status, patch);
      return pushStatus();
    },
  };
  (window as unknown as { __flux: typeof api }).__flux = api;
  return api;
}
