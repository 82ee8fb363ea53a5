// Talking on this computer: the onboarding's offer when its models are installed (and the install
// hint when they are not), the provider shown on the Talk screen, and the provider choice in
// Settings with the models' problem.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, expectText, until } from "./helpers.mjs";

const open = browserSuite();

const DEEPGRAM_KEY = "dg_test_0123456789abcdefSECRETwxyz";
const activeId = (page) => page.evaluate(() => document.activeElement?.id);

test("no key, models installed: onboarding offers talking on this computer; Start starts a conversation", async () => {
  const page = await open({ hasKey: false, localReady: true });
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onb-start-local", "Start talking now (on this computer)");
  await expectText(page, "#onb-local", "mark done");
  await expectText(page, "#onb-local", "For open conversation, choose Deepgram");
  assert.equal(await activeId(page), "onb-start-local", "the ready path has focus");
  // Adding a key is offered beside it.
  await expectText(page, "#onb-key", "Or add your Deepgram API key");
  assert.equal(await page.isVisible("#onboarding-key"), true);
  assert.equal(await page.isVisible("#onb-use-openai"), true);
  await shot(page, "onboarding-local");

  await page.click("#onb-start-local");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.equal(await page.isVisible("#screen-talk"), true);
  await expectText(page, "#talk-provider", "On this computer");
  await expectText(page, "#talk-local-note", "Flux understands tasks and goals (add, move, list, mark done, record goals)");
  assert.equal(await page.isVisible("#talk-key-note"), false);
  assert.equal(await page.isEnabled("#talk-start"), true);
  assert.equal(await activeId(page), "talk-start", "ready to start");
  assert.equal((await callsOf(page, "save_settings")).length, 0, "auto already talks on this computer");

  // The choice is remembered: the next launch goes straight to the Talk screen.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.isVisible("#onboarding"), false);
  await expectText(page, "#talk-provider", "On this computer");
  await shot(page, "talk-local");

  await page.click("#talk-start");
  await expectText(page, "#talk-state", "Connecting");
  assert.deepEqual((await callsOf(page, "start_talk")).map((c) => c.args), [{ mode: "hands_free" }]);
});

test("no key, models installed, Deepgram chosen: starting here points the provider at this computer", async () => {
  const page = await open({ hasKey: false, localReady: true });
  await page.evaluate(() => window.__flux.setProvider("deepgram"));
  await page.waitForSelector("#onboarding:not([hidden])");
  await until(page, () => !!document.querySelector("#onb-start-local"), null, "the offer to talk here");
  await page.click("#onb-start-local");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.equal((await callsOf(page, "save_settings")).at(-1).args.settings.agent.provider, "local");
  await expectText(page, "#talk-provider", "On this computer");
  await until(page, () => !document.querySelector("#talk-start").disabled, null, "Start enabled");
});

test("no key, models missing: onboarding shows how to install them and Start is not possible", async () => {
  const page = await open({ hasKey: false });
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onb-key", "Add your Deepgram API key");
  await expectText(page, "#onb-local-hint", "once its models are installed");
  await expectText(page, "#onb-local-error", "Install them with: scripts/install-models");
  assert.equal(await page.$("#onb-start-local"), null, "nothing to start yet");
  assert.equal(await activeId(page), "onboarding-key");
  await shot(page, "onboarding-local-missing");

  await page.click("#onb-skip");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  await expectText(page, "#talk-provider", "On this computer");
  assert.equal(await page.isEnabled("#talk-start"), false);
  await expectText(page, "#talk-key-note", "install the models to talk on this computer");
  await expectText(page, "#talk-local-error", "scripts/install-models");
  await expectText(page, "#side-setup", "Set up voice");
  await shot(page, "talk-local-missing");
  // Start stays impossible: the mock core refuses too.
  await page.click("#talk-start", { force: true });
  assert.equal((await callsOf(page, "start_talk")).length, 0);

  // Once the models are installed, Start works.
  await page.evaluate(() => window.__flux.setLocalReady(true));
  await until(page, () => !document.querySelector("#talk-start").disabled, null, "Start enabled");
  assert.equal(await page.isVisible("#talk-key-note"), false);
  assert.equal(await page.$("#side-setup"), null, "nothing left to set up");
});

test("settings: this computer without its models shows why; Deepgram with its key shows on the Talk screen", async () => {
  const page = await open({ localReady: false, openai: true });
  await nav(page, "settings");
  await until(page, () => document.querySelector("#voice-model").value === "aura-2-thalia-en", null, "settings loaded");
  const options = await page.$$eval("#agent-provider option", (o) => o.map((x) => [x.value, x.textContent]));
  assert.deepEqual(options.map((o) => o[0]), ["auto", "local", "deepgram", "openai"]);
  assert.match(options[0][1], /^Automatic \(Deepgram or OpenAI when a key is set, else this computer\)/);
  assert.match(options[1][1], /^On this computer/);
  assert.match(options[2][1], /^Deepgram/);
  assert.match(options[3][1], /^OpenAI/);
  await expectText(page, "#provider-help", "Right now: Deepgram.");
  assert.equal(await page.isVisible("#local-error"), false);
  assert.equal(await page.getAttribute("#agent-provider", "aria-describedby"), "provider-help");

  await page.selectOption("#agent-provider", "local");
  await page.waitForSelector("#local-error:not([hidden])");
  await expectText(page, "#local-error", "Install them with: scripts/install-models");
  assert.equal(await page.getAttribute("#local-error", "role"), "alert");
  await expectText(page, "#provider-help", "No account and no network");
  await shot(page, "settings-provider-local");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  // Flux cannot talk now: the onboarding says what is missing.
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onb-key", "Install the models for talking on this computer");
  await expectText(page, "#onb-local-error", "scripts/install-models");
  await expectText(page, "#onb-use-key", "Talk through Deepgram instead");
  await page.click("#onb-skip");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  await nav(page, "talk");
  await expectText(page, "#talk-provider", "On this computer");
  assert.equal(await page.isEnabled("#talk-start"), false);
  await expectText(page, "#talk-key-note", "its models are not installed");

  await nav(page, "settings");
  await page.selectOption("#agent-provider", "openai");
  await expectText(page, "#provider-help", "OpenAI Realtime");
  assert.equal(await page.isVisible("#local-error"), false);
  await page.selectOption("#agent-provider", "deepgram");
  await expectText(page, "#provider-help", "Deepgram's Voice Agent");
  await page.click("#settings-save");
  await until(page, () => document.querySelector("#settings-saved").textContent === "Saved", null, "saved again");
  assert.equal((await callsOf(page, "save_settings")).at(-1).args.settings.agent.provider, "deepgram");
  await nav(page, "talk");
  await expectText(page, "#talk-provider", "Deepgram");
  assert.equal(await page.isEnabled("#talk-start"), true);
  assert.equal(await page.isVisible("#talk-local-note"), false);
});

test("set to this computer without its models but with a key: the onboarding offers the key instead", async () => {
  const page = await open({ openai: true, hasKey: false });
  await page.evaluate(() => window.__flux.setProvider("local"));
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onb-local-error", "scripts/install-models");
  await page.click("#onb-use-key");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.equal((await callsOf(page, "save_settings")).at(-1).args.settings.agent.provider, "auto");
  await expectText(page, "#talk-provider", "OpenAI");
  assert.equal(await page.isEnabled("#talk-start"), true);
});

test("settings: automatic with no key and no models shows why this computer cannot talk", async () => {
  const page = await open({ hasKey: false });
  await page.click("#onb-skip");
  await nav(page, "settings");
  await until(page, () => document.querySelector("#agent-provider").value === "auto", null, "settings loaded");
  await expectText(page, "#provider-help", "Right now: On this computer.");
  await expectText(page, "#local-error", "scripts/install-models");
  // Installing them clears the problem.
  await page.evaluate(() => window.__flux.setLocalReady(true));
  await page.waitForSelector("#local-error", { state: "hidden" });
});

test("with a Deepgram key saved, automatic shows Deepgram", async () => {
  const page = await open({ hasKey: false, localReady: true });
  await page.click("#onb-skip");
  await expectText(page, "#talk-provider", "On this computer");
  await nav(page, "settings");
  await page.fill("#settings-key", DEEPGRAM_KEY);
  await page.press("#settings-key", "Enter");
  await expectText(page, "#key-status", "Key set");
  await nav(page, "talk");
  await expectText(page, "#talk-provider", "Deepgram");
  assert.equal(await page.isVisible("#talk-local-note"), false);
  assert.equal(await page.isEnabled("#talk-start"), true);
  assert.equal(await page.isVisible("#onboarding"), false);
});

test("with only an OpenAI key, automatic shows OpenAI and there is nothing to offer", async () => {
  const page = await open({ hasKey: false, openai: true, localReady: true });
  await expectText(page, "#talk-provider", "OpenAI");
  assert.equal(await page.isVisible("#onboarding"), false);
  assert.equal(await page.isVisible("#talk-local-note"), false);
});
