import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText, until } from "./helpers.mjs";

const open = browserSuite();

const KEY = "dg_test_0123456789abcdefSECRETwxyz";

/** The key must never appear in the DOM, in attributes or in input values. */
async function assertKeyNotShown(page, key) {
  const found = await page.evaluate((k) => {
    if (document.documentElement.outerHTML.includes(k)) return "markup";
    for (const el of document.querySelectorAll("input, textarea")) if (el.value.includes(k)) return `value of #${el.id}`;
    return null;
  }, key);
  assert.equal(found, null, `the API key is visible in the ${found}`);
}

test("with no key, onboarding explains how to get one; saving it calls set_api_key and onboarding goes away", async () => {
  const page = await open({ hasKey: false });
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onboarding", "console.deepgram.com");
  await expectText(page, "#onboarding", "Add your Deepgram API key");
  assert.equal(await page.getAttribute("#onboarding-key", "type"), "password");
  assert.equal(await page.$("#onb-mic"), null, "no microphone step when the mic is fine");
  await shot(page, "onboarding");

  assert.equal(await page.evaluate(() => document.activeElement.id), "onboarding-key", "the key field has focus");
  // A status update while typing keeps what was typed.
  await page.fill("#onboarding-key", "half-typed");
  await page.evaluate(() => window.__flux.pushStatus({ muted: true }));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  assert.equal(await page.inputValue("#onboarding-key"), "half-typed");
  await page.fill("#onboarding-key", "");

  // Empty and rejected keys show an inline error and keep onboarding.
  await page.click("#onboarding-key-form button[type=submit]");
  await expectText(page, "#onboarding-key-error", "Paste a key first.");
  await page.fill("#onboarding-key", "short");
  await page.press("#onboarding-key", "Enter");
  await expectText(page, "#onboarding-key-error", "does not look like a Deepgram API key");
  assert.equal(await page.isVisible("#onboarding"), true);

  await page.fill("#onboarding-key", KEY);
  await page.press("#onboarding-key", "Enter");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.deepEqual((await callsOf(page, "set_api_key")).map((c) => c.args), [{ name: "deepgram", key: "short" }, { name: "deepgram", key: KEY }]);
  await assertKeyNotShown(page, KEY);
  assert.equal(await page.isEnabled("#talk-start"), true, "can talk now");

  await nav(page, "settings");
  await expectText(page, "#key-status", "Key set");
  assert.equal(await page.textContent("#key-hint"), "…wxyz");
  await assertKeyNotShown(page, KEY);
});

test("with no microphone, onboarding shows the device error; skip reaches the app", async () => {
  const page = await open({ hasKey: true, hasMic: false, microphoneError: "No input device found: ALSA lib pcm.c: Unknown PCM default" });
  await page.waitForSelector("#onboarding:not([hidden])");
  await expectText(page, "#onb-mic", "Connect a microphone");
  await expectText(page, "#mic-error", "No input device found: ALSA lib pcm.c: Unknown PCM default");
  await expectText(page, "#onb-key", "Deepgram key saved");
  await shot(page, "onboarding-microphone");

  // Plugging one in and checking again dismisses it.
  await page.evaluate(() => Object.assign(window.__flux.status, { has_microphone: true, microphone_error: null }));
  await page.click("#mic-recheck");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.ok((await callsOf(page, "list_devices")).length >= 1);
});

test("skip for now leaves onboarding; Talk explains the missing key", async () => {
  const page = await open({ hasKey: false });
  await page.click("#onb-skip");
  await page.waitForSelector("#onboarding", { state: "hidden" });
  assert.equal(await page.isEnabled("#talk-start"), false);
  await expectText(page, "#talk-key-note", "Add your Deepgram API key in Settings");
  // Review works without a key.
  await nav(page, "review");
  await page.waitForSelector("#session-list .session-item");
});

test("settings: fields, device pickers with system default, validation, persona, removing the key", async () => {
  // Both keys are set, so choosing OpenAI below keeps Flux able to talk.
  const page = await open({ openai: true });
  await nav(page, "settings");
  await until(page, () => document.querySelector("#voice-model").value === "aura-2-thalia-en", null, "settings loaded");
  assert.equal(await page.inputValue("#user-name"), "Sam");
  assert.equal(await page.inputValue("#user-timezone"), "UTC");
  assert.equal(await page.inputValue("#listen-model"), "nova-3");
  assert.equal(await page.inputValue("#llm-model"), "gpt-4o-mini");
  assert.equal(await page.inputValue("#greeting"), "Hey! What can I help you with today?");
  await expectText(page, "#key-status", "…a1b2");
  assert.equal(await page.getAttribute("#settings-key", "type"), "password");
  assert.equal(await page.inputValue("#settings-key"), "");

  // Device pickers.
  await until(page, () => document.querySelectorAll("#input-device option").length === 3, null, "input devices listed");
  const inputs = await page.$$eval("#input-device option", (o) => o.map((x) => [x.value, x.textContent]));
  assert.deepEqual(inputs[0], ["", "System default (follows the OS)"]);
  assert.deepEqual(inputs.map((x) => x[0]), ["", "Built-in Microphone", "USB Headset Mic"]);
  assert.match(inputs[1][1], /current default/);
  assert.equal(await page.inputValue("#input-device"), "");
  assert.equal(await page.inputValue("#output-device"), "");
  await page.selectOption("#input-device", "USB Headset Mic");
  // Echo handling: cancel by default, each choice explained in one line.
  assert.equal(await page.inputValue("#echo-mode"), "cancel");
  const modes = await page.$$eval("#echo-help li", (li) => li.map((x) => [x.dataset.mode, x.textContent]));
  assert.deepEqual(modes.map((m) => m[0]), ["cancel", "half_duplex", "off"]);
  assert.match(modes[0][1], /laptop speakers/);
  assert.match(modes[1][1], /push-to-talk/);
  assert.match(modes[2][1], /headphones/i);
  await page.selectOption("#echo-mode", "off");
  await page.fill("#user-name", "Samira");
  await page.fill("#voice-model", "aura-2-orion-en");
  await page.fill("#user-timezone", "Europe/Paris");
  await shot(page, "settings");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  const saved = (await callsOf(page, "save_settings")).at(-1).args.settings;
  assert.equal(saved.audio.input_device, "USB Headset Mic");
  assert.equal(saved.audio.output_device, "");
  assert.equal(saved.audio.echo, "off");
  assert.equal(saved.user.display_name, "Samira");
  assert.equal(saved.user.timezone, "Europe/Paris");
  assert.equal(saved.agent.voice_model, "aura-2-orion-en");
  assert.equal(saved.deepgram.agent_url, "wss://agent.deepgram.com/v1/agent/converse", "untouched fields are kept");
  assert.equal(saved.agent.provider, "auto");

  // The speech provider: OpenAI with another voice; this computer can be chosen too.
  assert.equal(await page.inputValue("#agent-provider"), "auto");
  assert.equal(await page.isEnabled("#agent-provider option[value=local]"), true);
  await page.selectOption("#agent-provider", "openai");
  await page.fill("#openai-voice", "cedar");
  await page.click("#settings-save");
  await until(page, () => document.querySelector("#settings-saved").textContent === "Saved", null, "saved again");
  const openai = (await callsOf(page, "save_settings")).at(-1).args.settings;
  assert.equal(openai.agent.provider, "openai");
  assert.deepEqual([openai.openai.model, openai.openai.voice], ["gpt-realtime", "cedar"]);

  // Validation errors from the core are shown.
  await page.fill("#user-timezone", "Mars/Olympus");
  await page.click("#settings-save");
  await expectText(page, "#settings-error", 'user.timezone: unknown timezone "Mars/Olympus"');
  assert.equal(await page.isVisible("#settings-error"), true);

  // A device that is not connected stays selectable and marked.
  await page.evaluate(() => window.__flux.devices.inputs.splice(1, 1));
  await page.click("#devices-refresh");
  await until(page, () => [...document.querySelectorAll("#input-device option")].some((o) => o.textContent === "USB Headset Mic (not connected)"), null, "not connected device");
  assert.equal(await page.inputValue("#input-device"), "USB Headset Mic");

  // Persona: edit, save, reset.
  await until(page, () => document.querySelector("#persona").value.startsWith("You are Flux"), null, "persona loaded");
  await page.fill("#persona", "You are Flux, a pirate.");
  await page.click("#persona-save");
  await expectText(page, "#persona-saved", "Saved");
  await page.click("#persona-reset");
  await confirm(page);
  await expectText(page, "#persona-saved", "Reset to the default");
  assert.deepEqual((await callsOf(page, "save_prompt")).map((c) => c.args.prompt), ["You are Flux, a pirate.", ""]);
  assert.match(await page.inputValue("#persona"), /^You are Flux, a warm/);

  // Removing the keys brings onboarding back once no key can talk with the chosen provider.
  await page.click("#key-remove");
  await confirm(page);
  await expectText(page, "#key-status", "No key");
  assert.equal(await page.isVisible("#onboarding"), false, "OpenAI still talks");
  await page.click("#openai-key-remove");
  await confirm(page);
  await page.waitForSelector("#onboarding:not([hidden])");
  assert.deepEqual((await callsOf(page, "clear_api_key")).map((c) => c.args), [{ name: "deepgram" }, { name: "openai" }]);
});

test("device listing errors and failing commands are shown, not swallowed", async () => {
  const page = await open();
  await page.evaluate(() => {
    window.__flux.devices.error = "The audio server is not running";
  });
  await page.evaluate(() => window.__flux.fail("get_prompt", "config/voice_prompt.md is unreadable"));
  await nav(page, "settings");
  await expectText(page, "#devices-error", "The audio server is not running");
  await expectText(page, "#toasts", "Could not load the persona: config/voice_prompt.md is unreadable");
  await page.evaluate(() => window.__flux.fail("list_devices", "cpal: host unavailable"));
  await page.click("#devices-refresh");
  await expectText(page, "#toasts", "Could not list audio devices: cpal: host unavailable");
});

test("dark mode renders", async () => {
  const page = await open({}, { colorScheme: "dark" });
  await page.click("#talk-start");
  await page.evaluate(() =>
    window.__flux.emitMany([
      { event: "state", state: "listening" },
      { event: "transcript", role: "user", content: "What's on today?", typed: false },
      { event: "transcript", role: "assistant", content: "A run at 7 and Spanish at 9.", typed: false },
      { event: "level", dbfs: -25 },
    ]),
  );
  await expectText(page, "#transcript", "Spanish at 9");
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(17, 19, 24)");
  await shot(page, "talk-dark");
});

test("a microphone plugged in while Settings is open shows in the list without Refresh", async () => {
  const page = await open();
  await nav(page, "settings");
  await until(page, () => document.querySelectorAll("#input-device option").length === 3, null, "input devices listed");
  const listed = (await callsOf(page, "list_devices")).length;
  await page.evaluate(() => window.__flux.plugDevice("USB Conference Mic"));
  await until(page, () => [...document.querySelectorAll("#input-device option")].some((o) => o.value === "USB Conference Mic"), null, "pushed device listed");
  assert.equal((await callsOf(page, "list_devices")).length, listed, "pushed, not asked for");
});
