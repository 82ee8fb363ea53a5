import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText } from "./helpers.mjs";

const open = browserSuite();

const savedRetention = async (page) => (await callsOf(page, "save_settings")).map((c) => c.args.settings.retention);

test("Keep conversations: forever by default; a period is saved with the settings and shown again", async () => {
  const page = await open();
  await nav(page, "settings");
  await page.waitForSelector("#retention-days");
  assert.equal(await page.inputValue("#retention-days"), "forever");
  const labels = await page.$$eval("#retention-days option", (els) => els.map((e) => e.textContent));
  assert.deepEqual(labels, ["Forever", "7 days", "30 days", "90 days", "1 year"]);
  await expectText(page, "#retention-help", "Tasks and goals stay");
  await page.$eval("#retention-days", (e) => e.scrollIntoView({ block: "center" }));
  await shot(page, "settings-retention");

  // A shorter period deletes for good: it is confirmed first, and cancelling saves nothing.
  await page.selectOption("#retention-days", "30");
  await page.click("#settings-save");
  await expectText(page, "dialog.confirm", "Conversations older than 30 days will be deleted from this computer now");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.confirm", { state: "detached" });
  assert.deepEqual(await savedRetention(page), [], "cancelled");
  await page.click("#settings-save");
  await confirm(page);
  await expectText(page, "#settings-saved", "Saved");
  assert.deepEqual(await savedRetention(page), [{ days: 30 }]);

  // Shown again after a reload of the screen, and "Forever" sends null.
  await nav(page, "review");
  await nav(page, "settings");
  await page.waitForFunction(() => document.querySelector("#retention-days")?.value === "30");
  await page.selectOption("#retention-days", "forever");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  assert.deepEqual(await savedRetention(page), [{ days: 30 }, { days: null }]);
});

test("a period set by hand in settings.yaml stays as it is; a refused one shows the core's sentence", async () => {
  const page = await open({ retentionDays: 14 });
  await nav(page, "settings");
  await page.waitForFunction(() => document.querySelector("#retention-days")?.value === "14");
  await expectText(page, "#retention-days option[value='14']", "14 days (set in settings.yaml)");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  assert.deepEqual(await savedRetention(page), [{ days: 14 }], "saving other settings keeps it");

  await page.evaluate(() => window.__flux.fail("save_settings", "retention.days must be between 1 and 36500, or null to keep conversations forever (it is 0)"));
  await page.selectOption("#retention-days", "7");
  await page.click("#settings-save");
  await confirm(page);
  await expectText(page, "#settings-error", "retention.days must be between 1 and 36500");
});
