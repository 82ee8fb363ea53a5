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

/**
 * The meter's ARIA value changes at most this often (ms): level events arrive many times a second,
 * and a screen reader that follows every change would announce nothing else.
 */
export const METER_ARIA_INTERVAL_MS = 500;

/** The Talk screen's live readouts; `isTalking` says whether a session is running. */
export function createDiagnostics(isTalking: () => boolean) {
  let lastLevelAt = 0;
  let ariaAt = -Infinity; // when the meter's ARIA value last changed
  let ariaPending: ReturnType<typeof setTimeout> | null = null;
  let ariaNext: { pct: number; text: string } = { pct: 0, text: "silent" };
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
      "aria-valuetext": "silent",
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

  /** Leading and trailing edge: the first value shows at once, the latest one at the end of a window. */
  function setAria(pct: number, text: string) {
    ariaNext = { pct, text };
    if (ariaPending) return;
    const wait = ariaAt + METER_ARIA_INTERVAL_MS - performance.now();
    if (wait <= 0) flushAria();
    else ariaPending = setTimeout(flushAria, wait);
  }
  function flushAria() {
    ariaPending = null;
    ariaAt = performance.now();
    if (meter.getAttribute("aria-valuenow") === String(ariaNext.pct)) return;
    meter.setAttribute("aria-valuenow", String(ariaNext.pct));
    meter.setAttribute("aria-valuetext", ariaNext.text);
  }

  function updateReceiving() {
    const talking = isTalking();
    const on = talking && performance.now() - lastLevelAt < 1500;
    receiving.dataset.on = String(on);
    receiving.textContent = on ? "Receiving audio" : talking ? "No audio yet" : "No audio";
    if (!on) {
      meterFill.style.width = "0%";
      setAria(0, "silent");
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
      setAria(pct, `${Math.round(dbfs)} dBFS`);
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
