// Talk screen: start/stop, mode, mute, push-to-talk and the session state; wires in the state pill
// (state-pill.ts), the provider in use (talk-provider.ts), the conversation card (transcript.ts)
// and the live readouts (diagnostics.ts).
import { commands } from "./bindings";
import type { SessionEvent, TalkMode } from "./bindings";
import { createDiagnostics } from "./diagnostics";
import { attempt, clear, errText, h, toast } from "./dom";
import { createStatePill, type Display } from "./state-pill";
import { sessionEvents, status } from "./store";
import { createSafetyNotice } from "./safety-notice";
import { createModePicker } from "./talk-mode";
import { createProviderInfo } from "./talk-provider";
import { createTranscript } from "./transcript";

export function mountTalk(root: HTMLElement) {
  let display: Display = "idle";
  let detail = "";
  let sessionId: string | null = null;
  let talking = false;
  let muted = false;
  let mode: TalkMode = "hands_free";
  let pttPressed = false;
  let bargeIns = 0;
  let freshLog = false; // the log was just cleared for a session this view started

  // ---- elements ----
  const statePill = createStatePill();
  const bargeBadge = h("span", { class: "badge badge-barge", id: "barge-in", hidden: true }, "You interrupted Flux");

  const modePicker = createModePicker(mode, (m) => {
    mode = m;
    render();
  });

  const startBtn = h("button", { type: "button", class: "btn btn-primary btn-lg", id: "talk-start" }, "Start");
  const muteBtn = h("button", { type: "button", class: "btn", id: "talk-mute", "aria-pressed": "false" }, "Mute");
  const pttBtn = h(
    "button",
    { type: "button", class: "btn btn-ptt", id: "talk-ptt", "aria-pressed": "false", disabled: true },
    "Hold to talk",
  );

  const pttHint = h("span", { class: "muted small", id: "ptt-hint" }, "Hold the button, or Ctrl+Shift+Space from any app");
  const mutedNote = h("span", { class: "badge badge-warn", id: "muted-note", hidden: true }, "Mic muted");
  // Shown while the core cannot store the conversation (disk full, storage failing); the
  // conversation goes on, so it stays up until saving resumes or a new conversation starts.
  const notSaving = h("span", { class: "badge badge-warn", id: "not-saving", role: "status", hidden: true }, "Not being saved");

  const diag = createDiagnostics(() => talking);
  const transcript = createTranscript(render);
  const provider = createProviderInfo();
  const safety = createSafetyNotice();

  clear(
    root,
    h(
      "header",
      { class: "screen-head" },
      h("h1", null, "Talk"),
      h("div", { class: "row" }, notSaving, bargeBadge, provider.chip, statePill.el),
    ),
    provider.keyNote,
    safety.el,
    h(
      "section",
      { class: "card talk-controls", "aria-label": "Conversation controls" },
      h("div", { class: "row wrap" }, modePicker.el, startBtn, muteBtn, pttBtn, pttHint),
      provider.localNote,
      h(
        "div",
        { class: "row wrap meter-row" },
        h("span", { class: "meter-label" }, "Mic"),
        diag.meter,
        diag.receiving,
        mutedNote,
        h("span", { class: "spacer" }),
        diag.latency,
      ),
    ),
    transcript.card,
    diag.panel,
  );

  // ---- rendering ----
  function render() {
    statePill.render(display, detail);
    startBtn.textContent = talking || display === "starting" ? "Stop" : "Start";
    startBtn.classList.toggle("btn-danger", talking);
    startBtn.classList.toggle("btn-primary", !talking);
    const st = status.value;
    const canStart = !!st?.can_talk;
    startBtn.disabled = display === "starting" || (!talking && !canStart);
    provider.render(st);
    muteBtn.textContent = muted ? "Unmute" : "Mute";
    muteBtn.setAttribute("aria-pressed", String(muted));
    muteBtn.disabled = !talking;
    mutedNote.hidden = !muted;
    modePicker.render(mode, talking);
    pttBtn.disabled = !(talking && mode === "push_to_talk");
    pttBtn.hidden = mode !== "push_to_talk";
    pttHint.hidden = mode !== "push_to_talk";
    pttBtn.textContent = pttPressed ? "Release to send" : "Hold to talk";
    pttBtn.setAttribute("aria-pressed", String(pttPressed));
    transcript.render(talking);
  }

  function resetLog() {
    transcript.reset();
    bargeIns = 0;
    bargeBadge.hidden = true;
    notSaving.hidden = true;
    diag.reset();
    render();
  }

  function setDisplay(d: Display, det = "") {
    display = d;
    detail = det;
    render();
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
          transcript.note("You interrupted Flux", "barge-in");
        }
        if (ev.state === "closed") talking = false;
        setDisplay(ev.state);
        break;
      }
      case "transcript":
        transcript.message(ev);
        break;
      case "function_call":
        transcript.callStarted(ev);
        break;
      case "function_result":
        transcript.callResult(ev, sessionId);
        break;
      case "function_cancelled":
        transcript.callCancelled(ev);
        break;
      case "level":
        diag.level(ev.dbfs);
        break;
      case "turn_metrics":
        diag.turn(ev.metrics);
        break;
      case "session_stats":
        diag.stats(ev.stats);
        break;
      case "warning":
        if (ev.code === "STORAGE_FULL" || ev.code === "STORAGE_FAILED") {
          notSaving.hidden = false;
          notSaving.title = ev.description;
        } else if (ev.code === "STORAGE_RESUMED") {
          notSaving.hidden = true;
          transcript.note(ev.description, "saving-resumed");
          break;
        }
        transcript.note(`Warning: ${ev.description}`, "warning");
        break;
      case "error":
        setDisplay("error", ev.description);
        transcript.note(`Error: ${ev.description}`, "error");
        break;
      case "safety_notice":
        safety.show(ev.notice);
        break;
      case "reconnecting":
        setDisplay("reconnecting", `attempt ${ev.attempt}: ${ev.reason}`);
        break;
      case "ended": {
        talking = false;
        pttPressed = false;
        const o = ev.outcome;
        if (o.kind === "interrupted") {
          transcript.note(`Conversation interrupted: ${o.reason}`, "ended");
          if (display !== "error") setDisplay("error", o.reason);
          else render();
        } else {
          transcript.note(o.kind === "stopped" ? "Conversation stopped" : "Conversation ended", "ended");
          if (display !== "error") setDisplay("idle");
          else render();
        }
        break;
      }
    }
  }

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
