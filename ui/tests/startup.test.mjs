import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, expectText } from "./helpers.mjs";

const open = browserSuite();

const savedStartup = async (page) => (await callsOf(page, "save_settings")).map((c) => c.args.settings.startup);

test("Startup: off by default; starting at login and staying in the tray are saved with the settings", async () => {
  const page = await open();
  await nav(page, "settings");
  await page.waitForSelector("#startup-at-login");
  assert.equal(await page.isChecked("#startup-at-login"), false);
  assert.equal(await page.isChecked("#startup-hidden"), false);
  // Staying in the tray only means something for a start at login.
  assert.equal(await page.isDisabled("#startup-hidden"), true);
  await expectText(page, "#startup-help", "Opening Flux yourself always shows the window");

  await page.check("#startup-at-login");
  assert.equal(await page.isDisabled("#startup-hidden"), false);
  await page.check("#startup-hidden");
  await page.$eval("#startup-at-login", (e) => e.scrollIntoView({ block: "center" }));
  await shot(page, "settings-startup");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  assert.deepEqual(await savedStartup(page), [{ at_login: true, hidden: true }]);

  // Turning starting at login off keeps the tray choice for next time but disables it.
  await page.uncheck("#startup-at-login");
  assert.equal(await page.isDisabled("#startup-hidden"), true);
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  assert.deepEqual((await savedStartup(page)).at(-1), { at_login: false, hidden: true });
});

test("Startup: a login entry the system refuses is said, and the box stays as the user left it", async () => {
  const page = await open();
  await nav(page, "settings");
  await page.waitForSelector("#startup-at-login");
  await page.evaluate(() =>
    window.__flux.fail("save_settings", "Settings saved, but Flux could not be added to the programs started at login: no home directory"),
  );
  await page.check("#startup-at-login");
  await page.click("#settings-save");
  await expectText(page, "#settings-error", "could not be added to the programs started at login");
  assert.equal(await page.isChecked("#startup-at-login"), true);
});
