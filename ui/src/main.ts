import "./theme.css";
import "./styles.css";
import { commands } from "./bindings";
import type { AppStatus } from "./bindings";
import { clear, errText, h, toast, toastHost } from "./dom";
import { mountReminders } from "./reminders";
import { mountReview } from "./review";
import { mountOnboarding } from "./onboarding";
import { mountSettings } from "./settings";
import { listenAll, reminderHandled, reminders, sessionEvents, status, syncStatus } from "./store";
import { mountSyncIndicator } from "./sync";
import { mountTalk } from "./talk";
import { mountTasks } from "./tasks";

type ScreenId = "talk" | "review" | "tasks" | "settings";
const SCREENS: { id: ScreenId; label: string; icon: string }[] = [
  { id: "talk", label: "Talk", icon: "◉" },
  { id: "review", label: "Review", icon: "☰" },
  { id: "tasks", label: "Tasks & goals", icon: "✓" },
  { id: "settings", label: "Settings", icon: "⚙" },
];

const STATE_SHORT: Record<string, string> = {
  connecting: "Connecting",
  listening: "Listening",
  user_speaking: "You're speaking",
  thinking: "Thinking",
  agent_speaking: "Speaking",
  reconnecting: "Reconnecting",
  closed: "Ended",
  error: "Error",
};

async function boot() {
  const app = document.getElementById("app")!;
  toastHost();

  const views = new Map<ScreenId, HTMLElement>();
  const hooks = new Map<ScreenId, { onShow?: () => void }>();
  const tabs = new Map<ScreenId, HTMLButtonElement>();
  let current: ScreenId = "talk";

  const sideStatus = h("div", { class: "side-status", id: "side-status", "aria-live": "polite" });
  const nav = h(
    "nav",
    { class: "sidebar", "aria-label": "Main" },
    h("div", { class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }), h("span", null, "Flux")),
    h(
      "ul",
      { class: "tabs", role: "list" },
      SCREENS.map((s, i) => {
        const b = h(
          "button",
          { type: "button", class: "tab", id: `tab-${s.id}`, "data-screen": s.id, title: `${s.label} (Alt+${i + 1})`, onclick: () => show(s.id) },
          h("span", { class: "tab-icon", "aria-hidden": "true" }, s.icon),
          h("span", null, s.label),
        );
        tabs.set(s.id, b);
        return h("li", null, b);
      }),
    ),
    sideStatus,
    mountSyncIndicator(() => {
      show("settings", false);
      document.getElementById("sync-form")?.scrollIntoView({ block: "start" });
      document.getElementById("set-sync-h")?.focus({ preventScroll: true });
    }),
  );
  const main = h("main", { class: "main-content", id: "content" });
  for (const s of SCREENS) {
    const v = h("div", { class: "screen", id: `screen-${s.id}`, "data-screen": s.id, hidden: true, tabindex: "-1" });
    views.set(s.id, v);
    main.appendChild(v);
  }

  const onboarding = mountOnboarding(() => {
    show("talk");
    document.getElementById("talk-start")?.focus();
  });

  // Fixed on screen; between the sidebar and the screen in the tab order.
  const reminderCards = mountReminders();
  reminders.subscribe((b) => b && reminderCards.show(b));
  reminderHandled.subscribe((r) => r && reminderCards.handled(r.task_id));
  clear(app, h("div", { class: "shell" }, nav, reminderCards.el, main), onboarding);
  app.removeAttribute("aria-busy");

  mountTalk(views.get("talk")!);
  hooks.set("review", mountReview(views.get("review")!));
  hooks.set("tasks", mountTasks(views.get("tasks")!));
  hooks.set("settings", mountSettings(views.get("settings")!));

  function show(id: ScreenId, focus = true) {
    current = id;
    for (const [sid, v] of views) v.hidden = sid !== id;
    for (const [sid, b] of tabs) {
      if (sid === id) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    }
    document.body.dataset.screen = id;
    hooks.get(id)?.onShow?.();
    if (focus) views.get(id)!.focus({ preventScroll: true });
  }

  document.addEventListener("keydown", (e) => {
    if (e.altKey && !e.ctrlKey && !e.metaKey && /^[1-4]$/.test(e.key)) {
      e.preventDefault();
      show(SCREENS[Number(e.key) - 1].id);
    }
  });

  let liveState: string | null = null;
  sessionEvents.subscribe((ev) => {
    if (!ev) return;
    if (ev.event === "state") liveState = ev.state;
    else if (ev.event === "error") liveState = "error";
    else if (ev.event === "reconnecting") liveState = "reconnecting";
    else if (ev.event === "ended") liveState = null;
    else return;
    if (status.value) renderSide(status.value);
  });

  function renderSide(st: AppStatus) {
    const state = liveState ?? st.state ?? "connecting";
    const label = st.talking ? (STATE_SHORT[state] ?? "Talking") : "Idle";
    clear(
      sideStatus,
      h("span", { class: `dot ${st.talking ? "on" : ""}`, "aria-hidden": "true" }),
      h("span", { id: "side-state" }, label),
      st.muted ? h("span", { class: "badge badge-warn" }, "muted") : null,
      // What is missing: the voice models when Flux would talk on this computer, else a key.
      !st.can_talk
        ? h("button", { type: "button", class: "link", id: "side-setup", onclick: () => show("settings") }, st.provider === "local" ? "Set up voice" : "Add key")
        : null,
    );
  }

  status.subscribe((st) => {
    if (!st) return;
    if (!st.talking) liveState = null;
    renderSide(st);
  });

  try {
    await listenAll();
  } catch (e) {
    toast(`Could not subscribe to events: ${errText(e)}`);
  }
  try {
    status.set(await commands.appStatus());
  } catch (e) {
    toast(`Could not reach the app core: ${errText(e)}`);
  }
  try {
    syncStatus.set(await commands.syncStatus());
  } catch (e) {
    toast(`Could not read the sync status: ${errText(e)}`);
  }
  show(current, false);
  document.body.dataset.ready = "true";
}

void boot();
