// Settings' Reminders card: whether tasks remind the user, and how many minutes before their
// time by default ("reminders"; a task can have its own lead). Saved with the main settings form.
import type { ReminderSettings } from "./bindings";
import { h } from "./dom";

export const MAX_LEAD_MINUTES = 1440;

export function reminderSettings() {
  const enabled = h("input", { type: "checkbox", id: "reminders-enabled", role: "switch", "aria-describedby": "reminders-help" });
  const lead = h("input", {
    type: "number",
    id: "reminders-lead",
    min: "0",
    max: String(MAX_LEAD_MINUTES),
    step: "1",
    inputmode: "numeric",
    required: true,
    "aria-describedby": "reminders-help",
  });
  enabled.addEventListener("change", () => {
    lead.disabled = !enabled.checked;
  });
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "set-reminders-h" },
    h("h2", { id: "set-reminders-h" }, "Reminders"),
    h(
      "div",
      { class: "form-grid" },
      h("label", { class: "field check span-all" }, enabled, h("span", null, "Remind me of my tasks")),
      h("label", { class: "field" }, h("span", null, "Minutes before a task"), lead),
    ),
    h(
      "p",
      { class: "muted small", id: "reminders-help" },
      "A reminder shows with the task's title, to mark it done or snooze it for 10 minutes. Reminders that come due while Flux is closed are shown together the next time it starts. A task can have its own number of minutes.",
    ),
  );
  return {
    card,
    set(r: ReminderSettings) {
      enabled.checked = r.enabled;
      lead.value = String(r.lead_minutes);
      lead.disabled = !r.enabled;
    },
    /** What the form says, or the sentence saying what is wrong with it. */
    get(): ReminderSettings | string {
      const n = Number(lead.value);
      if (lead.value.trim() === "" || !Number.isInteger(n) || n < 0 || n > MAX_LEAD_MINUTES) {
        return `Minutes before a task must be a whole number from 0 to ${MAX_LEAD_MINUTES}.`;
      }
      return { enabled: enabled.checked, lead_minutes: n };
    },
  };
}
