// The Talk screen's state pill: what the conversation is doing, in words, with a hint on what to do.
import type { SessionState } from "./bindings";
import { h } from "./dom";

export type Display = SessionState | "idle" | "error" | "starting";

const LABELS: Record<Display, string> = {
  idle: "Not talking",
  starting: "Connecting…",
  connecting: "Connecting…",
  listening: "Listening",
  user_speaking: "You're speaking",
  thinking: "Thinking…",
  agent_speaking: "Flux is speaking",
  reconnecting: "Reconnecting…",
  closed: "Conversation ended",
  error: "Error",
};

const HINTS: Partial<Record<Display, string>> = {
  idle: "Press Start to talk to Flux.",
  listening: "Go ahead, Flux is listening.",
  thinking: "Flux is working out a reply.",
  agent_speaking: "Start speaking to interrupt.",
};

export function createStatePill() {
  const stateDot = h("span", { class: "dot", "aria-hidden": "true" });
  const stateLabel = h("span", { class: "state-label", id: "talk-state-label" });
  const stateDetail = h("span", { class: "state-detail", id: "talk-state-detail" });
  const el = h(
    "div",
    // aria-atomic: a change of state or hint is read as the whole sentence ("Listening · Go ahead…").
    { class: "state-pill", id: "talk-state", role: "status", "aria-live": "polite", "aria-atomic": "true", "data-state": "idle" },
    stateDot,
    h("span", { class: "state-text" }, stateLabel, stateDetail),
  );

  return {
    el,
    /** `detail` (an error, a reconnect reason) takes the place of the state's usual hint. */
    render(display: Display, detail: string) {
      el.dataset.state = display;
      stateLabel.textContent = LABELS[display];
      const hint = detail || (HINTS[display] ?? "");
      stateDetail.textContent = hint ? ` · ${hint}` : "";
    },
  };
}
