// Tasks & goals screen: today's, upcoming, overdue and done tasks; goals (goals.ts). A task's
// "Remind me … min before" left empty follows the Reminders setting.
import { commands } from "./bindings";
import type { Task } from "./bindings";
import { attempt, clear, confirmDialog, h } from "./dom";
import { mountGoals } from "./goals";
import { tasksChanged } from "./store";

function todayIn(tz: string | null): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: tz || undefined, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch {
    return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }
}

function datePart(s: string) {
  return s.slice(0, 10);
}
function timePart(s: string) {
  return s.slice(11, 16);
}

function fmtDay(d: string): string {
  const dt = new Date(`${d}T12:00:00`);
  if (Number.isNaN(dt.getTime())) return d;
  return dt.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
}

/** "Remind me N minutes before": empty is the settings' default (null); else 0 to 1440. */
function leadInput(attrs: Record<string, unknown>, value: number | null) {
  return h("input", { type: "number", min: "0", max: "1440", step: "1", inputmode: "numeric", placeholder: "default", value: value ?? "", ...attrs });
}
const leadOf = (i: HTMLInputElement) => (i.value.trim() === "" ? null : Number(i.value));

function addMinutes(hhmm: string, mins: number): string {
  const [hh, mm] = hhmm.split(":").map(Number);
  const t = (hh * 60 + mm + mins) % 1440;
  return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
}

export function mountTasks(root: HTMLElement) {
  let tasks: Task[] = [];
  let tz: string | null = null;
  let editing: string | null = null;

  // ---- new task form ----
  const titleIn = h("input", { type: "text", id: "task-title", required: true, placeholder: "e.g. Spanish lesson", autocomplete: "off" });
  const dateIn = h("input", { type: "date", id: "task-date", required: true });
  const timeIn = h("input", { type: "time", id: "task-time", required: true, value: "09:00" });
  const durIn = h("input", { type: "number", id: "task-duration", min: "1", max: "1440", placeholder: "min", inputmode: "numeric" });
  const notesIn = h("input", { type: "text", id: "task-notes", placeholder: "Optional", autocomplete: "off" });
  const leadIn = leadInput({ id: "task-remind", "aria-describedby": "task-remind-help" }, null);
  const leadHelp = h("span", { class: "sr-only", id: "task-remind-help" }, "Empty: the default from Settings.");
  const taskForm = h(
    "form",
    { class: "card form-grid", id: "task-form", "aria-label": "New task" },
    h("h2", { class: "span-all" }, "New task"),
    h("label", { class: "field grow" }, h("span", null, "Title"), titleIn),
    h("label", { class: "field" }, h("span", null, "Date"), dateIn),
    h("label", { class: "field" }, h("span", null, "Time"), timeIn),
    h("label", { class: "field narrow" }, h("span", null, "Minutes"), durIn),
    h("label", { class: "field grow" }, h("span", null, "Notes"), notesIn),
    h("label", { class: "field narrow" }, h("span", null, "Remind me (min before)"), leadIn, leadHelp),
    h("div", { class: "field end" }, h("button", { type: "submit", class: "btn btn-primary" }, "Add task")),
  );

  const sections = h("div", { class: "task-sections", id: "task-sections" });

  const goalsCard = mountGoals({
    tasks: () => tasks,
    replaceTask: (t) => replaceTask(t),
    editTask: (id) => {
      editing = id;
      render();
      const row = sections.querySelector<HTMLElement>(".task-edit");
      row?.scrollIntoView({ block: "nearest" });
      focusEdit();
    },
  });

  clear(
    root,
    h("header", { class: "screen-head" }, h("h1", null, "Tasks & goals")),
    h(
      "div",
      { class: "split tasks-split" },
      h("div", { class: "stack" }, taskForm, sections),
      goalsCard.card,
    ),
  );

  async function load() {
    const [t, g, s] = await Promise.all([
      attempt(commands.listTasks(), "Could not load tasks"),
      attempt(commands.listGoals(), "Could not load goals"),
      commands.getSettings().catch(() => null),
    ]);
    if (s) {
      tz = s.user.timezone;
      const hint = s.reminders.enabled ? `default ${s.reminders.lead_minutes}` : "reminders off";
      leadIn.placeholder = hint;
      leadHelp.textContent = `Empty: ${s.reminders.enabled ? `${s.reminders.lead_minutes} minutes, the default from Settings` : "reminders are off in Settings"}.`;
    }
    if (!dateIn.value) dateIn.value = todayIn(tz);
    if (t) tasks = t;
    if (g) goalsCard.setGoals(g);
    render();
  }

  function render() {
    const today = todayIn(tz);
    const pending = tasks.filter((t) => t.status === "pending");
    const groups: { id: string; title: string; items: Task[]; empty?: string }[] = [
      { id: "overdue", title: "Overdue", items: pending.filter((t) => datePart(t.scheduled_at) < today) },
      { id: "today", title: "Today", items: pending.filter((t) => datePart(t.scheduled_at) === today), empty: "Nothing scheduled for today." },
      { id: "upcoming", title: "Upcoming", items: pending.filter((t) => datePart(t.scheduled_at) > today), empty: "Nothing upcoming." },
      {
        id: "done",
        title: "Done",
        items: tasks
          .filter((t) => t.status === "done")
          .sort((a, b) => ((b.completed_at ?? "") > (a.completed_at ?? "") ? 1 : -1)),
        empty: "No completed tasks yet.",
      },
    ];
    clear(
      sections,
      groups
        .filter((g) => g.items.length || g.empty)
        .map((g) =>
          h(
            "section",
            { class: `card task-group group-${g.id}`, id: `tasks-${g.id}`, "aria-labelledby": `tasks-${g.id}-h` },
            h("h2", { id: `tasks-${g.id}-h` }, g.title, h("span", { class: "count" }, String(g.items.length))),
            g.items.length
              ? h("ul", { class: "task-list" }, g.items.map((t) => taskRow(t, g.id !== "today")))
              : h("p", { class: "empty" }, g.empty ?? ""),
          ),
        ),
    );
    goalsCard.render();
  }

  function taskRow(t: Task, showDay: boolean): HTMLElement {
    if (editing === t.id) return editRow(t);
    const done = t.status === "done";
    const cbId = `task-done-${t.id}`;
    const when = `${showDay ? `${fmtDay(datePart(t.scheduled_at))} ` : ""}${timePart(t.scheduled_at)}${
      t.duration_minutes ? `–${addMinutes(timePart(t.scheduled_at), t.duration_minutes)}` : ""
    }`;
    const goal = t.goal_id ? goalsCard.goals().find((g) => g.id === t.goal_id) : undefined;
    return h(
      "li",
      { class: `task ${done ? "task-done" : ""}`, "data-task-id": t.id, "data-status": t.status },
      h("input", {
        type: "checkbox",
        id: cbId,
        checked: done,
        "aria-label": done ? `Mark “${t.title}” as not done` : `Mark “${t.title}” as done`,
        onchange: async (e: Event) => {
          const cb = e.target as HTMLInputElement;
          const r = await attempt(commands.setTaskDone(t.id, cb.checked), "Could not update the task");
          if (r) replaceTask(r);
          else cb.checked = done;
        },
      }),
      h(
        "div",
        { class: "task-body" },
        h("label", { for: cbId, class: "task-title" }, t.title),
        h(
          "span",
          { class: "task-meta muted small" },
          h("time", { datetime: t.scheduled_at }, when),
          goal ? ` · ${goal.statement}` : "",
          t.notes ? ` · ${t.notes}` : "",
        ),
      ),
      h(
        "div",
        { class: "task-actions" },
        h("button", { type: "button", class: "btn btn-sm", "data-action": "edit", onclick: () => { editing = t.id; render(); focusEdit(); } }, "Edit"),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-sm btn-danger-ghost",
            "data-action": "delete",
            "aria-label": `Delete “${t.title}”`,
            onclick: async () => {
              if (!(await confirmDialog("Delete this task?", `“${t.title}” will be removed.`))) return;
              const r = await attempt(commands.deleteTask(t.id).then(() => true), "Could not delete the task");
              if (r) {
                tasks = tasks.filter((x) => x.id !== t.id);
                render();
              }
            },
          },
          "Delete",
        ),
      ),
    );
  }

  function focusEdit() {
    sections.querySelector<HTMLInputElement>(".task-edit input")?.focus();
  }

  function editRow(t: Task): HTMLElement {
    const title = h("input", { type: "text", name: "title", required: true, value: t.title, "aria-label": "Title" });
    const date = h("input", { type: "date", name: "date", required: true, value: datePart(t.scheduled_at), "aria-label": "Date" });
    const time = h("input", { type: "time", name: "time", required: true, value: timePart(t.scheduled_at), "aria-label": "Time" });
    const dur = h("input", { type: "number", name: "duration", min: "1", max: "1440", value: t.duration_minutes ?? "", "aria-label": "Minutes" });
    const notes = h("input", { type: "text", name: "notes", value: t.notes, "aria-label": "Notes" });
    const lead = leadInput({ name: "remind", "aria-label": "Remind me (min before)", placeholder: leadIn.placeholder }, t.remind_before_minutes);
    const form = h(
      "form",
      { class: "task-edit form-grid" },
      h("label", { class: "field grow" }, h("span", null, "Title"), title),
      h("label", { class: "field" }, h("span", null, "Date"), date),
      h("label", { class: "field" }, h("span", null, "Time"), time),
      h("label", { class: "field narrow" }, h("span", null, "Minutes"), dur),
      h("label", { class: "field grow" }, h("span", null, "Notes"), notes),
      h("label", { class: "field narrow" }, h("span", null, "Remind me (min before)"), lead),
      h(
        "div",
        { class: "field end row" },
        h("button", { type: "button", class: "btn", onclick: () => { editing = null; render(); } }, "Cancel"),
        h("button", { type: "submit", class: "btn btn-primary" }, "Save"),
      ),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = dur.value ? Number(dur.value) : null;
      const r = await attempt(
        commands.updateTask(t.id, title.value.trim(), `${date.value}T${time.value}`, d, notes.value, leadOf(lead)),
        "Could not save the task",
      );
      if (r) {
        editing = null;
        replaceTask(r);
      }
    });
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        editing = null;
        render();
      }
    });
    return h("li", { class: "task editing", "data-task-id": t.id }, form);
  }

  function replaceTask(t: Task) {
    const i = tasks.findIndex((x) => x.id === t.id);
    if (i >= 0) tasks[i] = t;
    else tasks.push(t);
    tasks.sort((a, b) => (a.scheduled_at < b.scheduled_at ? -1 : 1));
    render();
  }

  taskForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = durIn.value ? Number(durIn.value) : null;
    const r = await attempt(
      commands.createTask(titleIn.value.trim(), `${dateIn.value}T${timeIn.value}`, d, notesIn.value.trim() || null, leadOf(leadIn)),
      "Could not create the task",
    );
    if (r) {
      titleIn.value = "";
      notesIn.value = "";
      durIn.value = "";
      leadIn.value = "";
      replaceTask(r);
      titleIn.focus();
    }
  });

  // A task marked done from a reminder shows as done here too.
  tasksChanged.subscribe(() => void load());

  return { onShow: () => void load() };
}
