// Reminders of tasks, as the core pushes them (`reminders` event): a card per task whose
// reminder came due, with "Done" and "Snooze 10 min", and one summary card for those that came
// due while Flux was closed. Cards never take the keyboard focus on arrival (the user may be
// typing); they are announced, and they come right after the sidebar in the tab order.
import "./reminders.css";
import { commands } from "./bindings";
import type { Reminder, ReminderBatch } from "./bindings";
import { attempt, h } from "./dom";
import { tasksChanged } from "./store";

export const SNOOZE_MINUTES = 10;

/** The task's time as the user meant it: "10:00" today, else with its day. */
export function reminderTime(r: Reminder, today = new Date()): string {
  const day = r.scheduled_at.slice(0, 10);
  const time = r.scheduled_at.slice(11, 16);
  const local = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(today);
  if (day === local) return `Today ${time}`;
  const d = new Date(`${day}T12:00:00`);
  return Number.isNaN(d.getTime()) ? `${day} ${time}` : `${d.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" })} ${time}`;
}

export function mountReminders() {
  const announce = h("span", { class: "sr-only", role: "status", id: "reminders-announce" });
  const list = h("div", { class: "reminder-list" });
  const el = h("section", { class: "reminders", id: "reminders", "aria-label": "Reminders" }, announce, list);
  el.hidden = true;

  /** Removes a card; the keyboard focus goes to the next card, else back to the screen. */
  function remove(card: HTMLElement) {
    const next = (card.nextElementSibling ?? card.previousElementSibling) as HTMLElement | null;
    const hadFocus = card.contains(document.activeElement);
    card.remove();
    el.hidden = list.childElementCount === 0;
    if (!hadFocus) return;
    const target = next?.querySelector<HTMLElement>("button") ?? document.querySelector<HTMLElement>(".screen:not([hidden])");
    target?.focus();
  }

  async function done(r: Reminder): Promise<boolean> {
    const t = await attempt(commands.setTaskDone(r.task_id, true), `Could not mark “${r.title}” as done`);
    if (t) tasksChanged.set(tasksChanged.value + 1);
    return !!t;
  }

  function dueCard(r: Reminder): HTMLElement {
    const tid = `reminder-${r.task_id}`;
    const card: HTMLElement = h(
      "article",
      { class: "card reminder", "data-task-id": r.task_id, "aria-labelledby": `${tid}-title`, "aria-describedby": `${tid}-when` },
      h(
        "div",
        { class: "row between" },
        h("h2", { id: `${tid}-title`, class: "reminder-title" }, r.title),
        h("button", { type: "button", class: "btn btn-sm btn-ghost", "data-action": "dismiss", "aria-label": `Dismiss the reminder of “${r.title}”`, onclick: () => remove(card) }, "×"),
      ),
      h("p", { class: "muted small", id: `${tid}-when` }, "Reminder · ", h("time", { datetime: r.scheduled_at }, reminderTime(r))),
      h(
        "div",
        { class: "row end" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-sm",
            "data-action": "snooze",
            "aria-label": `Snooze “${r.title}” for ${SNOOZE_MINUTES} minutes`,
            onclick: async () => {
              const until = await attempt(commands.snoozeReminder(r.task_id, SNOOZE_MINUTES), `Could not snooze “${r.title}”`);
              if (until === undefined) return;
              announce.textContent = `“${r.title}” snoozed for ${SNOOZE_MINUTES} minutes.`;
              remove(card);
            },
          },
          `Snooze ${SNOOZE_MINUTES} min`,
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-sm btn-primary",
            "data-action": "done",
            "aria-label": `Mark “${r.title}” as done`,
            onclick: async () => {
              if (await done(r)) remove(card);
            },
          },
          "Done",
        ),
      ),
    );
    return card;
  }

  function missedCard(missed: Reminder[]): HTMLElement {
    const n = missed.length;
    const heading = `While Flux was closed: ${n} ${n === 1 ? "reminder" : "reminders"}`;
    const items = missed.map((r) => {
      const li: HTMLElement = h(
        "li",
        { "data-task-id": r.task_id },
        h("span", { class: "grow" }, r.title, " ", h("time", { class: "muted small", datetime: r.scheduled_at }, reminderTime(r))),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-sm",
            "data-action": "done",
            "aria-label": `Mark “${r.title}” as done`,
            onclick: async () => {
              if (!(await done(r))) return;
              li.replaceChildren(h("span", { class: "grow muted" }, r.title, " · done"));
              card.querySelector<HTMLElement>("button")?.focus();
            },
          },
          "Done",
        ),
      );
      return li;
    });
    const card: HTMLElement = h(
      "article",
      { class: "card reminder reminder-missed", id: "reminders-missed", "aria-labelledby": "reminders-missed-title" },
      h(
        "div",
        { class: "row between" },
        h("h2", { id: "reminders-missed-title", class: "reminder-title" }, heading),
        h("button", { type: "button", class: "btn btn-sm btn-ghost", "data-action": "dismiss", "aria-label": "Dismiss the missed reminders", onclick: () => remove(card) }, "×"),
      ),
      h("ul", { class: "reminder-items" }, items),
    );
    return card;
  }

  function show(batch: ReminderBatch) {
    for (const r of batch.due) {
      // A snoozed reminder coming back replaces its earlier card.
      list.querySelector(`.reminder[data-task-id="${CSS.escape(r.task_id)}"]`)?.remove();
      list.append(dueCard(r));
    }
    if (batch.missed.length) {
      list.querySelector("#reminders-missed")?.remove();
      list.prepend(missedCard(batch.missed));
    }
    const said = [
      ...batch.due.map((r) => `Reminder: ${r.title}, ${reminderTime(r)}.`),
      batch.missed.length ? `While Flux was closed: ${batch.missed.length} missed.` : "",
    ];
    announce.textContent = said.filter(Boolean).join(" ");
    el.hidden = list.childElementCount === 0;
  }

  /** Done or snoozed from the system notification: its card has nothing left to do. */
  function handled(taskId: string) {
    const card = list.querySelector<HTMLElement>(`.reminder[data-task-id="${CSS.escape(taskId)}"]`);
    if (card) remove(card);
  }

  return { el, show, handled };
}
