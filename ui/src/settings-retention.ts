// Settings' History card: how long conversations are kept ("retention.days"; null keeps them
// forever). Saved with the main settings form.
import type { RetentionSettings } from "./bindings";
import { confirmDialog, h } from "./dom";

const CHOICES: [number | null, string][] = [
  [null, "Forever"],
  [7, "7 days"],
  [30, "30 days"],
  [90, "90 days"],
  [365, "1 year"],
];

const value = (days: number | null) => (days === null ? "forever" : String(days));
const label = (days: number) => CHOICES.find(([d]) => d === days)?.[1] ?? `${days} days`;

/** Deleting is for good: a shorter period than before is confirmed first (true: go ahead). */
export function confirmRetention(before: RetentionSettings, after: RetentionSettings): Promise<boolean> {
  const shorter = after.days !== null && (before.days === null || after.days < before.days);
  if (!shorter) return Promise.resolve(true);
  return confirmDialog(
    `Keep conversations for ${label(after.days as number)}?`,
    `Conversations older than ${label(after.days as number)} will be deleted from this computer now, with their transcripts. Tasks and goals stay.`,
    "Delete older conversations",
  );
}

export function retentionChoice() {
  const select = h("select", { id: "retention-days", "aria-describedby": "retention-help" });
  function fill(current: number | null) {
    const choices = [...CHOICES];
    // A period set by hand in settings.yaml stays selectable rather than silently changed.
    if (!choices.some(([d]) => d === current)) choices.push([current, `${current} days (set in settings.yaml)`]);
    select.replaceChildren(...choices.map(([d, label]) => h("option", { value: value(d) }, label)));
    select.value = value(current);
  }
  fill(null);
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "set-history-h" },
    h("h2", { id: "set-history-h" }, "History"),
    h("div", { class: "form-grid" }, h("label", { class: "field" }, h("span", null, "Keep conversations"), select)),
    h(
      "p",
      { class: "muted small", id: "retention-help" },
      "Older conversations are deleted from this computer with their transcripts, search entries and function calls, when the app starts and once a day. Tasks and goals stay; a conversation still going on is never deleted.",
    ),
  );
  return {
    card,
    set: (r: RetentionSettings) => fill(r.days),
    get: (): RetentionSettings => ({ days: select.value === "forever" ? null : Number(select.value) }),
  };
}
