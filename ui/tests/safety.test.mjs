import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, emit, emitMany, expectText, nav, until } from "./helpers.mjs";

const open = browserSuite();

const notice = (over = {}) => ({
  event: "safety_notice",
  notice: {
    category: "chest_pain",
    label: "Chest pain or heart attack",
    region: "US",
    emergency_number: "911",
    crisis_line: { name: "988 Suicide & Crisis Lifeline", number: "988" },
    ...over,
  },
});

test("the safety notice shows the numbers, is announced, and can be dismissed", async () => {
  const page = await open();
  assert.equal(await page.isVisible("#safety-notice"), false, "hidden until an emergency phrase is heard");
  await page.click("#talk-start");
  await emitMany(page, [
    { event: "started", session_id: "live-session-1", request_id: "r1" },
    { event: "state", state: "listening" },
    { event: "transcript", role: "user", content: "I think I'm having a heart attack", typed: false },
  ]);
  await expectText(page, "#transcript", "heart attack");
  assert.equal(await page.isVisible("#safety-notice"), false, "the transcript alone shows nothing");

  await emit(page, notice());
  await expectText(page, "#safety-title", "If this is an emergency, call 911 now.");
  await expectText(page, "#safety-body", "988 Suicide & Crisis Lifeline at 988");
  assert.equal(await page.getAttribute("#safety-notice", "role"), "alert");
  assert.equal(await page.getAttribute("#safety-notice .crisis-number", "href"), "tel:988");
  await shot(page, "talk-safety-notice");

  await page.click("#safety-dismiss");
  assert.equal(await page.isVisible("#safety-notice"), false);

  // Another region's numbers, in a later notice: shown again with those.
  await emit(page, notice({ category: "breathing", region: "GB", emergency_number: "999", crisis_line: { name: "Samaritans", number: "116 123" } }));
  await expectText(page, "#safety-title", "call 999 now");
  await expectText(page, "#safety-body", "Samaritans at 116 123");
  assert.equal(await page.getAttribute("#safety-notice .crisis-number", "href"), "tel:116123");
});

test("Review marks conversations that showed a safety notice, in the list and the transcript", async () => {
  const page = await open();
  await nav(page, "review");
  await page.waitForSelector("#session-list .session-item");
  const flagged = await page.evaluate(() => window.__flux.sessions.filter((s) => s.safety_notice).map((s) => s.id));
  assert.equal(flagged.length, 1);
  const badges = await page.$$eval("#session-list .session-item", (els) =>
    els.map((e) => [e.dataset.id, !!e.querySelector(".badge-safety")]),
  );
  assert.deepEqual(
    badges.filter(([, b]) => b).map(([id]) => id),
    flagged,
    "only the flagged conversation has the badge",
  );
  await expectText(page, `#session-list [data-id="${flagged[0]}"] .badge-safety`, "Safety notice shown");

  await page.click(`#session-list [data-id="${flagged[0]}"]`);
  await expectText(page, "#session-detail .badge-safety", "Safety notice shown");
  assert.equal(await page.getAttribute("#session-detail .badge-safety", "title"), "Heard: breathing");
  await shot(page, "review-safety");

  const other = badges.find(([, b]) => !b)[0];
  await page.click(`#session-list [data-id="${other}"]`);
  await page.waitForSelector(`#session-list [data-id="${other}"][aria-current="true"]`);
  assert.equal(await page.$$eval("#session-detail .badge-safety", (e) => e.length), 0);
});

test("Settings chooses the safety region, which is saved with the other settings", async () => {
  const page = await open();
  await nav(page, "settings");
  await page.waitForSelector("#safety-region");
  await until(page, () => document.querySelector("#safety-region").value === "auto", null, "the saved region shown");
  await page.selectOption("#safety-region", "GB");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  const saved = (await callsOf(page, "save_settings")).at(-1).args.settings;
  assert.equal(saved.safety.region, "GB");
  assert.equal(saved.user.timezone, "UTC", "the rest is kept");
});
