// Accessibility: what a screen reader is told (Playwright's ARIA snapshot), that the keyboard
// reaches every control with a visible focus ring, Escape and Enter/Space, and that the system's
// reduced-motion and dark-mode preferences are followed (measured from computed styles).
import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, emit, nav, expectText, until } from "./helpers.mjs";
import { installProbes } from "./a11y-probes.mjs";

const open = browserSuite();
const SCREENS = ["talk", "review", "tasks", "settings"];
const probe = (page, name) => page.evaluate((n) => window.__a11y[n](), name);

/** A talking session with a few transcript entries, a tool call and a mic level. */
async function liveSession(page) {
  await page.click("#talk-start");
  await emit(page, { event: "state", state: "listening" });
  await emit(page, { event: "transcript", role: "user", content: "Book a Spanish lesson tomorrow at nine", typed: false });
  await emit(page, { event: "function_call", id: "c1", name: "create_task", arguments: "{}" });
  await emit(page, { event: "function_result", id: "c1", name: "create_task", ok: true, content: "Task created: Spanish lesson" });
  await emit(page, { event: "transcript", role: "assistant", content: "Your Spanish lesson is booked.", typed: false });
  await emit(page, { event: "level", dbfs: -12 });
  await expectText(page, "#receiving", "Receiving audio");
}

/** Brings each screen into the state with the most controls on it. */
async function showScreen(page, screen) {
  await nav(page, screen);
  if (screen === "review") {
    await page.click("#session-list .session-item");
    await page.waitForSelector("#session-detail:not([hidden])");
  }
  if (screen === "tasks") await page.waitForSelector("#screen-tasks .task");
}

test("ARIA snapshot: state pill, level meter, transcript log, headings, labelled controls, current tab", async () => {
  const page = await open();
  const navTree = await page.locator("nav").ariaSnapshot();
  assert.match(navTree, /navigation "Main"/);
  for (const name of ["Talk", "Review", "Tasks & goals", "Settings"]) assert.match(navTree, new RegExp(`button "${name}`));
  assert.equal(await page.getAttribute("#tab-talk", "aria-current"), "page");

  let talk = await page.locator("#screen-talk").ariaSnapshot();
  assert.match(talk, /heading "Talk" \[level=1\]/);
  assert.match(talk, /status:[^\n]*Not talking/, `the state pill is a status that says the state in words:\n${talk}`);
  assert.match(talk, /meter "Microphone level"/);
  assert.match(talk, /log "Live transcript"/);
  assert.match(talk, /radiogroup "Conversation mode"|group "Conversation mode"/);
  assert.match(talk, /radio "Hands-free" \[checked\]/);
  assert.match(talk, /button "Start"/);
  assert.match(talk, /textbox "Type a message to Flux" \[disabled\]/);

  await liveSession(page);
  talk = await page.locator("#screen-talk").ariaSnapshot();
  assert.match(talk, /status:[^\n]*Listening/);
  assert.match(talk, /button "Stop"/);
  assert.match(talk, /button "Mute"/);
  assert.equal(await page.getAttribute("#talk-mute", "aria-pressed"), "false", "Mute is a toggle button");
  const log = await page.locator("#transcript-log").ariaSnapshot();
  assert.match(log, /log "Live transcript"/);
  assert.match(log, /- listitem:\n\s+- text: You\n\s+- paragraph: Book a Spanish lesson/);
  assert.match(log, /Your Spanish lesson is booked/);
  assert.match(log, /button "Undo"/);
  // The meter reads "silent" 1.5 s after the last level, and on a loaded machine the snapshots
  // above can take that long: a fresh level, then its value once the meter's pacing lets it show.
  await emit(page, { event: "level", dbfs: -12 });
  await page.waitForFunction(() => document.querySelector("#level-meter").getAttribute("aria-valuetext") !== "silent");
  const meter = await page.locator("#level-meter").evaluate((m) => ({
    role: m.getAttribute("role"),
    now: Number(m.getAttribute("aria-valuenow")),
    min: m.getAttribute("aria-valuemin"),
    max: m.getAttribute("aria-valuemax"),
    text: m.getAttribute("aria-valuetext"),
  }));
  assert.deepEqual({ ...meter, now: meter.now > 50 }, { role: "meter", now: true, min: "0", max: "100", text: "-12 dBFS" });
  assert.equal(await page.getAttribute("#talk-state", "aria-atomic"), "true");

  for (const [screen, h1] of [["review", "Review"], ["tasks", "Tasks & goals"], ["settings", "Settings"]]) {
    await showScreen(page, screen);
    const tree = await page.locator(`#screen-${screen}`).ariaSnapshot();
    assert.match(tree, new RegExp(`heading "${h1}" \\[level=1\\]`), tree);
    assert.match(tree, /heading "[^"]+" \[level=2\]/, `${screen} has section headings`);
    assert.equal(await page.getAttribute(`#tab-${screen}`, "aria-current"), "page");
    // Every control has a name: no `- button` / `- textbox` / `- checkbox` without quotes.
    assert.doesNotMatch(tree, /- (button|textbox|checkbox|combobox|spinbutton)(\s*\[[^\]]*\])?:?\s*$/m, `${screen}: a control without a name:\n${tree}`);
    if (screen === "review") assert.match(tree, /- search:/);
    if (screen === "tasks") assert.match(tree, /checkbox "Mark “[^"]+” as (not )?done"/);
  }
});

test("the level meter's ARIA value changes at a modest rate, whatever the level event rate", async () => {
  const page = await open();
  await liveSession(page);
  await page.evaluate(() => {
    window.__meterChanges = 0;
    new MutationObserver((ms) => (window.__meterChanges += ms.filter((m) => m.attributeName === "aria-valuenow").length)).observe(
      document.querySelector("#level-meter"),
      { attributes: true },
    );
  });
  // 50 events a second for a second (as the core sends them), alternating loud and quiet.
  for (let i = 0; i < 50; i++) {
    await emit(page, { event: "level", dbfs: i % 2 ? -10 : -40 });
    await page.waitForTimeout(20);
  }
  await page.waitForTimeout(600);
  const changes = await page.evaluate(() => window.__meterChanges);
  assert.ok(changes >= 1 && changes <= 6, `aria-valuenow changed ${changes} times for 50 level events`);
  // The last level is the one it settles on.
  assert.equal(await page.getAttribute("#level-meter", "aria-valuetext"), "-10 dBFS");
});

for (const scheme of ["light", "dark"]) {
  test(`keyboard (${scheme}): Tab reaches every control of each screen, in document order, each with a visible ring`, async () => {
    const page = await open({}, { colorScheme: scheme });
    await installProbes(page);
    for (const screen of SCREENS) {
      await showScreen(page, screen);
      const controls = await probe(page, "markControls");
      assert.ok(controls.length > 5, `${screen}: found ${controls.length} controls`);
      await page.evaluate(() => document.activeElement?.blur());
      const order = [];
      const rings = [];
      for (let i = 0; i < controls.length + 10 && order.length < controls.length; i++) {
        await page.keyboard.press("Tab");
        const f = await probe(page, "focusedRing");
        if (!f) continue;
        assert.notEqual(f.k, null, `${screen}: Tab focused ${f.what}, which is not a visible enabled control`);
        if (!order.includes(Number(f.k))) order.push(Number(f.k));
        const visible = f.outlineStyle !== "none" && f.outlineWidth >= 2;
        const contrast = visible ? await probe(page, "ringContrast") : 0;
        if (!visible || contrast < 3) rings.push(`${f.what}: outline ${f.outlineStyle} ${f.outlineWidth}px ${f.outlineColor} (${contrast.toFixed(2)}:1)`);
      }
      const missed = controls.filter((_, k) => !order.includes(k));
      assert.deepEqual(missed, [], `${screen}: controls Tab never reached (a trap or a skipped control)`);
      // Tab starts after the last clicked control and wraps round the page: compare from the first.
      const cyclic = [...order.slice(order.indexOf(0)), ...order.slice(0, order.indexOf(0))];
      assert.deepEqual(cyclic, [...order].sort((a, b) => a - b), `${screen}: Tab order differs from the document order`);
      assert.deepEqual(rings, [], `${screen}: focused controls without a visible focus ring (≥2px, ≥3:1)`);
    }
  });
}

test("keyboard: Enter and Space operate controls, Escape closes the dialog and notices", async () => {
  const page = await open();
  await page.focus("#tab-review");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#screen-review:not([hidden])");
  assert.equal(await page.getAttribute("#tab-review", "aria-current"), "page");
  await page.waitForSelector("#session-list .session-item");
  await page.focus("#session-list .session-item");
  await page.keyboard.press("Space");
  await page.waitForSelector("#session-detail:not([hidden])");

  // The confirm dialog: focus starts on Cancel, Tab stays inside, Escape closes it and deletes nothing.
  await page.focus("#delete-all");
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog.confirm[open]");
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    // Past the last button focus may leave the page for the browser's own UI (body), never the app.
    const inside = await page.evaluate(() => document.activeElement === document.body || !!document.activeElement.closest("dialog.confirm"));
    assert.ok(inside, "focus stays in the dialog");
  }
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.confirm", { state: "detached" });
  assert.ok((await page.locator("#session-list .session-item").count()) > 0, "Escape cancelled the deletion");

  // A notice (toast) goes away with Escape.
  await page.evaluate(() => window.__flux.fail("export_session", "disk full"));
  await page.click("#session-detail [data-format=md]");
  await page.waitForSelector(".toast");
  await page.focus("#tab-talk");
  await page.keyboard.press("Escape");
  await page.waitForSelector(".toast", { state: "detached" });
});

test("keyboard: the onboarding dialog keeps Tab inside, reaches each of its controls with a ring, and Escape skips it", async () => {
  const page = await open({ hasKey: false });
  await installProbes(page);
  await page.waitForSelector("#onboarding:not([hidden])");
  assert.equal(await page.getAttribute(".shell", "inert"), "", "the app behind the dialog is inert");
  const controls = await probe(page, "markControls"); // the shell's controls are inert, so not counted
  assert.ok(controls.length >= 3 && controls.every((c) => !/#tab-/.test(c)), `onboarding controls: ${controls.join(", ")}`);
  const reached = new Set();
  for (let i = 0; i < controls.length * 2 + 4; i++) {
    await page.keyboard.press("Tab");
    const f = await probe(page, "focusedRing");
    if (!f) continue; // past the last control focus goes to the browser's own UI
    assert.ok(await page.evaluate(() => !!document.activeElement.closest("#onboarding")), `Tab ${i + 1} left the dialog for ${f.what}`);
    assert.ok(f.outlineStyle !== "none" && (await probe(page, "ringContrast")) >= 3, `${f.what} has no visible ring`);
    reached.add(Number(f.k));
  }
  assert.deepEqual(controls.filter((_, k) => !reached.has(k)), [], "onboarding controls Tab never reached");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.equal(await page.getAttribute(".shell", "inert"), null);
});

test("reduced motion: nothing animates or transitions; without the preference the pill pulses", async () => {
  const page = await open(); // helpers.mjs opens every page with reducedMotion: "reduce"
  await installProbes(page);
  await page.click("#talk-start"); // "Connecting…": the state dot pulses when motion is allowed
  await expectText(page, "#talk-state", "Connecting");
  await emit(page, { event: "level", dbfs: -20 });
  const still = await probe(page, "motion");
  assert.deepEqual(still.moving, [], "animations or transitions under prefers-reduced-motion: reduce");
  assert.equal(still.animations, 0);
  assert.equal(still.scroll, "auto");

  // The negative control: the same page with the preference off does move.
  await page.emulateMedia({ reducedMotion: "no-preference" });
  const moving = await probe(page, "motion");
  assert.ok(moving.moving.some((m) => /state-pill|dot.*animation pulse/.test(m)), `pill pulse: ${moving.moving.join("; ")}`);
  assert.ok(moving.moving.some((m) => /meter-fill: transition/.test(m)), "meter smoothing");
});

for (const scheme of ["light", "dark"]) {
  test(`${scheme} theme: page colours follow the system and every visible text reaches 4.5:1`, async () => {
    const page = await open({}, { colorScheme: scheme });
    await installProbes(page);
    const c = await probe(page, "pageColours");
    if (scheme === "dark") assert.ok(c.background < 0.05 && c.text > 0.6, `dark page: ${JSON.stringify(c)}`);
    else assert.ok(c.background > 0.8 && c.text < 0.05, `light page: ${JSON.stringify(c)}`);
    assert.ok(c.contrast >= 7, `body text ${c.contrast.toFixed(2)}:1`);
    await liveSession(page);
    // A barge-in shows its badge and note (accent colours); then Flux speaks again.
    await emit(page, { event: "state", state: "agent_speaking" });
    await emit(page, { event: "state", state: "user_speaking" });
    await emit(page, { event: "state", state: "agent_speaking" });
    await page.waitForSelector("#barge-in:not([hidden])");
    for (const screen of SCREENS) {
      await showScreen(page, screen);
      const { measured, problems } = await probe(page, "contrastProblems");
      assert.ok(measured > 20, `${screen}: measured ${measured} text runs`);
      assert.deepEqual(problems, [], `${scheme} ${screen}: text below its contrast minimum`);
      if (scheme === "dark") await shot(page, `dark-${screen}`);
    }
    // The onboarding and an error state, which use the warning and danger colours.
    await nav(page, "talk");
    await emit(page, { event: "error", code: "X", description: "The connection dropped" });
    await until(page, () => document.querySelector("#talk-state").dataset.state === "error", null, "error state");
    assert.deepEqual((await probe(page, "contrastProblems")).problems, [], `${scheme} talk error state`);
    if (scheme === "dark") await shot(page, "dark-talk-error");
  });
}

for (const scheme of ["light", "dark"]) {
  test(`${scheme} theme: the onboarding dialog and a notice reach 4.5:1`, async () => {
    const page = await open({ hasKey: false, hasMic: false }, { colorScheme: scheme });
    await installProbes(page);
    await page.waitForSelector("#onboarding:not([hidden])");
    assert.deepEqual((await probe(page, "contrastProblems")).problems, [], `${scheme} onboarding`);
    if (scheme === "dark") await shot(page, "dark-onboarding");
    await page.click("#onb-skip");
    await page.evaluate(() => window.__flux.fail("export_session", "disk full"));
    await nav(page, "review");
    await page.click("#session-list .session-item");
    await page.click("#session-detail [data-format=md]");
    await page.waitForSelector(".toast-error");
    assert.deepEqual((await probe(page, "contrastProblems")).problems, [], `${scheme} error notice`);
  });
}
