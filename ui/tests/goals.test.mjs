import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, expectText, until } from "./helpers.mjs";

const openFresh = browserSuite();

async function open(init) {
  const page = await openFresh(init);
  await nav(page, "tasks");
  await page.waitForSelector("#goal-list .goal");
  return page;
}

const spanish = `.goal:has(.goal-statement:text-is("Learn Spanish"))`;
const steps = (page) => page.$$eval(`${spanish} .milestone-title`, (els) => els.map((e) => e.textContent));
const progress = (page) => page.getAttribute(`${spanish} [role=progressbar]`, "aria-valuenow");

test("a goal shows its milestones in due order with its progress", async () => {
  const page = await open({ plan: true });
  assert.deepEqual(await steps(page), ["Learn 100 common words", "Order food in Spanish", "Hold a five-minute conversation"]);
  await expectText(page, spanish, "1 of 3 milestones done");
  assert.equal(await progress(page), "1");
  assert.equal(await page.getAttribute(`${spanish} [role=progressbar]`, "aria-valuemax"), "3");
  assert.equal(await page.isChecked(`${spanish} .milestone[data-status=done] input[type=checkbox]`), true);
  // Milestones are the goal's tasks: the task list names the goal beside them.
  await expectText(page, `#tasks-upcoming .task:has(.task-title:text-is("Order food in Spanish"))`, "Learn Spanish");
  await shot(page, "goals-plan");
});

test("ticking a milestone off moves the progress, and Edit opens it in the task list", async () => {
  const page = await open({ plan: true });
  await page.click(`${spanish} .milestone:has(.milestone-title:text-is("Order food in Spanish")) input[type=checkbox]`);
  await until(
    page,
    () => [...document.querySelectorAll(".goal")].find((g) => g.querySelector(".goal-statement")?.textContent === "Learn Spanish")?.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow") === "2",
    null,
    "progress 2",
  );
  await expectText(page, spanish, "2 of 3 milestones done");
  assert.deepEqual((await callsOf(page, "set_task_done")).map((c) => c.args.done), [true]);

  await page.click(`${spanish} [data-action=edit-milestone][aria-label="Edit “Hold a five-minute conversation”"]`);
  await page.waitForSelector("#task-sections .task-edit");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "title", "the editor has the focus");
  await page.fill("#task-sections .task-edit [name=title]", "Hold a ten-minute conversation");
  await page.click("#task-sections .task-edit button[type=submit]");
  await until(page, () => [...document.querySelectorAll(".milestone-title")].some((e) => e.textContent === "Hold a ten-minute conversation"), null, "milestone renamed");
  const upd = (await callsOf(page, "update_task")).map((c) => c.args.title);
  assert.deepEqual(upd, ["Hold a ten-minute conversation"]);
  await expectText(page, spanish, "2 of 3 milestones done");
});

test("a goal without a plan says how to get one", async () => {
  const page = await open({});
  await expectText(page, spanish, "No plan yet");
  assert.equal(await page.$(`${spanish} [role=progressbar]`), null);
});
