// The Goals card of the Tasks & goals screen: each goal with its plan. A goal's milestones are its
// tasks (the ones Flux planned with plan_goal, or any task linked to it), shown in due order with
// progress; they are ticked off here and edited in the task list like any other task.
import { commands } from "./bindings";
import type { Goal, GoalStatus, Task } from "./bindings";
import { attempt, clear, confirmDialog, h } from "./dom";
import "./goals.css";

/// What the card needs from the screen around it.
export interface GoalsHost {
  tasks(): Task[];
  replaceTask(t: Task): void;
  /// Opens the task's editor in the task list.
  editTask(id: string): void;
}

function dueDay(s: string): string {
  const dt = new Date(`${s.slice(0, 10)}T12:00:00`);
  if (Number.isNaN(dt.getTime())) return s.slice(0, 10);
  return dt.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
}

export function mountGoals(host: GoalsHost) {
  let goals: Goal[] = [];
  const goalIn = h("input", { type: "text", id: "goal-statement", required: true, placeholder: "e.g. Learn Spanish", autocomplete: "off" });
  const timelineIn = h("input", { type: "text", id: "goal-timeline", required: true, placeholder: "e.g. 3 months", autocomplete: "off" });
  const form = h(
    "form",
    { class: "form-grid", id: "goal-form", "aria-label": "New goal" },
    h("label", { class: "field grow" }, h("span", null, "Goal"), goalIn),
    h("label", { class: "field" }, h("span", null, "Timeline"), timelineIn),
    h("div", { class: "field end" }, h("button", { type: "submit", class: "btn btn-primary" }, "Add goal")),
  );
  const list = h("ul", { class: "goal-list", id: "goal-list" });
  const card = h("section", { class: "card goals", "aria-labelledby": "goals-h" }, h("h2", { id: "goals-h" }, "Goals"), form, list);

  function milestonesOf(g: Goal): Task[] {
    return host
      .tasks()
      .filter((t) => t.goal_id === g.id)
      .sort((a, b) => (a.scheduled_at < b.scheduled_at ? -1 : a.scheduled_at > b.scheduled_at ? 1 : 0));
  }

  function milestone(t: Task): HTMLElement {
    const done = t.status === "done";
    const cbId = `milestone-done-${t.id}`;
    return h(
      "li",
      { class: `milestone ${done ? "milestone-done" : ""}`, "data-task-id": t.id, "data-status": t.status },
      h("input", {
        type: "checkbox",
        id: cbId,
        checked: done,
        "aria-label": done ? `Mark “${t.title}” as not done` : `Mark “${t.title}” as done`,
        onchange: async (e: Event) => {
          const cb = e.target as HTMLInputElement;
          const r = await attempt(commands.setTaskDone(t.id, cb.checked), "Could not update the milestone");
          if (r) host.replaceTask(r);
          else cb.checked = done;
        },
      }),
      h("label", { for: cbId, class: "milestone-title" }, t.title),
      h("time", { class: "muted small", datetime: t.scheduled_at }, `by ${dueDay(t.scheduled_at)}`),
      h("button", { type: "button", class: "btn btn-sm", "data-action": "edit-milestone", "aria-label": `Edit “${t.title}”`, onclick: () => host.editTask(t.id) }, "Edit"),
    );
  }

  function plan(g: Goal): HTMLElement {
    const steps = milestonesOf(g);
    if (!steps.length) {
      return h("p", { class: "plan-empty muted small" }, "No plan yet. Ask Flux to break it into weekly milestones.");
    }
    const done = steps.filter((t) => t.status === "done").length;
    const label = `${done} of ${steps.length} milestones done`;
    return h(
      "div",
      { class: "plan" },
      h(
        "div",
        { class: "plan-progress" },
        h("div", { class: "progress", role: "progressbar", "aria-label": `Progress of “${g.statement}”`, "aria-valuemin": "0", "aria-valuemax": String(steps.length), "aria-valuenow": String(done), "aria-valuetext": label }, h("span", { class: "progress-fill", style: `width: ${Math.round((done / steps.length) * 100)}%` })),
        h("span", { class: "muted small plan-count" }, label),
      ),
      h("ol", { class: "milestones", "aria-label": `Milestones of “${g.statement}”` }, steps.map(milestone)),
    );
  }

  function render() {
    const order: GoalStatus[] = ["active", "done", "archived"];
    const sorted = [...goals].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
    if (!sorted.length) {
      clear(list, h("li", { class: "empty" }, "No goals yet. Tell Flux about one, or add it here."));
      return;
    }
    clear(list, sorted.map(goalRow));
  }

  function goalRow(g: Goal): HTMLElement {
    const setStatus = (s: GoalStatus) => async () => {
      const r = await attempt(commands.setGoalStatus(g.id, s), "Could not update the goal");
      if (r) {
        goals = goals.map((x) => (x.id === r.id ? r : x));
        render();
      }
    };
    return h(
      "li",
      { class: `goal goal-${g.status}`, "data-goal-id": g.id, "data-status": g.status },
      h(
        "div",
        { class: "goal-body" },
        h("span", { class: "goal-statement" }, g.statement),
        h("span", { class: "muted small" }, g.timeline, g.status !== "active" ? h("span", { class: `badge goal-badge` }, g.status === "done" ? "Done" : "Archived") : null),
      ),
      h(
        "div",
        { class: "task-actions" },
        g.status === "active"
          ? [
              h("button", { type: "button", class: "btn btn-sm", "data-action": "done", onclick: setStatus("done") }, "Mark done"),
              h("button", { type: "button", class: "btn btn-sm", "data-action": "archive", onclick: setStatus("archived") }, "Archive"),
            ]
          : h("button", { type: "button", class: "btn btn-sm", "data-action": "reactivate", onclick: setStatus("active") }, "Reactivate"),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-sm btn-danger-ghost",
            "data-action": "delete",
            onclick: async () => {
              if (!(await confirmDialog("Delete this goal?", `“${g.statement}” will be removed. Its tasks are kept.`))) return;
              const r = await attempt(commands.deleteGoal(g.id).then(() => true), "Could not delete the goal");
              if (r) {
                goals = goals.filter((x) => x.id !== g.id);
                render();
              }
            },
          },
          "Delete",
        ),
      ),
      plan(g),
    );
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await attempt(commands.createGoal(goalIn.value.trim(), timelineIn.value.trim()), "Could not create the goal");
    if (r) {
      goals = [r, ...goals];
      goalIn.value = "";
      timelineIn.value = "";
      render();
    }
  });

  return {
    card,
    render,
    goals: () => goals,
    setGoals(g: Goal[]) {
      goals = g;
    },
  };
}
