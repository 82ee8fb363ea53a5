// Reminders pushed by the core (`reminders` event): a card per due task with Done and Snooze,
// one summary card for those missed while the app was closed, reachable and readable by keyboard
// and screen reader in both themes; the task editor's own lead and the Reminders setting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, expectText, until } from "./helpers.mjs";
import { installProbes } from "./a11y-probes.mjs";

const open = browserSuite();
const probe = (page, name) => page.evaluate((n) => window.__a11y[n](), name);

const taskId = (page, title) => page.evaluate((t) => window.__flux.tasks.find((x) => x.title === t).id, title);

/** Pushes what the core would: `due` and `missed` are task titles of the mock's tasks. */
async function push(page, due, missed = []) {
  await page.evaluate(
    async ([d, m]) => {
      const f = window.__flux;
      const of = (t, ago) => f.reminderOf(f.tasks.find((x) => x.title === t).id, ago);
      await f.pushReminders({ due: d.map((t) => of(t, 0)), missed: m.map((t) => of(t, 600)) });
    },
    [due, missed],
  );
}

const card = (title) => `#reminders .reminder:has(.reminder-title:text-is("${title}"))`;

test("a due reminder shows the title and time, is announced without taking the focus, and Done completes the task", async () => {
  const page = await open();
  assert.equal(await page.isVisible("#reminders"), false, "nothing until a reminder comes");
  await page.focus("#talk-start");
  await push(page, ["Spanish lesson"]);
  await page.waitForSelector(card("Spanish lesson"));
  await expectText(page, `${card("Spanish lesson")} time`, /^Today 09:00$/);
  await expectText(page, "#reminders-announce", "Reminder: Spanish lesson, Today 09:00.");
  assert.equal(await page.evaluate(() => document.activeElement.id), "talk-start", "the focus stays where the user is");
  const tree = await page.locator("#reminders").ariaSnapshot();
  assert.match(tree, /region "Reminders"/);
  assert.match(tree, /article "Spanish lesson"/);
  assert.match(tree, /button "Snooze “Spanish lesson” for 10 minutes"/);
  assert.match(tree, /button "Mark “Spanish lesson” as done"/);
  assert.match(tree, /button "Dismiss the reminder of “Spanish lesson”"/);
  await expectText(page, `${card("Spanish lesson")} [data-action=snooze]`, "Snooze 10 min");
  await shot(page, "reminder-due");

  const id = await taskId(page, "Spanish lesson");
  await page.click(`${card("Spanish lesson")} [data-action=done]`);
  await page.waitForSelector("#reminders", { state: "hidden" });
  assert.deepEqual((await callsOf(page, "set_task_done")).map((c) => c.args), [{ id, done: true }]);
  // The Tasks screen shows it done.
  await nav(page, "tasks");
  await until(page, () => [...document.querySelectorAll("#tasks-done .task-title")].some((e) => e.textContent === "Spanish lesson"), null, "task in Done");
});

test("Snooze 10 min by keyboard: the card goes, comes back once when the core pushes it again, and a refusal keeps it", async () => {
  const page = await open();
  await push(page, ["Morning run", "Spanish lesson"]);
  await page.waitForSelector(card("Spanish lesson"));
  const id = await taskId(page, "Morning run");
  await page.focus(`${card("Morning run")} [data-action=dismiss]`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.action), "snooze");
  await page.keyboard.press("Enter");
  await page.waitForSelector(card("Morning run"), { state: "detached" });
  assert.deepEqual((await callsOf(page, "snooze_reminder")).map((c) => c.args), [{ taskId: id, minutes: 10 }]);
  await expectText(page, "#reminders-announce", "“Morning run” snoozed for 10 minutes.");
  assert.equal(
    await page.evaluate(() => document.activeElement.closest(".reminder")?.querySelector(".reminder-title").textContent),
    "Spanish lesson",
    "the focus moves to the next reminder, not to the page's start",
  );

  // Ten minutes later the core pushes it again, and again (it never does: one card all the same).
  await push(page, ["Morning run"]);
  await push(page, ["Morning run"]);
  await page.waitForSelector(card("Morning run"));
  assert.equal(await page.locator(card("Morning run")).count(), 1);

  await page.evaluate(() => window.__flux.fail("snooze_reminder", "Task x is done: it has no reminder to snooze"));
  await page.click(`${card("Morning run")} [data-action=snooze]`);
  await expectText(page, "#toasts", "Could not snooze “Morning run”: Task x is done");
  assert.equal(await page.locator(card("Morning run")).count(), 1, "kept when the snooze failed");
  await page.click(`${card("Morning run")} [data-action=dismiss]`);
  await page.click(`${card("Spanish lesson")} [data-action=dismiss]`);
  await page.waitForSelector("#reminders", { state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.id), "screen-talk", "the focus goes back to the screen");
});

test("reminders missed while Flux was closed come as one summary card, listing them", async () => {
  const page = await open();
  await push(page, ["Call the dentist"], ["Morning run", "Spanish lesson", "Buy groceries"]);
  const missed = "#reminders-missed";
  await page.waitForSelector(missed);
  await expectText(page, `${missed} .reminder-title`, "While Flux was closed: 3 reminders");
  const items = await page.$$eval(`${missed} li`, (els) => els.map((e) => e.textContent));
  assert.equal(items.length, 3);
  assert.ok(items[0].startsWith("Morning run Today 07:00"), items[0]);
  assert.equal(await page.locator("#reminders .reminder").count(), 2, "one summary card and the due one");
  assert.equal(await page.$eval("#reminders .reminder", (e) => e.id), "reminders-missed", "the summary comes first");
  await expectText(page, "#reminders-announce", "While Flux was closed: 3 missed.");
  assert.match(await page.locator(missed).ariaSnapshot(), /article "While Flux was closed: 3 reminders"/);
  await shot(page, "reminders-missed");

  const id = await taskId(page, "Spanish lesson");
  await page.click(`${missed} li:has-text("Spanish lesson") [data-action=done]`);
  await expectText(page, `${missed} li:nth-child(2)`, "Spanish lesson · done");
  assert.deepEqual((await callsOf(page, "set_task_done")).map((c) => c.args), [{ id, done: true }]);
  await page.click(`${missed} [data-action=dismiss]`);
  await page.waitForSelector(missed, { state: "detached" });
  assert.equal(await page.locator("#reminders .reminder").count(), 1);

  await push(page, [], ["Morning run"]);
  await expectText(page, `${missed} .reminder-title`, "While Flux was closed: 1 reminder");
});

for (const scheme of ["light", "dark"]) {
  test(`keyboard (${scheme}): every reminder control is reached by Tab with a visible ring, and its text reaches 4.5:1`, async () => {
    const page = await open({}, { colorScheme: scheme });
    await installProbes(page);
    await push(page, ["Spanish lesson"], ["Morning run", "Buy groceries"]);
    await page.waitForSelector(card("Spanish lesson"));
    const buttons = await page.$$eval("#reminders button", (els) => els.map((e) => e.getAttribute("aria-label")));
    assert.equal(buttons.length, 6);
    await page.evaluate(() => document.activeElement?.blur());
    const reached = [];
    const rings = [];
    for (let i = 0; i < 40 && reached.length < buttons.length; i++) {
      await page.keyboard.press("Tab");
      const label = await page.evaluate(() => (document.activeElement.closest("#reminders") ? document.activeElement.getAttribute("aria-label") : null));
      if (!label || reached.includes(label)) continue;
      reached.push(label);
      const f = await probe(page, "focusedRing");
      const contrast = await probe(page, "ringContrast");
      if (f.outlineStyle === "none" || f.outlineWidth < 2 || contrast < 3) rings.push(`${label}: ${f.outlineStyle} ${f.outlineWidth}px (${contrast.toFixed(2)}:1)`);
    }
    assert.deepEqual(reached, buttons, "in document order, right after the sidebar");
    assert.deepEqual(rings, []);
    assert.deepEqual((await probe(page, "contrastProblems")).problems, [], `${scheme}: text below its contrast minimum`);
    if (scheme === "dark") await shot(page, "dark-reminders");
  });
}

test("the task editor takes “Remind me N minutes before”; empty follows the setting", async () => {
  const page = await open();
  await nav(page, "tasks");
  await page.waitForSelector("#tasks-today");
  await until(page, () => document.querySelector("#task-remind").placeholder === "default 10", null, "the default lead shown");
  await expectText(page, "#task-remind-help", "Empty: 10 minutes, the default from Settings.");
  await page.fill("#task-title", "Stretch");
  await page.fill("#task-time", "16:00");
  await page.fill("#task-remind", "30");
  await page.click("#task-form button[type=submit]");
  await until(page, () => [...document.querySelectorAll(".task-title")].some((e) => e.textContent === "Stretch"), null, "task added");
  await page.fill("#task-title", "Tea");
  await page.click("#task-form button[type=submit]");
  await until(page, () => [...document.querySelectorAll(".task-title")].some((e) => e.textContent === "Tea"), null, "second task added");
  assert.deepEqual((await callsOf(page, "create_task")).map((c) => c.args.remindBeforeMinutes), [30, null]);
  assert.equal(await page.inputValue("#task-remind"), "", "cleared after adding");

  const row = '.task:has(.task-title:text-is("Stretch"))';
  await page.click(`${row} [data-action=edit]`);
  const form = "#task-sections .task-edit";
  assert.equal(await page.inputValue(`${form} [name=remind]`), "30");
  await page.fill(`${form} [name=remind]`, "");
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(form, { state: "detached" });
  assert.deepEqual((await callsOf(page, "update_task")).map((c) => c.args.remindBeforeMinutes), [null]);
});

test("Settings: reminders on or off and the default lead, saved with the other settings", async () => {
  const page = await open();
  await nav(page, "settings");
  await until(page, () => document.querySelector("#reminders-lead").value === "10", null, "the saved lead shown");
  assert.equal(await page.isChecked("#reminders-enabled"), true);
  assert.equal(await page.getAttribute("#reminders-enabled", "role"), "switch");
  await page.$eval("#set-reminders-h", (e) => e.scrollIntoView({ block: "center" }));
  await shot(page, "settings-reminders");

  await page.fill("#reminders-lead", "");
  await page.click("#settings-save");
  assert.equal(await page.$eval("#reminders-lead", (e) => e.matches(":invalid")), true);
  assert.deepEqual(await callsOf(page, "save_settings"), [], "an empty lead is not saved");

  await page.fill("#reminders-lead", "25");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  await page.uncheck("#reminders-enabled");
  assert.equal(await page.isDisabled("#reminders-lead"), true, "no lead to choose while off");
  await page.click("#settings-save");
  await until(page, () => document.querySelector("#settings-saved").textContent === "Saved", null, "saved again");
  const saved = (await callsOf(page, "save_settings")).map((c) => c.args.settings.reminders);
  assert.deepEqual(saved, [{ enabled: true, lead_minutes: 25 }, { enabled: false, lead_minutes: 25 }]);
});

test("Done or Snooze chosen in the system notification takes the reminder's card away, and Done shows in Tasks", async () => {
  const page = await open();
  await push(page, ["Spanish lesson"]);
  await page.waitForSelector(card("Spanish lesson"));
  const id = await taskId(page, "Spanish lesson");
  await page.evaluate((t) => window.__flux.handledInNotification(t, "done"), id);
  await page.waitForSelector(card("Spanish lesson"), { state: "detached" });
  assert.equal(await page.isVisible("#reminders"), false);
  await nav(page, "tasks");
  await expectText(page, `[data-task-id="${id}"]`, "Spanish lesson");
  assert.equal(await page.isChecked(`[data-task-id="${id}"] input[type=checkbox]`), true, "marked done");
  // A snooze from the notification likewise leaves no card behind.
  await push(page, ["Spanish lesson"]);
  await page.waitForSelector(card("Spanish lesson"));
  await page.evaluate((t) => window.__flux.handledInNotification(t, "snooze"), id);
  await page.waitForSelector(card("Spanish lesson"), { state: "detached" });
});
