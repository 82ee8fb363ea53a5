// Review: one conversation opened — its transcript with function calls in time order,
// diagnostics, export and delete, and the turn a search hit points to.
import { commands } from "./bindings";
import type { ExportFormat, SessionDetail, SessionStats } from "./bindings";
import { medianVoiceToVoiceMs, metric } from "./diagnostics";
import { attempt, clear, confirmDialog, fmtDateTime, h, toast } from "./dom";
import { durationText, STATUS_LABEL } from "./review-entry";
import { safetyBadge } from "./safety-notice";

const FORMATS: { f: ExportFormat; label: string }[] = [
  { f: "md", label: "Markdown" },
  { f: "json", label: "JSON" },
  { f: "srt", label: "SRT" },
  { f: "vtt", label: "VTT" },
];

function statsLine(stats: SessionStats): HTMLElement {
  const n = (k: string) => metric(stats, k) ?? 0;
  const parts = [
    `${n("turns")} turns`,
    `${n("barge_ins")} barge-ins`,
    `${n("reconnects")} reconnects`,
    `${n("capture_drops")} dropped mic samples`,
    `${n("playback_underruns")} playback underruns`,
  ];
  return h("p", { class: "muted small", id: "detail-stats" }, `Diagnostics: ${parts.join(" · ")}`);
}

/** Fills `detail` with the conversation `d`; `onDeleted` runs after the user deleted it. */
export function renderDetail(detail: HTMLElement, d: SessionDetail, onDeleted: () => Promise<void>) {
  const exportOut = h("p", { class: "export-out", id: "export-result", role: "status" });
  const exportBtns = FORMATS.map(({ f, label }) =>
    h(
      "button",
      {
        type: "button",
        class: "btn btn-sm",
        "data-format": f,
        onclick: async () => {
          const r = await attempt(commands.exportSession(d.id, f), "Export failed");
          if (r) {
            clear(exportOut, `Saved ${label} (${r.bytes} bytes) to `, h("code", { class: "path" }, r.path));
          }
        },
      },
      label,
    ),
  );
  const del = h(
    "button",
    {
      type: "button",
      class: "btn btn-sm btn-danger-ghost",
      id: "delete-session",
      onclick: async () => {
        const ok = await confirmDialog("Delete this conversation?", `The conversation from ${fmtDateTime(d.started_at)} and its transcript will be removed from this computer.`);
        if (!ok) return;
        const r = await attempt(commands.deleteSession(d.id).then(() => true), "Could not delete");
        if (r) {
          toast("Conversation deleted", "info", 4000);
          await onDeleted();
        }
      },
    },
    "Delete",
  );

  // Interleave messages and function calls by time.
  type Item = { at: string; node: HTMLElement };
  const items: Item[] = [];
  for (const m of d.messages) {
    items.push({
      at: m.created_at,
      node: h(
        "li",
        { class: `entry msg msg-${m.role}`, "data-message-id": m.id, "data-role": m.role },
        h("span", { class: "who" }, m.role === "user" ? "You" : "Flux", h("time", { class: "muted small", datetime: m.created_at }, fmtDateTime(m.created_at))),
        h("p", { class: "content" }, m.content),
      ),
    });
  }
  for (const c of d.function_calls) {
    items.push({
      at: c.created_at,
      node: h(
        "li",
        { class: `entry call call-${c.status === "executed" ? "ok" : c.status}`, "data-call-id": c.id },
        h("span", { class: "call-icon", "aria-hidden": "true" }, c.status === "executed" ? "✓" : c.status === "failed" ? "✕" : "⊘"),
        h("span", { class: "call-text" }, `${c.name}: ${c.result}`),
      ),
    });
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  const median = medianVoiceToVoiceMs(d.turn_metrics);

  clear(
    detail,
    h(
      "div",
      { class: "row between wrap" },
      h(
        "div",
        null,
        h("h2", { id: "detail-title" }, fmtDateTime(d.started_at)),
        h(
          "p",
          { class: "muted small" },
          h("span", { class: `badge status-${d.status}` }, STATUS_LABEL[d.status] ?? d.status),
          d.safety_notice ? [" ", safetyBadge(d.safety_categories)] : null,
          d.end_reason ? ` ${d.end_reason}` : "",
          ` · ${durationText(d.started_at, d.ended_at)}`,
          ` · ${d.messages.length} messages`,
          median !== null ? ` · median latency ${Math.round(median)} ms` : "",
        ),
      ),
      h("div", { class: "row wrap" }, h("span", { class: "muted small" }, "Export:"), exportBtns, del),
    ),
    d.stats ? statsLine(d.stats) : null,
    exportOut,
    items.length
      ? h("ol", { class: "transcript", id: "detail-transcript" }, items.map((i) => i.node))
      : h("p", { class: "empty" }, "This conversation has no messages."),
  );
}

/**
 * Scrolls to the message a search hit named, highlights it and moves the keyboard focus there
 * (so a screen reader reads it); false when it is not in the transcript.
 */
export function focusMessage(detail: HTMLElement, messageId: string): boolean {
  for (const old of detail.querySelectorAll(".msg.focused")) old.classList.remove("focused");
  const el = detail.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
  if (!el) return false;
  el.classList.add("focused");
  el.setAttribute("tabindex", "-1");
  el.scrollIntoView?.({ block: "center" });
  el.focus({ preventScroll: true });
  return true;
}
