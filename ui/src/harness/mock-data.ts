// Test-only: the mock shell's starting data (settings, audio devices, past conversations, tasks
// and goals), with dates relative to today so the screens' "today" and "overdue" stay true.
import type { Conversation, Devices, Goal, Message, SessionDetail, Settings, Task, TurnMetrics } from "../bindings";

export const DEFAULT_PROMPT = "You are Flux, a warm and concise voice companion who helps the user plan tasks and reach goals.";

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
const now = () => new Date().toISOString();

export function sampleSettings(): Settings {
  return {
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
    audio: { input_device: "", output_device: "", echo: "cancel" },
    limits: { sessions_per_10_minutes: 5, sessions_per_day: 20, open_sessions_per_user: 1 },
    sync: { enabled: false, url: "", user_id: "", mode: "auto", sessions_per_10_minutes: 5, sessions_per_day: 20 },
    retention: { days: null },
    startup: { at_login: false, hidden: false },
    safety: { region: "auto" },
    reminders: { enabled: true, lead_minutes: 10 },
  };
}

export function sampleDevices(): Devices {
  return {
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
}

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

/** A task as the core stores it; `id` makes the mock's ids. */
export function mkTask(id: (p: string) => string, title: string, at: string, dur: number | null, notes: string, st: Task["status"]): Task {
  return { id: id("task"), user_id: "local", goal_id: null, title, notes, scheduled_at: at, duration_minutes: dur, status: st, completed_at: st === "done" ? now() : null, created_at: now(), remind_before_minutes: null };
}

/** As the core cuts them (src/store/first_words.rs): the first user message, folded, cut at a word within 60 characters. */
export function firstWords(messages: Message[]): string | null {
  const text = messages.find((m) => m.role === "user")?.content.split(/\s+/).filter(Boolean).join(" ") ?? "";
  if (!text) return null;
  if ([...text].length <= 60) return text;
  const head = [...text].slice(0, 60).join("");
  const cut = [...text][60] === " " ? head : head.slice(0, Math.max(head.lastIndexOf(" "), 0)) || head;
  return `${cut.replace(/[\s,;:.\-–—]+$/u, "")}…`;
}

/**
 * Three past conversations (two days ago with a task call and stats, yesterday interrupted,
 * today); with `longHistory`, also a long one (60 messages, a long first sentence) and one in
 * which the user said nothing, still open.
 */
export function sampleSessions(id: (p: string) => string, longHistory = false): SessionDetail[] {
  const sessions: SessionDetail[] = [];
  function addSession(daysAgo: number, status_: Conversation["status"], lines: [Message["role"], string][], endReason: string | null = null, seconds = 60) {
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
      ended_at: status_ === "open" ? null : new Date(start.getTime() + seconds * 1000).toISOString(),
      end_reason: endReason,
      message_count: messages.length,
      first_words: firstWords(messages),
      // Yesterday's conversation showed a safety notice.
      safety_notice: daysAgo === 1,
      safety_categories: daysAgo === 1 ? ["breathing"] : [],
      messages,
      function_calls:
        daysAgo === 2
          ? [{ id: id("call"), name: "create_task", arguments: { title: "Spanish lesson" }, status: "executed", result: "Task created: Spanish lesson", created_at: new Date(start.getTime() + 6000).toISOString() }]
          : [],
      turn_metrics: [turnMetrics(1, 780), turnMetrics(2, 910)],
      stats: daysAgo === 2 ? { frames_sent: 3000, frames_unsent: 0, capture_drops: 0, playback_underruns: 2, barge_ins: 1, reconnects: 1, keepalives_sent: 4, agent_audio_bytes: 96000, turns: 2, echo_reduction_db: 38, echo_delay_ms: 120, false_barge_ins_avoided: 1 } : null,
    });
  }
  addSession(2, "closed", [
    ["user", "I want to learn Spanish in three months."],
    ["assistant", "Great goal! Shall I schedule a Spanish lesson for tomorrow at 9?"],
    ["user", "Yes please, a Spanish lesson at nine."],
    ["assistant", "Done. Your Spanish lesson is booked for 9:00 tomorrow."],
  ], null, 252);
  addSession(1, "interrupted", [
    ["user", "Remind me to call the dentist."],
    ["assistant", "Sure, when would you like to call the dentist?"],
  ], "network lost");
  addSession(0, "closed", [
    ["user", "What is on my plan today? <img src=x onerror=alert(1)>"],
    ["assistant", "You have a run at 7 and your Spanish lesson at 9."],
  ], null, 45);
  if (longHistory) {
    const lines: [Message["role"], string][] = [["user", "Could you help me plan a weekend trip to Lisbon with a day in Sintra and a cooking class?"]];
    for (let i = 1; i < 60; i++) lines.push([i % 2 ? "assistant" : "user", i === 50 ? "And book the kumquat tasting on Sunday." : `Planning detail number ${i}.`]);
    addSession(3, "closed", lines, null, 1830);
    addSession(-0.02, "open", [["assistant", "Hey! What can I help you with today?"]]);
  }
  return sessions;
}

export function sampleTasks(id: (p: string) => string): Task[] {
  return [
    mkTask(id, "Morning run", iso(0, "07:00"), 30, "", "pending"),
    mkTask(id, "Spanish lesson", iso(0, "09:00"), 45, "Chapter 3", "pending"),
    mkTask(id, "Call the dentist", iso(2, "14:30"), null, "", "pending"),
    mkTask(id, "Buy groceries", iso(-1, "18:00"), null, "", "done"),
  ];
}

export function sampleGoals(id: (p: string) => string): Goal[] {
  return [{ id: id("goal"), user_id: "local", statement: "Learn Spanish", timeline: "3 months", status: "active", created_at: now() }];
}

/** A plan for `goalId`: weekly milestones due at 09:00 one, two and three weeks from today. */
export function samplePlan(id: (p: string) => string, goalId: string): Task[] {
  const steps: [string, number, Task["status"]][] = [
    ["Learn 100 common words", 7, "done"],
    ["Order food in Spanish", 14, "pending"],
    ["Hold a five-minute conversation", 21, "pending"],
  ];
  return steps.map(([title, days, st]) => ({ ...mkTask(id, title, iso(days, "09:00"), null, `Week ${days / 7} of the plan.`, st), goal_id: goalId }));
}
