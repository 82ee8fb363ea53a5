// Shared app state: the shell's AppStatus and SyncStatus, kept fresh from `app-status` and
// `sync-status` events and command replies.
import type { AppStatus, Devices, ReminderBatch, SessionEvent, SyncStatus } from "./bindings";
import { events } from "./bindings";
import { listen } from "@tauri-apps/api/event";

type Fn<T> = (v: T) => void;

class Signal<T> {
  private subs = new Set<Fn<T>>();
  constructor(public value: T) {}
  set(v: T) {
    this.value = v;
    for (const s of [...this.subs]) s(v);
  }
  subscribe(fn: Fn<T>): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }
}

export const status = new Signal<AppStatus | null>(null);
export const sessionEvents = new Signal<SessionEvent | null>(null);
/** Where delivery to the hosted plane stands. */
export const syncStatus = new Signal<SyncStatus | null>(null);
/** The audio devices, pushed when one is plugged in or out or a default changes. */
export const devices = new Signal<Devices | null>(null);
/** Bumped whenever stored sessions may have changed (a session ended, history deleted). */
export const historyChanged = new Signal<number>(0);
/** Reminders the core pushed: due now, and missed while the app was closed. */
export const reminders = new Signal<ReminderBatch | null>(null);
/** A reminder dealt with from its system notification (Done or Snooze there). */
export const reminderHandled = new Signal<{ task_id: string; action: string } | null>(null);
/** Bumped when a task changed outside the Tasks screen (marked done from a reminder). */
export const tasksChanged = new Signal<number>(0);

export async function listenAll() {
  await listen<AppStatus>(events.appStatus, (e) => status.set(e.payload));
  await listen<SyncStatus>(events.syncStatus, (e) => syncStatus.set(e.payload));
  await listen<Devices>(events.audioDevices, (e) => devices.set(e.payload));
  await listen<ReminderBatch>(events.reminders, (e) => reminders.set(e.payload));
  await listen<{ task_id: string; action: string }>(events.reminderHandled, (e) => {
    reminderHandled.set(e.payload);
    if (e.payload.action === "done") tasksChanged.set(tasksChanged.value + 1);
  });
  await listen<SessionEvent>(events.sessionEvent, (e) => {
    sessionEvents.set(e.payload);
    if (e.payload.event === "ended") historyChanged.set(historyChanged.value + 1);
  });
}
