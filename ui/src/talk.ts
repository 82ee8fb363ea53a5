// Talk screen: start/stop, mode, mute, push-to-talk, state, level meter, live transcript.
import { commands } from "./bindings";
import type { SessionEvent, SessionState, TalkMode } from "./bindings";
import { attempt, clear, errText, h, toast } from "./dom";
import { sessionEvents, status } from "./store";

type Display = SessionState | "idle" | "error" | "starting";

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

const TURN_FIELDS: [string, string][] = [
  ["speech_end_to_played_ms", "Voice to voice"],
  ["speech_end_to_first_audio_ms", "Speech end → first audio"],
  ["first_audio_to_played_ms", "First audio → played"],
];
const STAT_FIELDS: [string, string][] = [
  ["turns", "Turns"],
  ["barge_ins", "Barge-ins"],
  ["reconnects", "Reconnects"],
  ["capture_drops", "Dropped mic samples"],
  ["playback_underruns", "Playback underruns"],
  ["frames_unsent", "Unsent audio frames"],
];

/** Key/value rows for the diagnostics panel; unknown numeric fields are shown too. */
function diagRows(obj: unknown, known: [string, string][], unit = ""): HTMLElement[] {
  const rec = (obj ?? {}) as Record<string, unknown>;
  const rows: HTMLElement[] = [];
  for (const [k, label] of known) {
    const v = rec[k];
    rows.push(h("dt", null, label), h("dd", { "data-key": k }, typeof v === "number" ? `${Math.round(v)}${unit}` : "–"));
  }
  return rows;
}

/** Calls whose results change data and can be undone. Lookups cannot. */
function undoable(name: string): boolean {
  return !/^(list|get|search|find|lookup|read)_/.test(name);
}

export function mountTalk(root: HTMLElement) {
  let display: Display = "idle";
  let detail = "";
  let sessionId: string | null = null;
  let talking = false;
  let muted = false;
  let mode: TalkMode = "hands_free";
  let pttPressed = false;
  let lastLevelAt = 0;
  let bargeIns = 0;
  let freshLog = false; // the log was just cleared for a session this view started
  const callEntries = new Map<string, HTMLElement>();

  // ---- elements ----
  const stateDot = h("span", { class: "dot", "aria-hidden": "true" });
  const stateLabel = h("span", { class: "state-label", id: "talk-state-label" });
  const stateDetail = h("span", { class: "state-detail", id: "talk-state-detail" });
  const statePill = h(
    "div",
    { class: "state-pill", id: "talk-state", role: "status", "aria-live": "polite", "data-state": "idle" },
    stateDot,
    h("span", { class: "state-text" }, stateLabel, stateDetail),
  );
  const bargeBadge = h("span", { class: "badge badge-barge", id: "barge-in", hidden: true }, "You interrupted Flux");

  const modeInputs = (["hands_free", "push_to_talk"] as TalkMode[]).map((m) =>
    h("input", {
      type: "radio",
      name: "talk-mode",
      value: m,
      id: `mode-${m}`,
      checked: m === mode,
      onchange: () => {
        mode = m;
        render();
      },
    }),
  );
  const modeGroup = h(
    "fieldset",
    { class: "segmented", id: "talk-mode" },
    h("legend", { class: "sr-only" }, "Conversation mode"),
    h("label", { for: "mode-hands_free" }, modeInputs[0], h("span", null, "Hands-free")),
    h("label", { for: "mode-push_to_talk" }, modeInputs[1], h("span", null, "Push-to-talk")),
  );

  const startBtn = h("button", { type: "button", class: "btn btn-primary btn-lg", id: "talk-start" }, "Start");
  const muteBtn = h("button", { type: "button", class: "btn", id: "talk-mute", "aria-pressed": "false" }, "Mute");
  const pttBtn = h(
    "button",
    { type: "button", class: "btn btn-ptt", id: "talk-ptt", "aria-pressed": "false", disabled: true },
    "Hold to talk",
  );

  const pttHint = h("span", { class: "muted small", id: "ptt-hint" }, "Hold the button, or Ctrl+Shift+Space from any app");
  const meterFill = h("div", { class: "meter-fill" });
  const meter = h(
    "div",
    {
      class: "meter",
      id: "level-meter",
      role: "meter",
      "aria-label": "Microphone level",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
    },
    meterFill,
  );
  const receiving = h("span", { class: "receiving", id: "receiving", "data-on": "false" }, "No audio");
  const latency = h("span", { class: "latency", id: "latency" }, "Last turn latency: –");
  const mutedNote = h("span", { class: "badge badge-warn", id: "muted-note", hidden: true }, "Mic muted");

  const turnDiag = h("dl", { class: "diag", id: "diag-turn" }, diagRows(null, TURN_FIELDS));
  const statDiag = h("dl", { class: "diag", id: "diag-stats" }, diagRows(null, STAT_FIELDS));
  const diagnostics = h(
    "details",
    { class: "card diagnostics", id: "diagnostics" },
    h("summary", null, "Diagnostics"),
    h("div", { class: "diag-grid" }, h("div", null, h("h3", null, "Last turn"), turnDiag), h("div", null, h("h3", null, "Session"), statDiag)),
  );

  const log = h("ol", { class: "transcript", id: "transcript", "aria-live": "polite", "aria-label": "Live transcript" });
  const emptyLog = h("p", { class: "empty", id: "transcript-empty" }, "The conversation will appear here.");

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

  const keyNote = h(
    "p",
    { class: "notice", id: "talk-key-note", hidden: true },
    "Add your Deepgram API key in Settings to start talking. Review, search and tasks work without it.",
  );

  clear(
    root,
    h(
      "header",
      { class: "screen-head" },
      h("h1", null, "Talk"),
      h("div", { class: "row" }, bargeBadge, statePill),
    ),
    keyNote,
    h(
      "section",
      { class: "card talk-controls", "aria-label": "Conversation controls" },
      h("div", { class: "row wrap" }, modeGroup, startBtn, muteBtn, pttBtn, pttHint),
      h(
        "div",
        { class: "row wrap meter-row" },
        h("span", { class: "meter-label" }, "Mic"),
        meter,
        receiving,
        mutedNote,
        h("span", { class: "spacer" }),
        latency,
      ),
    ),
    h("section", { class: "card transcript-card", "aria-label": "Transcript" }, emptyLog, log, composer),
    diagnostics,
  );

  // ---- rendering ----
  function render() {
    statePill.dataset.state = display;
    stateLabel.textContent = LABELS[display];
    const hint = detail || (HINTS[display] ?? "");
    stateDetail.textContent = hint ? ` · ${hint}` : "";
    startBtn.textContent = talking || display === "starting" ? "Stop" : "Start";
    startBtn.classList.toggle("btn-danger", talking);
    startBtn.classList.toggle("btn-primary", !talking);
    const st = status.value;
    const canStart = !!st?.has_key;
    startBtn.disabled = display === "starting" || (!talking && !canStart);
    keyNote.hidden = !st || st.has_key;
    muteBtn.textContent = muted ? "Unmute" : "Mute";
    muteBtn.setAttribute("aria-pressed", String(muted));
    muteBtn.disabled = !talking;
    mutedNote.hidden = !muted;
    for (const inp of modeInputs) {
      inp.checked = inp.value === mode;
      inp.disabled = talking;
    }
    pttBtn.disabled = !(talking && mode === "push_to_talk");
    pttBtn.hidden = mode !== "push_to_talk";
    pttHint.hidden = mode !== "push_to_talk";
    pttBtn.textContent = pttPressed ? "Release to send" : "Hold to talk";
    pttBtn.setAttribute("aria-pressed", String(pttPressed));
    textInput.disabled = !talking;
    sendBtn.disabled = !talking;
    emptyLog.hidden = log.childElementCount > 0;
  }

  function resetLog() {
    log.replaceChildren();
    callEntries.clear();
    bargeIns = 0;
    bargeBadge.hidden = true;
    latency.textContent = "Last turn latency: –";
    delete latency.dataset.ms;
    turnDiag.replaceChildren(...diagRows(null, TURN_FIELDS));
    statDiag.replaceChildren(...diagRows(null, STAT_FIELDS));
    render();
  }

  function setDisplay(d: Display, det = "") {
    display = d;
    detail = det;
    render();
  }

  function addEntry(el: HTMLElement) {
    log.appendChild(el);
    emptyLog.hidden = true;
    el.scrollIntoView?.({ block: "nearest" });
  }

  function note(text: string, kind: string) {
    addEntry(h("li", { class: `entry note note-${kind}`, "data-kind": kind }, text));
  }

  // ---- actions ----
  startBtn.addEventListener("click", async () => {
    if (talking) {
      const r = await attempt(commands.stopTalk().then(() => true), "Could not stop");
      if (r) {
        talking = false;
        setDisplay("idle");
      }
      return;
    }
    resetLog();
    freshLog = true;
    setDisplay("starting");
    try {
      sessionId = await commands.startTalk(mode);
      talking = true;
      if (display === "starting") setDisplay("connecting");
      else render();
    } catch (e) {
      setDisplay("error", errText(e));
      toast(`Could not start: ${errText(e)}`);
    }
  });

  muteBtn.addEventListener("click", async () => {
    const want = !muted;
    const r = await attempt(commands.setMuted(want).then(() => true), "Could not change mute");
    if (r) {
      muted = want;
      render();
    }
  });

  async function ptt(pressed: boolean) {
    if (pttPressed === pressed) return;
    pttPressed = pressed;
    render();
    await attempt(commands.pushToTalk(pressed), "Push-to-talk failed");
  }
  pttBtn.addEventListener("pointerdown", (e) => {
    if (pttBtn.disabled) return;
    pttBtn.setPointerCapture?.(e.pointerId);
    void ptt(true);
  });
  for (const ev of ["pointerup", "pointercancel", "lostpointercapture"]) {
    pttBtn.addEventListener(ev, () => void ptt(false));
  }
  pttBtn.addEventListener("keydown", (e) => {
    if ((e.key === " " || e.key === "Enter") && !e.repeat) {
      e.preventDefault();
      void ptt(true);
    }
  });
  pttBtn.addEventListener("keyup", (e) => {
    if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      void ptt(false);
    }
  });
  pttBtn.addEventListener("blur", () => void ptt(false));

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

  // ---- events ----
  function onEvent(ev: SessionEvent) {
    switch (ev.event) {
      case "started":
        // A session started elsewhere (tray, shortcut) gets a fresh transcript too.
        if (!freshLog) resetLog();
        freshLog = false;
        sessionId = ev.session_id;
        talking = true;
        if (display === "idle" || display === "starting" || display === "error" || display === "closed") {
          setDisplay("connecting");
        }
        break;
      case "state": {
        if (ev.state === "user_speaking" && display === "agent_speaking") {
          bargeIns += 1;
          bargeBadge.hidden = false;
          bargeBadge.textContent = bargeIns > 1 ? `You interrupted Flux (${bargeIns}×)` : "You interrupted Flux";
          bargeBadge.classList.remove("flash");
          void bargeBadge.offsetWidth;
          bargeBadge.classList.add("flash");
          note("You interrupted Flux", "barge-in");
        }
        if (ev.state === "closed") talking = false;
        setDisplay(ev.state);
        break;
      }
      case "transcript": {
        const who = ev.role === "user" ? "You" : "Flux";
        addEntry(
          h(
            "li",
            { class: `entry msg msg-${ev.role}`, "data-role": ev.role },
            h("span", { class: "who" }, who, ev.typed ? h("span", { class: "badge typed" }, "typed") : null),
            h("p", { class: "content" }, ev.content),
          ),
        );
        break;
      }
      case "function_call": {
        const el = h(
          "li",
          { class: "entry call call-pending", "data-call-id": ev.id, "data-state": "pending" },
          h("span", { class: "call-icon", "aria-hidden": "true" }, "⚙"),
          h("span", { class: "call-text" }, `Running ${ev.name}…`),
        );
        callEntries.set(ev.id, el);
        addEntry(el);
        break;
      }
      case "function_result": {
        let el = callEntries.get(ev.id);
        if (!el) {
          el = h("li", { class: "entry call", "data-call-id": ev.id });
          callEntries.set(ev.id, el);
          addEntry(el);
        }
        el.className = `entry call ${ev.ok ? "call-ok" : "call-failed"}`;
        el.dataset.state = ev.ok ? "ok" : "failed";
        const sid = sessionId;
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
        break;
      }
      case "function_cancelled": {
        const el = callEntries.get(ev.id);
        if (el) {
          el.className = "entry call call-cancelled";
          el.dataset.state = "cancelled";
          clear(el, h("span", { class: "call-icon", "aria-hidden": "true" }, "⊘"), h("span", { class: "call-text" }, `${ev.name} cancelled`));
        } else {
          note(`${ev.name} cancelled`, "cancelled");
        }
        break;
      }
      case "level": {
        lastLevelAt = performance.now();
        const pct = Math.max(0, Math.min(100, Math.round(((ev.dbfs + 60) / 60) * 100)));
        meterFill.style.width = `${pct}%`;
        meter.setAttribute("aria-valuenow", String(pct));
        meter.setAttribute("aria-valuetext", `${Math.round(ev.dbfs)} dBFS`);
        updateReceiving();
        break;
      }
      case "turn_metrics": {
        turnDiag.replaceChildren(...diagRows(ev.metrics, TURN_FIELDS, " ms"));
        const ms = ev.metrics?.speech_end_to_played_ms;
        if (typeof ms === "number") {
          latency.textContent = `Last turn latency: ${Math.round(ms)} ms`;
          latency.dataset.ms = String(Math.round(ms));
        }
        break;
      }
      case "session_stats":
        statDiag.replaceChildren(...diagRows(ev.stats, STAT_FIELDS));
        break;
      case "warning":
        note(`Warning: ${ev.description}`, "warning");
        break;
      case "error":
        setDisplay("error", ev.description);
        note(`Error: ${ev.description}`, "error");
        break;
      case "reconnecting":
        setDisplay("reconnecting", `attempt ${ev.attempt}: ${ev.reason}`);
        break;
      case "ended": {
        talking = false;
        pttPressed = false;
        const o = ev.outcome;
        if (o.kind === "interrupted") {
          note(`Conversation interrupted: ${o.reason}`, "ended");
          if (display !== "error") setDisplay("error", o.reason);
          else render();
        } else {
          note(o.kind === "stopped" ? "Conversation stopped" : "Conversation ended", "ended");
          if (display !== "error") setDisplay("idle");
          else render();
        }
        break;
      }
    }
  }

  function updateReceiving() {
    const on = talking && performance.now() - lastLevelAt < 1500;
    receiving.dataset.on = String(on);
    receiving.textContent = on ? "Receiving audio" : talking ? "No audio yet" : "No audio";
    if (!on) {
      meterFill.style.width = "0%";
      meter.setAttribute("aria-valuenow", "0");
    }
  }
  setInterval(updateReceiving, 500);

  sessionEvents.subscribe((ev) => ev && onEvent(ev));
  status.subscribe((st) => {
    if (!st) return;
    muted = st.muted;
    if (st.talking) {
      if (!talking) mode = st.mode;
      talking = true;
      sessionId = st.session_id ?? sessionId;
      if (st.state && (display === "idle" || display === "closed")) display = st.state;
    } else if (talking) {
      talking = false;
      pttPressed = false;
      if (display !== "error") display = "idle";
    }
    render();
  });
  render();
}
