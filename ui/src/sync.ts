// Sync to the hosted plane: the words for each state, the indicator the sidebar always shows
// (with "Sync now"), and the items that wait for the user, each with Retry and Discard.
import { commands } from "./bindings";
import type { ItemKind, LostSession, QuarantinedItem, SyncStatus } from "./bindings";
import { attempt, clear, confirmDialog, errText, fmtDateTime, h, toast } from "./dom";
import { syncStatus } from "./store";

/** "14:05", in this computer's time. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** How many things wait for the user: refused items and lost sessions. */
export function waitingCount(st: SyncStatus): number {
  return st.quarantined.length + st.lost_sessions.length;
}

/** The state in a few words, as the sidebar shows it. */
export function syncLabel(st: SyncStatus): string {
  switch (st.state) {
    case "synced":
      return "Synced";
    case "pending":
      return `${st.pending_items} pending`;
    case "offline":
      return "Offline";
    case "needs_sign_in":
      return "Needs sign-in";
    case "rate_limited":
      return st.rate_limited_until ? `Rate limited until ${clockTime(st.rate_limited_until)}` : "Rate limited";
    case "blocked": {
      const n = waitingCount(st);
      return `Blocked: ${n} ${n === 1 ? "item needs" : "items need"} you`;
    }
    default:
      return "Sync off";
  }
}

/** One sentence on what the state means and what to do. */
export function syncDetail(st: SyncStatus): string {
  const owed = `${plural(st.pending_sessions, "conversation")} (${plural(st.pending_messages, "message")}, ${plural(st.pending_intents, "action")})`;
  switch (st.state) {
    case "not_configured":
      return "Not set up: add the hosted plane under Settings, Sync.";
    case "off":
      return st.pending_items > 0 ? `Background sync is off; ${owed} not sent yet. Sync now sends them.` : "Background sync is off.";
    case "synced":
      return st.last_success ? `The plane has everything (last delivery ${fmtDateTime(st.last_success)}).` : "The plane has everything.";
    case "pending":
      return `Sending ${owed}.`;
    case "offline":
      return `The plane cannot be reached; Flux keeps trying and loses nothing.${st.last_error ? ` ${st.last_error}` : ""}`;
    case "needs_sign_in":
      return "The plane refused the token: save a new one under Settings, Sync.";
    case "rate_limited":
      return "The plane asked Flux to wait before starting more sessions; nothing is lost.";
    case "blocked":
      return "The plane refused some items or lost a session: retry or discard them under Settings, Sync.";
  }
}

/** The sidebar's indicator: the state (a link to the Sync settings), its meaning, and Sync now. */
export function mountSyncIndicator(openSettings: () => void): HTMLElement {
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  const detail = h("span", { class: "sr-only", id: "sync-indicator-detail" });
  const label = h("button", {
    type: "button",
    class: "link sync-label",
    id: "sync-indicator",
    "aria-describedby": "sync-indicator-detail",
    onclick: openSettings,
  });
  const now = h("button", { type: "button", class: "btn btn-sm", id: "sync-now" }, "Sync now");
  now.addEventListener("click", async () => {
    now.disabled = true;
    now.textContent = "Syncing…";
    try {
      await commands.syncNow();
    } catch (e) {
      toast(`Sync now: ${errText(e)}`);
    } finally {
      setTimeout(() => {
        now.disabled = false;
        now.textContent = "Sync now";
      }, 600);
    }
  });
  const word = h("span", { class: "sync-word" }, "Sync:");
  const box = h("div", { class: "side-sync", id: "side-sync", "aria-live": "polite" }, dot, word, label, detail, now);
  function render(st: SyncStatus | null) {
    if (!st) return;
    box.dataset.state = st.state;
    label.textContent = syncLabel(st);
    // "Sync: Sync off" would say it twice.
    word.hidden = label.textContent.startsWith("Sync");
    label.title = syncDetail(st);
    detail.textContent = syncDetail(st);
    now.hidden = !st.configured;
  }
  syncStatus.subscribe(render);
  render(syncStatus.value);
  return box;
}

const KIND: Record<ItemKind, string> = {
  open: "Session start",
  message: "Message",
  intent: "Action",
  close: "Session end",
};

function conversationRef(id: string) {
  return h("code", { title: id }, id.slice(0, 8));
}

/** Runs a sync action; its status reply replaces the shown one. */
async function act(p: Promise<SyncStatus>, context: string) {
  const st = await attempt(p, context);
  if (st) syncStatus.set(st);
}

function itemRow(q: QuarantinedItem): HTMLElement {
  const what = `${KIND[q.kind].toLowerCase()} of conversation ${q.conversation_id.slice(0, 8)}`;
  const consequence =
    q.kind === "open"
      ? "The whole conversation will not reach the plane. It stays on this computer."
      : "The plane will not get it. It stays on this computer.";
  return h(
    "li",
    { class: "sync-problem", "data-id": String(q.id) },
    h(
      "div",
      { class: "sync-problem-body" },
      h("span", null, h("strong", null, KIND[q.kind]), " · conversation ", conversationRef(q.conversation_id)),
      h("span", { class: "sync-reason" }, q.reason),
      h("span", { class: "muted small" }, `Refused ${fmtDateTime(q.at)}`),
    ),
    h(
      "div",
      { class: "task-actions" },
      h("button", { type: "button", class: "btn btn-sm", "data-action": "retry", "aria-label": `Retry the ${what}`, onclick: () => void act(commands.syncRetry(q.id), "Could not retry") }, "Retry"),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-sm btn-danger-ghost",
          "data-action": "discard",
          "aria-label": `Discard the ${what}`,
          onclick: async () => {
            if (await confirmDialog(`Discard this ${KIND[q.kind].toLowerCase()}?`, consequence, "Discard")) void act(commands.syncDiscard(q.id), "Could not discard");
          },
        },
        "Discard",
      ),
    ),
  );
}

function lostRow(l: LostSession): HTMLElement {
  const conv = l.conversation_id;
  const what = `lost session of conversation ${conv.slice(0, 8)}`;
  return h(
    "li",
    { class: "sync-problem", "data-conversation": conv },
    h(
      "div",
      { class: "sync-problem-body" },
      h("span", null, h("strong", null, "Session lost by the plane"), " · conversation ", conversationRef(conv)),
      h("span", { class: "sync-reason" }, l.detail),
    ),
    h(
      "div",
      { class: "task-actions" },
      h("button", { type: "button", class: "btn btn-sm", "data-action": "retry", "aria-label": `Retry the ${what}`, onclick: () => void act(commands.syncRetrySession(conv), "Could not retry") }, "Retry"),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-sm btn-danger-ghost",
          "data-action": "discard",
          "aria-label": `Discard the ${what}`,
          onclick: async () => {
            const body = "What it still owes the plane is dropped. The conversation stays on this computer.";
            if (await confirmDialog("Give up on this session?", body, "Discard")) void act(commands.syncDiscardSession(conv), "Could not discard");
          },
        },
        "Discard",
      ),
    ),
  );
}

/** The items that wait for the user, kept in step with the status; hidden when there are none. */
export function syncProblems(): HTMLElement {
  const list = h("ul", { class: "sync-problems", id: "sync-problems", "aria-labelledby": "sync-problems-h" });
  const box = h("div", { class: "stack-sm", id: "sync-problems-box", hidden: true }, h("h3", { id: "sync-problems-h" }, "Waiting for you"), list);
  // Rebuilt only when the items change, so a status push does not take the focus from a button.
  let shown = "";
  function render(st: SyncStatus | null) {
    const n = st ? waitingCount(st) : 0;
    box.hidden = n === 0;
    const key = st ? JSON.stringify([st.quarantined, st.lost_sessions]) : "";
    if (!st || key === shown) return;
    shown = key;
    clear(list, st.quarantined.map(itemRow), st.lost_sessions.map(lostRow));
  }
  syncStatus.subscribe(render);
  render(syncStatus.value);
  return box;
}
