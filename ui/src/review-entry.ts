// Review: one entry of the conversation list — the first words the user said, when it started,
// how long it lasted, its status and size.
import type { Conversation } from "./bindings";
import { fmtDateTime, h } from "./dom";
import { safetyBadge } from "./safety-notice";

export const STATUS_LABEL: Record<Conversation["status"], string> = {
  open: "In progress",
  closed: "Completed",
  interrupted: "Interrupted",
};

/** "45 s", "4 min 12 s", "1 h 5 min" (as `companion sessions list` writes it); "ongoing" while open. */
export function durationText(startedAt: string, endedAt: string | null): string {
  if (!endedAt) return "ongoing";
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  if (Number.isNaN(ms)) return "";
  const s = Math.max(0, Math.floor(ms / 1000));
  const [hrs, min, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (hrs > 0) return `${hrs} h ${min} min`;
  return min > 0 ? `${min} min ${sec} s` : `${sec} s`;
}

export function sessionEntry(s: Conversation, current: boolean, open: () => void): HTMLElement {
  const words = s.first_words;
  const duration = durationText(s.started_at, s.ended_at);
  return h(
    "li",
    null,
    h(
      "button",
      {
        type: "button",
        class: "session-item",
        "data-id": s.id,
        "aria-current": current ? "true" : undefined,
        onclick: open,
      },
      h("span", { class: words ? "session-words" : "session-words no-words" }, words ?? "(no words)"),
      h(
        "span",
        { class: "session-when" },
        h("time", { datetime: s.started_at }, fmtDateTime(s.started_at)),
        " · ",
        h("span", { class: "session-duration" }, duration),
      ),
      h(
        "span",
        { class: "session-meta" },
        h("span", { class: `badge status-${s.status}` }, STATUS_LABEL[s.status] ?? s.status),
        s.safety_notice ? [" ", safetyBadge()] : null,
        ` ${s.message_count} message${s.message_count === 1 ? "" : "s"}`,
      ),
    ),
  );
}
