// Test-only: an in-memory stand-in for the Tauri shell, installed with @tauri-apps/api/mocks.
// Tests drive it through `window.__flux` (emit events, inspect calls, make commands fail).
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { AppStatus, Conversation, Goal, SearchHit, SessionDetail, SessionEvent, Settings, Task } from "../bindings";
import { events } from "../bindings";
import { DEFAULT_PROMPT, mkTask, sampleDevices, sampleGoals, samplePlan, sampleSessions, sampleSettings, sampleTasks } from "./mock-data";
import { mockKeys } from "./mock-keys";
import { localFields, mockProvider } from "./mock-provider";
import { checkReminderSettings, checkTaskLead, mockReminders } from "./mock-reminders";
import { mockSync, type SyncInit } from "./mock-sync";

export interface MockInit {
  hasKey?: boolean;
  /** An OpenAI key is set (keychain or OPENAI_API_KEY). */
  openai?: boolean;
  hasMic?: boolean;
  microphoneError?: string;
  empty?: boolean;
  /** The models for talking on this computer are installed (default: not, as before they existed). */
  localReady?: boolean;
  /** The core's reason when they are not installed. */
  localError?: string;
  /** Sync to a hosted plane: its status, settings and saved token (mock-sync.ts). */
  sync?: SyncInit;
  /** The sample goal has a plan: three weekly milestones, the first done. */
  plan?: boolean;
  /** Two more conversations: a long one and an open one without the user's words (mock-data.ts). */
  longHistory?: boolean;
  /** `retention.days` as if saved earlier (default: null, forever). */
  retentionDays?: number | null;
}

type Call = { cmd: string; args: Record<string, unknown> };

export function installMock(init: MockInit = {}) {
  let seq = 100;
  const id = (p: string) => `${p}-${++seq}`;
  const now = () => new Date().toISOString();
  const calls: Call[] = [];
  const failures = new Map<string, { message: string; times: number }>();

  const status: AppStatus = {
    has_key: init.hasKey ?? true,
    can_talk: false, // resolved below (mock-provider.ts), with `provider`
    provider: "",
    ...localFields(!!init.localReady, init.localError),
    key_hint: init.hasKey === false ? null : "…a1b2",
    key_error: null,
    has_openai_key: !!init.openai,
    openai_key_hint: init.openai ? "…c0de" : null,
    openai_key_error: null,
    has_sync_token: false, // set by mock-sync.ts
    sync_token_hint: null,
    sync_token_error: null,
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

  let settings: Settings = sampleSettings();
  if (init.retentionDays !== undefined) settings.retention.days = init.retentionDays;
  let prompt = DEFAULT_PROMPT;
  const devices = sampleDevices();
  const sessions: SessionDetail[] = init.empty ? [] : sampleSessions(id, !!init.longHistory);
  const tasks: Task[] = init.empty ? [] : sampleTasks(id);
  const goals: Goal[] = init.empty ? [] : sampleGoals(id);
  if (init.plan && goals.length) tasks.push(...samplePlan(id, goals[0].id));

  function pushStatus() {
    return emit(events.appStatus, { ...status });
  }
  const provider = mockProvider(status, () => settings.agent.provider, pushStatus);
  const keys = mockKeys(status, provider.update, pushStatus);
  const sync = mockSync(init.sync ?? {}, status, () => settings, pushStatus);
  const reminders = mockReminders(tasks);
  function conv(s: SessionDetail): Conversation {
    const { messages: _m, function_calls: _f, turn_metrics: _t, stats: _s, safety_categories: _sc, ...c } = s;
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
      if (!status.can_talk) throw provider.cannotTalk();
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
      const lead = checkTaskLead(a.remindBeforeMinutes);
      const t = { ...mkTask(id, a.title, localToIso(a.scheduledAt), a.durationMinutes ?? null, a.notes ?? "", "pending"), remind_before_minutes: lead };
      tasks.push(t);
      return t;
    },
    update_task: (a) => {
      const t = findTask(a.id);
      if (!String(a.title).trim()) throw "The task needs a title.";
      const lead = checkTaskLead(a.remindBeforeMinutes);
      Object.assign(t, { title: a.title, scheduled_at: localToIso(a.scheduledAt), duration_minutes: a.durationMinutes ?? null, notes: a.notes ?? "", remind_before_minutes: lead });
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
      const days = s.retention.days;
      if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= 36500)) throw `retention.days must be between 1 and 36500, or null to keep conversations forever (it is ${days})`;
      checkReminderSettings(s);
      settings = structuredClone(s);
      if (provider.update()) void pushStatus();
      return structuredClone(settings);
    },
    get_prompt: () => prompt,
    save_prompt: (a) => {
      prompt = a.prompt ? a.prompt : DEFAULT_PROMPT;
      return null;
    },
    ...keys.handlers,
    ...sync.handlers,
    ...reminders.handlers,
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
    /** A device plugged in: the core pushes the new lists (and the status). */
    plugDevice: (name: string) => {
      devices.inputs.push({ ...devices.inputs[0], name, id: name, is_default: false });
      void emit(events.audioDevices, structuredClone(devices));
    },
    ...reminders.api,
    emitMany: async (evs: SessionEvent[]) => {
      for (const ev of evs) await emit(events.sessionEvent, ev);
    },
    /** Sets `agent.provider` as if saved earlier, and pushes the status it gives. */
    setProvider: (p: Settings["agent"]["provider"]) => {
      settings.agent.provider = p;
      provider.update();
      return pushStatus();
    },
    /** Installs (true) or removes (false) the models for talking on this computer, and pushes the status. */
    setLocalReady: provider.setLocalReady,
    /** The sync status the mock holds; `pushSync(patch)` changes it and emits `sync-status`. */
    sync: sync.sync,
    pushSync: sync.pushSync,
    pushStatus: (patch: Partial<AppStatus> = {}) => {
      Object.assign(status, patch);
      return pushStatus();
    },
  };
  (window as unknown as { __flux: typeof api }).__flux = api;
  return api;
}
