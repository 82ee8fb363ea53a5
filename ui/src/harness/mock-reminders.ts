// Test-only: the mock shell's reminders. Tests push a `reminders` event as the core would when a
// task's reminder comes due; "Snooze" is checked as the core checks it.
import { emit } from "@tauri-apps/api/event";
import type { Reminder, ReminderBatch, Settings, Task } from "../bindings";
import { events } from "../bindings";

/** The core's sentence for a lead out of range (src/config/reminder_setting.rs). */
export function checkReminderSettings(s: Settings) {
  const lead = s.reminders.lead_minutes;
  if (!(Number.isInteger(lead) && lead >= 0 && lead <= 1440)) throw `reminders.lead_minutes must be between 0 and 1440 (it is ${lead})`;
}

/** A task's own lead as the core checks it (src/backend/manage.rs). */
export function checkTaskLead(m: unknown): number | null {
  if (m === null || m === undefined) return null;
  if (!(Number.isInteger(m) && (m as number) >= 0 && (m as number) <= 1440)) throw `The reminder must come between 0 and 1440 minutes before the task (not ${String(m)}).`;
  return m as number;
}

export function mockReminders(tasks: Task[]) {
  const handlers: Record<string, (a: Record<string, any>) => unknown> = {
    snooze_reminder: (a) => {
      const m = a.minutes;
      if (!(Number.isInteger(m) && m >= 1 && m <= 1440)) throw `A reminder can be snoozed for 1 to 1440 minutes (not ${m})`;
      const t = tasks.find((x) => x.id === a.taskId);
      if (!t) throw `Task ${a.taskId} not found`;
      if (t.status === "done") throw `Task ${a.taskId} is done: it has no reminder to snooze`;
      return new Date(Date.now() + m * 60_000).toISOString();
    },
  };
  /** The reminder of one of the mock's tasks, due `dueMinutesAgo` minutes ago. */
  function reminderOf(taskId: string, dueMinutesAgo = 0): Reminder {
    const t = tasks.find((x) => x.id === taskId);
    if (!t) throw new Error(`no task ${taskId}`);
    const due_at = new Date(Date.now() - dueMinutesAgo * 60_000).toISOString();
    return { task_id: t.id, title: t.title, scheduled_at: t.scheduled_at, due_at };
  }
  /** The core's `reminders` event, as the tests push it (`pushReminders`). */
  const pushReminders = (batch: ReminderBatch) => emit(events.reminders, batch);
  /** What the shell says after the user chose Done or Snooze in the system notification; the
   * shell has already changed the task, as the core does. */
  const handledInNotification = (taskId: string, action: "done" | "snooze") => {
    const t = tasks.find((x) => x.id === taskId);
    if (t && action === "done") t.status = "done";
    return emit(events.reminderHandled, { task_id: taskId, action });
  };
  return { handlers, api: { pushReminders, reminderOf, handledInNotification } };
}
