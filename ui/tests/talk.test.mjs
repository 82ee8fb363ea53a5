import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, emit, emitMany, expectText, until } from "./helpers.mjs";

const open = browserSuite();

const meterValue = (page) => page.getAttribute("#level-meter", "aria-valuenow").then(Number);

test("idle talk screen", async () => {
  const page = await open();
  await expectText(page, "#talk-state", "Not talking");
  assert.equal(await page.textContent("#talk-start"), "Start");
  assert.equal(await page.isEnabled("#talk-start"), true);
  assert.equal(await page.isEnabled("#talk-text"), false, "text box disabled while idle");
  assert.equal(await page.isChecked("#mode-hands_free"), true);
  assert.equal(await page.isVisible("#onboarding"), false);
  await expectText(page, "#receiving", "No audio");
  await shot(page, "talk-idle");

  // Keyboard: Alt+digit switches screens; the tabs mark the current one.
  await page.keyboard.press("Alt+3");
  await page.waitForSelector("#screen-tasks:not([hidden])");
  assert.equal(await page.getAttribute("#tab-tasks", "aria-current"), "page");
  assert.equal(await page.isVisible("#screen-talk"), false);
  await page.keyboard.press("Alt+1");
  await page.waitForSelector("#screen-talk:not([hidden])");
  // Tab order reaches the Start button and Enter activates it.
  await page.focus("#mode-hands_free");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "talk-start");
  await page.keyboard.press("Enter");
  await expectText(page, "#talk-state", "Connecting");
});

test("with only an OpenAI key (no Deepgram key), there is no onboarding and Start works", async () => {
  const page = await open({ hasKey: false, openai: true });
  await expectText(page, "#talk-state", "Not talking");
  assert.equal(await page.isVisible("#onboarding"), false);
  assert.equal(await page.isEnabled("#talk-start"), true);
  assert.equal(await page.isVisible("#talk-key-note"), false);
  await page.click("#talk-start");
  await expectText(page, "#talk-state", "Connecting");
});

test("a hands-free conversation: states, transcript, level, function result with undo, barge-in, latency, errors, stop", async () => {
  const page = await open();
  await page.click("#talk-start");
  await expectText(page, "#talk-state", "Connecting");
  const starts = await callsOf(page, "start_talk");
  assert.deepEqual(starts.map((c) => c.args), [{ mode: "hands_free" }]);
  await expectText(page, "#talk-start", "Stop");

  await emitMany(page, [
    { event: "started", session_id: "live-session-1", request_id: "req-1" },
    { event: "state", state: "listening" },
  ]);
  await expectText(page, "#talk-state-label", "Listening");
  assert.equal(await page.getAttribute("#talk-state", "data-state"), "listening");

  // Level meter moves and the "receiving audio" indicator turns on.
  await emit(page, { event: "level", dbfs: -12 });
  await expectText(page, "#receiving", "Receiving audio");
  const loud = await meterValue(page);
  assert.ok(loud > 50, `meter at ${loud} for -12 dBFS`);
  await emit(page, { event: "level", dbfs: -48 });
  await until(page, () => Number(document.querySelector("#level-meter").getAttribute("aria-valuenow")) < 50, null, "meter to drop");
  const quiet = await meterValue(page);
  assert.ok(quiet > 0 && quiet < loud, `meter moved down: ${loud} -> ${quiet}`);

  await emit(page, { event: "state", state: "user_speaking" });
  await expectText(page, "#talk-state-label", "You're speaking");
  assert.equal(await page.isVisible("#barge-in"), false, "no barge-in when Flux was not speaking");
  await emitMany(page, [
    { event: "transcript", role: "user", content: "Book a Spanish lesson tomorrow at nine", typed: false },
    { event: "state", state: "thinking" },
  ]);
  await expectText(page, "#talk-state-label", "Thinking");
  await expectText(page, "#transcript .msg-user", "Book a Spanish lesson tomorrow at nine");

  await emit(page, { event: "function_call", id: "call-7", name: "create_task", arguments: '{"title":"Spanish lesson"}' });
  await expectText(page, "[data-call-id=call-7]", "Running create_task");
  await emit(page, { event: "function_result", id: "call-7", name: "create_task", content: "Task created: Spanish lesson, tomorrow 09:00", ok: true });
  await expectText(page, "[data-call-id=call-7]", "Task created: Spanish lesson, tomorrow 09:00");
  await page.click("[data-call-id=call-7] [data-testid=undo]");
  await expectText(page, "[data-call-id=call-7]", "Undone: Removed the task");
  assert.deepEqual((await callsOf(page, "undo_call")).map((c) => c.args), [{ sessionId: "live-session-1", callId: "call-7" }]);
  assert.equal(await page.getAttribute("[data-call-id=call-7]", "data-state"), "undone");

  // A failed call shows its reason and offers no undo.
  await emit(page, { event: "function_result", id: "call-8", name: "complete_task", content: "no task matches “gym”", ok: false });
  await expectText(page, "[data-call-id=call-8]", "complete_task failed: no task matches “gym”");
  assert.equal(await page.$("[data-call-id=call-8] [data-testid=undo]"), null);

  await emitMany(page, [
    { event: "transcript", role: "assistant", content: "Done! Your Spanish lesson is booked for 9 tomorrow.", typed: false },
    { event: "state", state: "agent_speaking" },
  ]);
  await expectText(page, "#talk-state-label", "Flux is speaking");
  await expectText(page, "#transcript .msg-assistant", "Spanish lesson is booked");

  // Barge-in: the user starts speaking while Flux speaks.
  await emit(page, { event: "state", state: "user_speaking" });
  await expectText(page, "#talk-state-label", "You're speaking");
  assert.equal(await page.isVisible("#barge-in"), true, "barge-in badge shown");
  await expectText(page, "#transcript [data-kind=barge-in]", "You interrupted Flux");

  await emit(page, {
    event: "turn_metrics",
    metrics: { turn: 1, typed: false, speech_end_to_first_audio_ms: 512.2, first_audio_to_played_ms: 130.2, speech_end_to_played_ms: 642.4, agent_audio_bytes: 48000, barged_in: false },
  });
  await expectText(page, "#latency", "642 ms");
  await page.click("#diagnostics summary");
  await expectText(page, "#diag-turn [data-key=speech_end_to_first_audio_ms]", "512 ms");
  await expectText(page, "#diag-turn [data-key=first_audio_to_played_ms]", "130 ms");
  await emit(page, {
    event: "session_stats",
    stats: { frames_sent: 900, frames_unsent: 0, capture_drops: 3, playback_underruns: 1, barge_ins: 1, reconnects: 0, keepalives_sent: 2, agent_audio_bytes: 48000, turns: 1, echo_reduction_db: 41, echo_delay_ms: 140, false_barge_ins_avoided: 4 },
  });
  await expectText(page, "#diag-stats [data-key=capture_drops]", "3");
  await expectText(page, "#diag-stats [data-key=echo_reduction_db]", "41");
  await expectText(page, "#diag-stats [data-key=echo_delay_ms]", "140");
  await expectText(page, "#diag-stats [data-key=false_barge_ins_avoided]", "4");
  // With cancellation off, the core tells the user once that Flux hears itself.
  await emit(page, { event: "warning", code: "ECHO_HEARD", description: "Flux can hear itself: use headphones or turn echo cancellation on." });
  await expectText(page, "#transcript", "Flux can hear itself: use headphones or turn echo cancellation on.");
  await expectText(page, "#diag-stats [data-key=playback_underruns]", "1");

  // Typed turn.
  await page.fill("#talk-text", "Also remind me to stretch");
  await page.press("#talk-text", "Enter");
  await expectText(page, "#transcript", "Also remind me to stretch");
  assert.deepEqual((await callsOf(page, "send_text")).map((c) => c.args), [{ text: "Also remind me to stretch" }]);
  assert.equal(await page.inputValue("#talk-text"), "");
  await expectText(page, "#transcript .msg-user:last-child .typed", "typed");

  // Mute.
  await page.click("#talk-mute");
  await until(page, () => document.querySelector("#talk-mute").getAttribute("aria-pressed") === "true", null, "mute pressed");
  assert.deepEqual((await callsOf(page, "set_muted")).map((c) => c.args), [{ muted: true }]);
  assert.equal(await page.isVisible("#muted-note"), true);
  await page.click("#talk-mute");
  await until(page, () => document.querySelector("#talk-mute").getAttribute("aria-pressed") === "false", null, "unmuted");

  await emit(page, { event: "level", dbfs: -20 });
  await emit(page, { event: "state", state: "listening" });
  await shot(page, "talk-live");

  await emit(page, { event: "reconnecting", attempt: 2, reason: "connection reset" });
  await expectText(page, "#talk-state", "Reconnecting");
  await expectText(page, "#talk-state", "attempt 2: connection reset");

  await emit(page, { event: "error", code: "auth", description: "Deepgram rejected the API key (401)" });
  assert.equal(await page.getAttribute("#talk-state", "data-state"), "error");
  await expectText(page, "#talk-state", "Error");
  await expectText(page, "#talk-state", "Deepgram rejected the API key (401)");
  await shot(page, "talk-error");

  // Recovers, then the user stops.
  await emit(page, { event: "state", state: "listening" });
  await expectText(page, "#talk-state-label", "Listening");
  await page.click("#talk-start");
  await expectText(page, "#talk-state", "Not talking");
  assert.equal((await callsOf(page, "stop_talk")).length, 1);
  await expectText(page, "#talk-start", "Start");
  assert.equal(await page.isEnabled("#talk-text"), false);
});

test("an interrupted session shows its reason", async () => {
  const page = await open();
  await page.click("#talk-start");
  await emitMany(page, [
    { event: "started", session_id: "live-session-1", request_id: "r" },
    { event: "state", state: "listening" },
  ]);
  await page.evaluate(() => window.__flux.pushStatus({ talking: false, state: null }));
  await emit(page, { event: "ended", outcome: { kind: "interrupted", reason: "microphone unplugged" } });
  await expectText(page, "#talk-state", "microphone unplugged");
  assert.equal(await page.getAttribute("#talk-state", "data-state"), "error");
  await expectText(page, "#transcript", "Conversation interrupted: microphone unplugged");
  await expectText(page, "#talk-start", "Start");
});

test("a conversation that stops being saved says so until saving resumes, and goes on", async () => {
  const page = await open();
  await page.click("#talk-start");
  await emitMany(page, [
    { event: "started", session_id: "live-session-1", request_id: "r" },
    { event: "state", state: "listening" },
    { event: "warning", code: "ECHO_HEARD", description: "Flux can hear itself." },
  ]);
  assert.equal(await page.isVisible("#not-saving"), false, "other warnings are not about saving");

  const full =
    "The disk is full: the conversation goes on, but it is no longer being saved. Free some space and saving resumes with the next message.";
  await emitMany(page, [
    { event: "transcript", role: "user", content: "Plan my day", typed: false },
    { event: "warning", code: "STORAGE_FULL", description: full },
  ]);
  await expectText(page, "#not-saving", "Not being saved");
  assert.equal(await page.getAttribute("#not-saving", "title"), full);
  await expectText(page, "#transcript .note-warning:last-child", full);

  // The conversation goes on: the badge stays while turns keep arriving.
  await emit(page, { event: "transcript", role: "assistant", content: "Sure, let's plan it.", typed: false });
  await expectText(page, "#transcript .msg-assistant", "Sure, let's plan it.");
  assert.equal(await page.isVisible("#not-saving"), true);
  await expectText(page, "#talk-start", "Stop");
  await shot(page, "talk-not-saving");

  const resumed = "Saving resumed: the conversation is being saved again. 2 messages from while it was not saved are missing from its history.";
  await emit(page, { event: "warning", code: "STORAGE_RESUMED", description: resumed });
  await expectText(page, "#transcript [data-kind=saving-resumed]", resumed);
  assert.equal(await page.isVisible("#not-saving"), false);
  assert.equal(await page.locator("#transcript .note-warning", { hasText: "Saving resumed" }).count(), 0, "not shown as a warning");

  // A new conversation starts with a clean slate.
  await emit(page, { event: "warning", code: "STORAGE_FAILED", description: "The conversation goes on, but it is no longer being saved (Storage failed: disk I/O error)." });
  assert.equal(await page.isVisible("#not-saving"), true);
  await page.evaluate(() => window.__flux.pushStatus({ talking: false, state: null }));
  await emit(page, { event: "ended", outcome: { kind: "completed" } });
  await emit(page, { event: "started", session_id: "live-session-2", request_id: "r2" });
  assert.equal(await page.isVisible("#not-saving"), false);
});

test("push-to-talk: the hold button presses and releases, with mouse and keyboard", async () => {
  const page = await open();
  await page.check("#mode-push_to_talk");
  assert.equal(await page.isVisible("#talk-ptt"), true);
  assert.equal(await page.isEnabled("#talk-ptt"), false, "disabled until talking");
  await page.click("#talk-start");
  assert.deepEqual((await callsOf(page, "start_talk")).map((c) => c.args), [{ mode: "push_to_talk" }]);
  await until(page, () => !document.querySelector("#talk-ptt").disabled, null, "ptt enabled");
  assert.equal(await page.isEnabled("#mode-hands_free"), false, "mode locked while talking");

  const box = await page.locator("#talk-ptt").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await expectText(page, "#talk-ptt", "Release to send");
  await page.mouse.up();
  await expectText(page, "#talk-ptt", "Hold to talk");

  await page.focus("#talk-ptt");
  await page.keyboard.down("Space");
  await until(page, () => document.querySelector("#talk-ptt").getAttribute("aria-pressed") === "true", null, "ptt pressed by key");
  await page.keyboard.up("Space");
  await until(page, () => document.querySelector("#talk-ptt").getAttribute("aria-pressed") === "false", null, "ptt released by key");

  const ptt = (await callsOf(page, "push_to_talk")).map((c) => c.args.pressed);
  assert.deepEqual(ptt, [true, false, true, false]);
});

test("a rejected start shows the error banner and the reason", async () => {
  const page = await open();
  await page.evaluate(() => window.__flux.fail("start_talk", "Daily session limit reached (20 per day)"));
  await page.click("#talk-start");
  await expectText(page, "#toasts", "Could not start: Daily session limit reached (20 per day)");
  assert.equal(await page.getAttribute("#toasts .toast", "role"), "alert");
  await expectText(page, "#talk-state", "Daily session limit reached");
  await expectText(page, "#talk-start", "Start");
  await shot(page, "error-banner");
  // The banner is dismissable.
  await page.click("#toasts .toast button");
  assert.equal(await page.$("#toasts .toast"), null);
});

test("app-status from the tray starts the talk view", async () => {
  const page = await open();
  await page.evaluate(() => window.__flux.pushStatus({ talking: true, session_id: "tray-1", state: "listening", mode: "push_to_talk" }));
  await expectText(page, "#talk-start", "Stop");
  await expectText(page, "#talk-state-label", "Listening");
  assert.equal(await page.isChecked("#mode-push_to_talk"), true);
  await expectText(page, "#side-state", "Listening");
  // The tray-started session's events show up; a later session starts with a fresh transcript.
  await emit(page, { event: "transcript", role: "user", content: "first session line", typed: false });
  await expectText(page, "#transcript", "first session line");
  await emit(page, { event: "started", session_id: "tray-2", request_id: "r2" });
  await until(page, () => !document.querySelector("#transcript").textContent.includes("first session line"), null, "transcript cleared for a new session");
});
