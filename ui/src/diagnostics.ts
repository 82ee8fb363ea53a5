// What a session measures, as the Talk screen shows it: the mic level meter and receiving-audio
// indicator, the last-turn latency, and the "Last turn"/"Session" diagnostics panel. The metric
// helpers are shared with the Review screen.
import type { SessionStats, TurnMetrics } from "./bindings";
import { h } from "./dom";

const TURN_FIELDS: [string, string][] = [
  ["speech_end_to_played_ms", "Voice to voice"],
  ["speech_end_to_first_audio_ms", "Speech end → first audio"],
  ["first_audio_to_played_ms", "First audio → played"],
];
const STAT_FIELDS: [string, string][] = [
  ["turns", "Turns"],
  ["barge_ins", "Barge-ins"],
  ["reconnects", "Reconnects"],
  ["capture_drops", "Dropped mic samples"],
  ["playback_underruns", "Playback underruns"],
  ["frames_unsent", "Unsent audio frames"],
  ["echo_reduction_db", "Echo reduction (dB)"],
  ["echo_delay_ms", "Echo delay (ms)"],
  ["false_barge_ins_avoided", "False barge-ins avoided"],
];

/** A numeric field of a metrics or stats record; undefined when missing or not a number. */
export function metric(obj: unknown, key: string): number | undefined {
  const v = ((obj ?? {}) as Record<string, unknown>)[key];
  return typeof v === "number" ? v : undefined;
}

/** End of the user's speech → first agent sample played: the latency the user perceives. */
export function voiceToVoiceMs(m: TurnMetrics | null | undefined): number | undefined {
  return metric(m, "speech_end_to_played_ms");
}

/** Median voice-to-voice latency over a session's turns, or null when no turn measured it. */
export function medianVoiceToVoiceMs(turns: TurnMetrics[]): number | null {
  const lat = turns.map(voiceToVoiceMs).filter((v): v is number => v !== undefined);
  return lat.length ? [...lat].sort((a, b) => a - b)[Math.floor(lat.length / 2)] : null;
}

/** Key/value rows for the diagnostics panel; a missing value shows as a dash. */
function diagRows(obj: unknown, known: [string, string][], unit = ""): HTMLElement[] {
  const rows: HTMLElement[] = [];
  for (const [k, label] of known) {
    const v = metric(obj, k);
    rows.push(h("dt", null, label), h("dd", { "data-key": k }, v !== undefined ? `${Math.round(v)}${unit}` : "–"));
  }
  return rows;
}

/** The Talk screen's live readouts; `isTalking` says whether a session is running. */
export function createDiagnostics(isTalking: () => boolean) {
  let lastLevelAt = 0;
  const meterFill = h("div", { class: "meter-fill" });
  const meter = h(
    "div",
    {
      class: "meter",
      id: "level-meter",
      role: "meter",
      "aria-label": "Microphone level",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
    },
    meterFill,
  );
  const receiving = h("span", { class: "receiving", id: "receiving", "data-on": "false" }, "No audio");
  const latency = h("span", { class: "latency", id: "latency" }, "Last turn latency: –");
  const turnDiag = h("dl", { class: "diag", id: "diag-turn" }, diagRows(null, TURN_FIELDS));
  const statDiag = h("dl", { class: "diag", id: "diag-stats" }, diagRows(null, STAT_FIELDS));
  const panel = h(
    "details",
    { class: "card diagnostics", id: "diagnostics" },
    h("summary", null, "Diagnostics"),
    h("div", { class: "diag-grid" }, h("div", null, h("h3", null, "Last turn"), turnDiag), h("div", null, h("h3", null, "Session"), statDiag)),
  );

  function updateReceiving() {
    const talking = isTalking();
    const on = talking && performance.now() - lastLevelAt < 1500;
    receiving.dataset.on = String(on);
    receiving.textContent = on ? "Receiving audio" : talking ? "No audio yet" : "No audio";
    if (!on) {
      meterFill.style.width = "0%";
      meter.setAttribute("aria-valuenow", "0");
    }
  }
  setInterval(updateReceiving, 500);

  return {
    meter,
    receiving,
    latency,
    panel,
    level(dbfs: number) {
      lastLevelAt = performance.now();
      const pct = Math.max(0, Math.min(100, Math.round(((dbfs + 60) / 60) * 100)));
      meterFill.style.width = `${pct}%`;
      meter.setAttribute("aria-valuenow", String(pct));
      meter.setAttribute("aria-valuetext", `${Math.round(dbfs)} dBFS`);
      updateReceiving();
    },
    reset() {
      latency.textContent = "Last turn latency: –";
      delete latency.dataset.ms;
      turnDiag.replaceChildren(...diagRows(null, TURN_FIELDS));
      statDiag.replaceChildren(...diagRows(null, STAT_FIELDS));
    },
    turn(metrics: TurnMetrics) {
      turnDiag.replaceChildren(...diagRows(metrics, TURN_FIELDS, " ms"));
      const ms = voiceToVoiceMs(metrics);
      if (ms !== undefined) {
        latency.textContent = `Last turn latency: ${Math.round(ms)} ms`;
        latency.dataset.ms = String(Math.round(ms));
      }
    },
    stats(stats: SessionStats) {
      statDiag.replaceChildren(...diagRows(stats, STAT_FIELDS));
    },
  };
}
