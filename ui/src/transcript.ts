// The Talk screen's conversation card: the live transcript (messages, notes, function-call entries
// with undo) and the composer for typed messages.
import { commands } from "./bindings";
import type { SessionEvent } from "./bindings";
import { attempt, clear, errText, h, toast } from "./dom";

type Ev<E extends SessionEvent["event"]> = Extract<SessionEvent, { event: E }>;

/** Calls whose results change data and can be undone. Lookups cannot. */
function undoable(name: string): boolean {
  return !/^(list|get|search|find|lookup|read)_/.test(name);
}

/** `render` re-renders the screen; it runs after a typed message has been sent (or failed). */
export function createTranscript(render: () => void) {
  const callEntries = new Map<string, HTMLElement>();
  const log = h("ol", { class: "transcript", id: "transcript" });
  // role=log around the list (which keeps its list semantics): screen readers announce each new
  // entry, politely, without re-reading the whole conversation.
  const logRegion = h("div", { class: "transcript-log", id: "transcript-log", role: "log", "aria-live": "polite", "aria-relevant": "additions text", "aria-label": "Live transcript" }, log);
  const empty = h("p", { class: "empty", id: "transcript-empty" }, "The conversation will appear here.");

  const textInput = h("input", {
    type: "text",
    id: "talk-text",
    placeholder: "Type a message to Flux…",
    "aria-label": "Type a message to Flux",
    autocomplete: "off",
    disabled: true,
  });
  const sendBtn = h("button", { type: "submit", class: "btn", id: "talk-send", disabled: true }, "Send");
  const composer = h("form", { class: "composer", id: "composer" }, textInput, sendBtn);
  const card = h(
    "section",
    { class: "card transcript-card", "aria-labelledby": "transcript-h" },
    h("h2", { class: "sr-only", id: "transcript-h" }, "Transcript"),
    empty,
    logRegion,
    composer,
  );

  composer.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = textInput.value.trim();
    if (!text) return;
    sendBtn.disabled = true;
    const r = await attempt(commands.sendText(text).then(() => true), "Message not sent");
    if (r) textInput.value = "";
    render();
    textInput.focus();
  });

  function addEntry(el: HTMLElement) {
    log.appendChild(el);
    empty.hidden = true;
    el.scrollIntoView?.({ block: "nearest" });
  }

  function note(text: string, kind: string) {
    addEntry(h("li", { class: `entry note note-${kind}`, "data-kind": kind }, text));
  }

  function message(ev: Ev<"transcript">) {
    const who = ev.role === "user" ? "You" : "Flux";
    addEntry(
      h(
        "li",
        { class: `entry msg msg-${ev.role}`, "data-role": ev.role },
        h("span", { class: "who" }, who, ev.typed ? h("span", { class: "badge typed" }, "typed") : null),
        h("p", { class: "content" }, ev.content),
      ),
    );
  }

  function callStarted(ev: Ev<"function_call">) {
    const el = h(
      "li",
      { class: "entry call call-pending", "data-call-id": ev.id, "data-state": "pending" },
      h("span", { class: "call-icon", "aria-hidden": "true" }, "⚙"),
      h("span", { class: "call-text" }, `Running ${ev.name}…`),
    );
    callEntries.set(ev.id, el);
    addEntry(el);
  }

  /** `sid` is the session the call ran in; without it the result cannot be undone. */
  function callResult(ev: Ev<"function_result">, sid: string | null) {
    let el = callEntries.get(ev.id);
    if (!el) {
      el = h("li", { class: "entry call", "data-call-id": ev.id });
      callEntries.set(ev.id, el);
      addEntry(el);
    }
    el.className = `entry call ${ev.ok ? "call-ok" : "call-failed"}`;
    el.dataset.state = ev.ok ? "ok" : "failed";
    const undoBtn =
      ev.ok && undoable(ev.name) && sid
        ? h("button", { type: "button", class: "btn btn-sm undo", "data-testid": "undo" }, "Undo")
        : null;
    clear(
      el,
      h("span", { class: "call-icon", "aria-hidden": "true" }, ev.ok ? "✓" : "✕"),
      h("span", { class: "call-text" }, ev.ok ? ev.content : `${ev.name} failed: ${ev.content}`),
      undoBtn,
    );
    if (undoBtn && sid) {
      const entry = el;
      undoBtn.addEventListener("click", async () => {
        undoBtn.disabled = true;
        try {
          const what = await commands.undoCall(sid, ev.id);
          entry.dataset.state = "undone";
          entry.classList.add("call-undone");
          undoBtn.replaceWith(h("span", { class: "undone-text" }, `Undone: ${what}`));
        } catch (e) {
          undoBtn.disabled = false;
          toast(`Could not undo: ${errText(e)}`);
        }
      });
    }
  }

  function callCancelled(ev: Ev<"function_cancelled">) {
    const el = callEntries.get(ev.id);
    if (el) {
      el.className = "entry call call-cancelled";
      el.dataset.state = "cancelled";
      clear(el, h("span", { class: "call-icon", "aria-hidden": "true" }, "⊘"), h("span", { class: "call-text" }, `${ev.name} cancelled`));
    } else {
      note(`${ev.name} cancelled`, "cancelled");
    }
  }

  return {
    card,
    note,
    message,
    callStarted,
    callResult,
    callCancelled,
    reset() {
      log.replaceChildren();
      callEntries.clear();
    },
    /** Typing is possible only while talking; the placeholder shows only while the log is empty. */
    render(talking: boolean) {
      textInput.disabled = !talking;
      sendBtn.disabled = !talking;
      empty.hidden = log.childElementCount > 0;
    },
  };
}
