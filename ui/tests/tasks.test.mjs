import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText, until } from "./helpers.mjs";

const openFresh = browserSuite();

async function open(init) {
  const page = await openFresh(init);
  await nav(page, "tasks");
  await page.waitForSelector("#tasks-today");
  return page;
}

const today = () => new Date().toISOString().slice(0, 10); // the mock user's timezone is UTC
const titles = (page, group) => page.$$eval(`#tasks-${group} .task-title`, (els) => els.map((e) => e.textContent));
const row = (title) => `.task:has(.task-title:text-is("${title}"))`;

test("today, upcoming and done tasks, and goals, are listed", async () => {
  const page = await open();
  assert.deepEqual(await titles(page, "today"), ["Morning run", "Spanish lesson"]);
  assert.deepEqual(await titles(page, "upcoming"), ["Call the dentist"]);
  assert.deepEqual(await titles(page, "done"), ["Buy groceries"]);
  await expectText(page, `#tasks-today ${row("Spanish lesson")}`, "09:00–09:45");
  await expectText(page, `#tasks-today ${row("Spanish lesson")}`, "Chapter 3");
  assert.equal(await page.isChecked(`#tasks-done ${row("Buy groceries")} input[type=checkbox]`), true);
  await expectText(page, "#goal-list", "Learn Spanish");
  await expectText(page, "#goal-list", "3 months");
  assert.equal(await page.inputValue("#task-date"), today(), "new tasks default to today");
  await shot(page, "tasks");
});

test("create, edit, complete, uncomplete and delete a task", async () => {
  const page = await open();
  await page.fill("#task-title", "Write the report");
  await page.fill("#task-time", "15:00");
  await page.fill("#task-duration", "60");
  await page.fill("#task-notes", "Q4 numbers");
  await page.click("#task-form button[type=submit]");
  await until(page, () => [...document.querySelectorAll("#tasks-today .task-title")].some((e) => e.textContent === "Write the report"), null, "task in Today");
  assert.deepEqual((await callsOf(page, "create_task")).map((c) => c.args), [
    { title: "Write the report", scheduledAt: `${today()}T15:00`, durationMinutes: 60, notes: "Q4 numbers", remindBeforeMinutes: null },
  ]);
  assert.deepEqual(await titles(page, "today"), ["Morning run", "Spanish lesson", "Write the report"]);
  assert.equal(await page.inputValue("#task-title"), "", "form cleared");
  await expectText(page, `#tasks-today ${row("Write the report")}`, "15:00–16:00");

  // Edit: rename and move to tomorrow.
  await page.click(`${row("Write the report")} [data-action=edit]`);
  const form = "#task-sections .task-edit";
  await page.waitForSelector(form);
  assert.equal(await page.inputValue(`${form} [name=title]`), "Write the report");
  assert.equal(await page.inputValue(`${form} [name=time]`), "15:00");
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await page.fill(`${form} [name=title]`, "Write the Q4 report");
  await page.fill(`${form} [name=date]`, tomorrow);
  await page.fill(`${form} [name=time]`, "10:30");
  await page.fill(`${form} [name=duration]`, "");
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(form, { state: "detached" });
  const upd = (await callsOf(page, "update_task")).map((c) => c.args);
  assert.equal(upd.length, 1);
  assert.deepEqual({ ...upd[0], id: undefined }, { id: undefined, title: "Write the Q4 report", scheduledAt: `${tomorrow}T10:30`, durationMinutes: null, notes: "Q4 numbers", remindBeforeMinutes: null });
  assert.deepEqual(await titles(page, "upcoming"), ["Write the Q4 report", "Call the dentist"]);
  assert.ok(!(await titles(page, "today")).includes("Write the report"));

  // Complete, then uncomplete.
  await page.click(`${row("Write the Q4 report")} input[type=checkbox]`);
  await until(page, () => [...document.querySelectorAll("#tasks-done .task-title")].some((e) => e.textContent === "Write the Q4 report"), null, "task in Done");
  assert.ok(!(await titles(page, "upcoming")).includes("Write the Q4 report"));
  await page.click(`#tasks-done ${row("Write the Q4 report")} input[type=checkbox]`);
  await until(page, () => [...document.querySelectorAll("#tasks-upcoming .task-title")].some((e) => e.textContent === "Write the Q4 report"), null, "task back in Upcoming");
  assert.deepEqual((await callsOf(page, "set_task_done")).map((c) => c.args.done), [true, false]);

  // Delete with confirm.
  await page.click(`${row("Write the Q4 report")} [data-action=delete]`);
  await expectText(page, "dialog.confirm", "“Write the Q4 report” will be removed.");
  await confirm(page);
  await until(page, () => ![...document.querySelectorAll(".task-title")].some((e) => e.textContent === "Write the Q4 report"), null, "task gone");
  assert.equal((await callsOf(page, "delete_task")).length, 1);
  assert.equal(await page.evaluate(() => window.__flux.tasks.some((t) => t.title.includes("Q4"))), false);
});

test("a rejected task edit shows the error and keeps the form", async () => {
  const page = await open();
  await page.click(`${row("Morning run")} [data-action=edit]`);
  await page.evaluate(() => window.__flux.fail("update_task", "The task needs a title."));
  await page.click("#task-sections .task-edit button[type=submit]");
  await expectText(page, "#toasts", "Could not save the task: The task needs a title.");
  assert.equal(await page.isVisible("#task-sections .task-edit"), true);
  // Escape cancels the edit.
  await page.press("#task-sections .task-edit [name=title]", "Escape");
  await page.waitForSelector("#task-sections .task-edit", { state: "detached" });
});

test("goals: create, mark done, archive, reactivate, delete", async () => {
  const page = await open();
  await page.fill("#goal-statement", "Run a marathon");
  await page.fill("#goal-timeline", "1 year");
  await page.press("#goal-timeline", "Enter");
  await expectText(page, "#goal-list", "Run a marathon");
  assert.deepEqual((await callsOf(page, "create_goal")).map((c) => c.args), [{ statement: "Run a marathon", timeline: "1 year" }]);

  const goal = (s) => `.goal:has(.goal-statement:text-is("${s}"))`;
  await page.click(`${goal("Run a marathon")} [data-action=done]`);
  await until(page, () => document.querySelector(".goal[data-status=done]")?.textContent.includes("Run a marathon"), null, "goal done");
  await expectText(page, goal("Run a marathon"), "Done");
  await page.click(`${goal("Learn Spanish")} [data-action=archive]`);
  await until(page, () => document.querySelector(".goal[data-status=archived]")?.textContent.includes("Learn Spanish"), null, "goal archived");
  await page.click(`${goal("Learn Spanish")} [data-action=reactivate]`);
  await until(page, () => document.querySelector(".goal[data-status=active]")?.textContent.includes("Learn Spanish"), null, "goal active again");
  assert.deepEqual((await callsOf(page, "set_goal_status")).map((c) => c.args.status), ["done", "archived", "active"]);

  await page.click(`${goal("Run a marathon")} [data-action=delete]`);
  await confirm(page);
  await until(page, () => !document.querySelector("#goal-list").textContent.includes("Run a marathon"), null, "goal deleted");
  assert.equal((await callsOf(page, "delete_goal")).length, 1);
});

test("empty state and a failing list show clearly", async () => {
  const page = await openFresh({ empty: true });
  await page.evaluate(() => window.__flux.fail("list_goals", "The database file is unreadable"));
  await nav(page, "tasks");
  await expectText(page, "#tasks-today", "Nothing scheduled for today.");
  await expectText(page, "#toasts", "Could not load goals: The database file is unreadable");
});
