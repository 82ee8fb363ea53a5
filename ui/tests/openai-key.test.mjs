import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText, until } from "./helpers.mjs";

const open = browserSuite();

const KEY = "sk-proj-test0123456789abcdefSECRETc0ffee";

/** The key must never appear in the DOM, in attributes or in input values. */
async function assertKeyNotShown(page, key) {
  const found = await page.evaluate((k) => {
    if (document.documentElement.outerHTML.includes(k)) return "markup";
    for (const el of document.querySelectorAll("input, textarea")) if (el.value.includes(k)) return `value of #${el.id}`;
    return null;
  }, key);
  assert.equal(found, null, `the API key is visible in the ${found}`);
}

test("settings: the OpenAI key is set beside the provider choice, shown by its last 4, and removed", async () => {
  const page = await open();
  await nav(page, "settings");
  await until(page, () => document.querySelector("#agent-provider").value === "auto", null, "settings loaded");
  await expectText(page, "#openai-key-status", "No key");
  assert.equal(await page.isVisible("#openai-key-remove"), false);
  assert.equal(await page.getAttribute("#settings-openai-key", "type"), "password");
  // The field sits in the speech provider card, next to the provider choice.
  assert.equal(
    await page.evaluate(() => document.querySelector("#settings-openai-key").closest("section") === document.querySelector("#agent-provider").closest("section")),
    true,
  );

  // Empty and rejected keys show an inline error; Enter saves the key, not the settings form.
  await page.click("#settings-openai-key-form button");
  await expectText(page, "#settings-openai-key-error", "Paste a key first.");
  await page.fill("#settings-openai-key", "0123456789abcdef0123456789");
  await page.press("#settings-openai-key", "Enter");
  await expectText(page, "#settings-openai-key-error", "does not look like an OpenAI API key");
  await page.fill("#settings-openai-key", KEY);
  await page.press("#settings-openai-key", "Enter");
  await expectText(page, "#openai-key-status", "Key set");
  assert.equal(await page.textContent("#openai-key-hint"), "…ffee");
  assert.equal(await page.inputValue("#settings-openai-key"), "");
  assert.deepEqual((await callsOf(page, "set_api_key")).map((c) => c.args.name), ["openai", "openai"]);
  assert.equal((await callsOf(page, "save_settings")).length, 0, "Enter in the key field does not save the settings form");
  // The Deepgram key is untouched.
  await expectText(page, "#key-status", "…a1b2");
  await assertKeyNotShown(page, KEY);
  await shot(page, "settings-openai-key");

  await page.click("#openai-key-remove");
  await confirm(page);
  await expectText(page, "#openai-key-status", "No key");
  assert.deepEqual((await callsOf(page, "clear_api_key")).map((c) => c.args), [{ name: "openai" }]);
  await expectText(page, "#key-status", "Key set");
});

test("settings: a keychain that cannot be read shows its reason for the OpenAI key", async () => {
  const page = await open();
  await page.evaluate(() => window.__flux.pushStatus({ openai_key_error: "the keychain is not available: the collection is locked" }));
  await nav(page, "settings");
  await expectText(page, "#openai-key-status", "Keychain error");
  await expectText(page, "#openai-key-status", "the collection is locked");
});

test("onboarding: use an OpenAI key instead; the provider follows so Start works", async () => {
  const page = await open({ hasKey: false });
  await page.evaluate(() => window.__flux.setProvider("deepgram"));
  await page.waitForSelector("#onboarding:not([hidden])");
  assert.equal(await page.isVisible("#onb-openai"), false);
  await page.click("#onb-use-openai");
  await page.waitForSelector("#onb-openai:not([hidden])");
  await expectText(page, "#onb-openai", "platform.openai.com");
  assert.equal(await page.evaluate(() => document.activeElement.id), "onboarding-openai-key");
  assert.equal(await page.getAttribute("#onboarding-openai-key", "type"), "password");
  await shot(page, "onboarding-openai");

  // A status update while typing keeps the choice and what was typed.
  await page.fill("#onboarding-openai-key", "sk-half");
  await page.evaluate(() => window.__flux.pushStatus({ muted: true }));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  assert.equal(await page.inputValue("#onboarding-openai-key"), "sk-half");
  await page.press("#onboarding-openai-key", "Enter");
  await expectText(page, "#onboarding-openai-key-error", "does not look like an OpenAI API key");

  await page.fill("#onboarding-openai-key", KEY);
  await page.press("#onboarding-openai-key", "Enter");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.deepEqual((await callsOf(page, "set_api_key")).map((c) => c.args).at(-1), { name: "openai", key: KEY });
  const saved = (await callsOf(page, "save_settings")).at(-1).args.settings;
  assert.equal(saved.agent.provider, "openai", "an explicit Deepgram choice is switched to OpenAI");
  await assertKeyNotShown(page, KEY);
  assert.equal(await page.isEnabled("#talk-start"), true, "can talk now");
  await page.click("#talk-start");
  assert.equal((await callsOf(page, "start_talk")).length, 1);

  await nav(page, "settings");
  await until(page, () => document.querySelector("#agent-provider").value === "openai", null, "provider shown as OpenAI");
  assert.equal(await page.textContent("#openai-key-hint"), "…ffee");
});

test("onboarding: with the automatic provider, an OpenAI key is enough and settings are left alone", async () => {
  const page = await open({ hasKey: false, hasMic: false });
  await page.waitForSelector("#onboarding:not([hidden])");
  await page.click("#onb-use-openai");
  await page.fill("#onboarding-openai-key", KEY);
  await page.click("#onboarding-openai-key-form button[type=submit]");
  await expectText(page, "#onb-key", "OpenAI key saved");
  await expectText(page, "#onb-key", "…ffee");
  assert.equal((await callsOf(page, "save_settings")).length, 0);
  // The microphone step is still there.
  await expectText(page, "#onb-mic", "Connect a microphone");
});
