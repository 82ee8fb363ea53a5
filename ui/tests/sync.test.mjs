import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText, until } from "./helpers.mjs";

const open = browserSuite();

const TOKEN = "plane-token-0123456789-SECRET-beef";
const PLANE = { url: "https://flux.example.com", user_id: "sam", enabled: true, mode: "auto" };
const on = (status) => ({ sync: { settings: PLANE, tokenHint: "…beef", status: { configured: true, enabled: true, ...status } } });

const REFUSED = {
  id: 7,
  conversation_id: "3f2a9c1e-0000-4000-8000-000000000001",
  kind: "message",
  reason: "the plane refused this message (422): content must not be empty",
  at: "2030-01-01T09:00:00+00:00",
};
const LOST = { conversation_id: "9b8c7d6e-0000-4000-8000-000000000002", detail: "the plane answered 404: Session not found", at: "2030-01-01T09:05:00+00:00" };

/** The token must never appear in the DOM, in attributes or in input values. */
async function assertTokenNotShown(page) {
  const found = await page.evaluate((k) => {
    if (document.documentElement.outerHTML.includes(k)) return "markup";
    for (const el of document.querySelectorAll("input, textarea")) if (el.value.includes(k)) return `value of #${el.id}`;
    return null;
  }, TOKEN);
  assert.equal(found, null, `the sync token is visible in the ${found}`);
}

test("synced: the sidebar says so, always, and Sync now calls its command", async () => {
  const page = await open(on({ state: "synced", last_success: "2030-01-01T09:00:00+00:00" }));
  await expectText(page, "#sync-indicator", "Synced");
  assert.equal(await page.getAttribute("#side-sync", "data-state"), "synced");
  await expectText(page, "#sync-indicator-detail", "The plane has everything");
  for (const screen of ["review", "tasks", "settings", "talk"]) {
    await nav(page, screen);
    assert.equal(await page.isVisible("#sync-indicator"), true, `visible on ${screen}`);
  }
  await page.focus("#sync-now");
  await page.keyboard.press("Enter");
  await until(page, () => window.__flux.callsOf("sync_now").length === 1, null, "sync_now called");
  await shot(page, "sync-synced");
});

test("pending: the count of what is owed", async () => {
  const page = await open(on({ state: "pending", pending_sessions: 2, pending_messages: 5, pending_intents: 1, pending_items: 10 }));
  await expectText(page, "#sync-indicator", "10 pending");
  await expectText(page, "#sync-indicator-detail", "2 conversations (5 messages, 1 action)");
  // It follows the worker as it delivers.
  await page.evaluate(() => window.__flux.pushSync({ pending_items: 3, pending_sessions: 1, pending_messages: 1, pending_intents: 0 }));
  await expectText(page, "#sync-indicator", "3 pending");
  await page.evaluate(() => window.__flux.pushSync({ state: "synced", pending_items: 0, pending_sessions: 0, pending_messages: 0 }));
  await expectText(page, "#sync-indicator", "Synced");
});

test("offline: said plainly, with the reason in the detail", async () => {
  const page = await open(on({ state: "offline", pending_items: 4, pending_sessions: 1, last_error: "cannot reach the hosted plane at https://flux.example.com: connection refused" }));
  await expectText(page, "#sync-indicator", "Offline");
  await expectText(page, "#sync-indicator-detail", "connection refused");
  assert.equal(await page.getAttribute("#side-sync", "data-state"), "offline");
  await shot(page, "sync-offline");
});

test("needs sign-in: the indicator leads to the token field", async () => {
  const page = await open(on({ state: "needs_sign_in", needs_sign_in: true, pending_items: 2, pending_sessions: 1 }));
  await expectText(page, "#sync-indicator", "Needs sign-in");
  await page.click("#sync-indicator");
  await page.waitForSelector("#screen-settings:not([hidden])");
  assert.equal(await page.evaluate(() => document.activeElement.id), "set-sync-h", "focus lands on the Sync settings");
  await expectText(page, "#sync-state", "refused the token");
  await expectText(page, "#sync-token-status", "…beef");
});

test("rate limited: until when, in this computer's time", async () => {
  const page = await open(on({ state: "rate_limited", pending_items: 6, pending_sessions: 3, rate_limited_until: "2030-01-01T14:05:00Z" }));
  await expectText(page, "#sync-indicator", "Rate limited until 14:05");
  await expectText(page, "#sync-indicator-detail", "nothing is lost");
});

test("blocked: the items that wait are listed; Retry and Discard call their commands", async () => {
  const page = await open(on({ state: "blocked", pending_items: 5, pending_sessions: 2, quarantined: [REFUSED, { ...REFUSED, id: 8, kind: "open", conversation_id: "aa11bb22-0000-4000-8000-000000000003" }], lost_sessions: [LOST] }));
  await expectText(page, "#sync-indicator", "Blocked: 3 items need you");
  await page.click("#sync-indicator");
  await page.waitForSelector("#sync-problems-box:not([hidden])");
  const rows = await page.$$eval("#sync-problems li", (li) => li.map((x) => x.textContent));
  assert.equal(rows.length, 3);
  assert.match(rows[0], /Message · conversation 3f2a9c1e/);
  assert.match(rows[0], /content must not be empty/);
  assert.match(rows[1], /Session start/);
  assert.match(rows[2], /Session lost by the plane.*9b8c7d6e.*404: Session not found/);
  assert.equal(await page.getAttribute("#sync-problems li[data-id='7'] [data-action=retry]", "aria-label"), "Retry the message of conversation 3f2a9c1e");
  await page.evaluate(() => document.getElementById("sync-form").scrollIntoView());
  await shot(page, "sync-blocked");

  await page.click("#sync-problems li[data-id='7'] [data-action=retry]");
  await until(page, () => !document.querySelector("#sync-problems li[data-id='7']"), null, "item 7 retried");
  assert.deepEqual((await callsOf(page, "sync_retry")).map((c) => c.args), [{ id: 7 }]);
  await expectText(page, "#sync-indicator", "Blocked: 2 items need you");

  // Discard asks first; cancelling keeps the item.
  await page.click("#sync-problems li[data-id='8'] [data-action=discard]");
  await expectText(page, "dialog.confirm", "The whole conversation will not reach the plane");
  await page.keyboard.press("Escape");
  assert.equal((await callsOf(page, "sync_discard")).length, 0);
  await page.click("#sync-problems li[data-id='8'] [data-action=discard]");
  await confirm(page);
  await until(page, () => !document.querySelector("#sync-problems li[data-id='8']"), null, "item 8 discarded");
  assert.deepEqual((await callsOf(page, "sync_discard")).map((c) => c.args), [{ id: 8 }]);

  // The lost session: Retry, and (after it is lost again) Discard.
  const lost = `#sync-problems li[data-conversation='${LOST.conversation_id}']`;
  await page.click(`${lost} [data-action=retry]`);
  await until(page, () => !document.querySelector("#sync-problems li"), null, "nothing waits");
  assert.deepEqual((await callsOf(page, "sync_retry_session")).map((c) => c.args), [{ conversationId: LOST.conversation_id }]);
  assert.equal(await page.isVisible("#sync-problems-box"), false);
  await page.evaluate((l) => window.__flux.pushSync({ state: "blocked", lost_sessions: [l] }), LOST);
  await page.click(`${lost} [data-action=discard]`);
  await confirm(page);
  await until(page, () => window.__flux.callsOf("sync_discard_session").length === 1, null, "discard session called");
  assert.deepEqual((await callsOf(page, "sync_discard_session"))[0].args, { conversationId: LOST.conversation_id });
  await expectText(page, "#sync-indicator", /Synced|pending/);
});

test("settings: URL, user, background sync and mode are saved; the token is kept but only its hint shown", async () => {
  const page = await open({ sync: { settings: { url: "", enabled: false } } });
  await expectText(page, "#sync-indicator", "Sync off");
  assert.equal(await page.isVisible("#sync-now"), false, "nothing to sync yet");
  await nav(page, "settings");
  await until(page, () => document.querySelector("#sync-user").placeholder.startsWith("local"), null, "sync settings loaded");
  await expectText(page, "#sync-token-status", "No token");
  assert.equal(await page.getAttribute("#sync-token", "type"), "password");
  const modes = await page.$$eval("#sync-mode-help li", (li) => li.map((x) => x.dataset.mode));
  assert.deepEqual(modes, ["auto", "hosted", "background"]);

  // A bad URL and a bad token are refused with the core's words.
  await page.fill("#sync-url", "flux.example.com");
  await page.click("#sync-save");
  await expectText(page, "#sync-error", "must start with https:// or http://");
  await page.fill("#sync-token", "short");
  await page.click("#sync-save");
  await expectText(page, "#sync-error", "does not look like a sync token");

  await page.fill("#sync-url", "https://flux.example.com/");
  await page.fill("#sync-user", "sam");
  await page.fill("#sync-token", TOKEN);
  await page.selectOption("#sync-mode", "background");
  await shot(page, "sync-settings");
  await page.press("#sync-token", "Enter");
  await expectText(page, "#sync-saved", "Saved");
  assert.deepEqual((await callsOf(page, "save_sync_token")).map((c) => c.args.token), ["short", TOKEN]);
  assert.deepEqual((await callsOf(page, "set_sync_settings")).at(-1).args, { url: "https://flux.example.com", userId: "sam", enabled: false, mode: "background" });
  await expectText(page, "#sync-token-status", "Token set");
  assert.equal(await page.textContent("#sync-token-hint"), "…beef");
  assert.equal(await page.inputValue("#sync-token"), "");
  await assertTokenNotShown(page);
  await expectText(page, "#sync-indicator", "Synced");
  assert.equal(await page.isVisible("#sync-now"), true);

  // Background sync on (nothing was here before, so no question); the general form keeps it.
  await page.check("#sync-enabled");
  await page.click("#sync-save");
  await until(page, () => window.__flux.callsOf("enable_sync").length === 1, null, "sync turned on");
  await page.click("#settings-save");
  await expectText(page, "#settings-saved", "Saved");
  const all = (await callsOf(page, "save_settings")).at(-1).args.settings;
  assert.deepEqual([all.sync.url, all.sync.user_id, all.sync.enabled, all.sync.mode], ["https://flux.example.com", "sam", true, "background"]);
  await assertTokenNotShown(page);

  // Clearing the token asks first.
  await page.click("#sync-token-clear");
  await confirm(page);
  await expectText(page, "#sync-token-status", "No token");
  assert.equal((await callsOf(page, "clear_sync_token")).length, 1);
});

test("turning sync on the first time offers the history, with progress; or only from now on", async () => {
  const history = { state: "off", pending_sessions: 3, pending_messages: 12, pending_items: 18 };
  const page = await open({ sync: { settings: { ...PLANE, enabled: false }, tokenHint: "…beef", status: { configured: true, ...history } } });
  await expectText(page, "#sync-indicator", "Sync off");
  await nav(page, "settings");
  await until(page, () => document.querySelector("#sync-url").value === "https://flux.example.com", null, "sync settings loaded");
  await page.check("#sync-enabled");
  await page.click("#sync-save");
  await page.waitForSelector("#sync-backfill:not([hidden])");
  await expectText(page, "#sync-send-history", "Send my 3 past conversations");
  await expectText(page, "#sync-skip-history", "Only from now on");
  assert.equal((await callsOf(page, "set_sync_settings")).at(-1).args.enabled, false, "nothing is sent before the choice");
  assert.equal(await page.evaluate(() => document.activeElement.id), "sync-send-history");
  await page.evaluate(() => document.getElementById("sync-backfill").scrollIntoView({ block: "center" }));
  await shot(page, "sync-backfill");

  await page.click("#sync-send-history");
  await page.waitForSelector("#sync-backfill", { state: "hidden" });
  assert.deepEqual((await callsOf(page, "enable_sync")).map((c) => c.args), [{ sendHistory: true }]);
  await page.evaluate(() => window.__flux.pushSync({ state: "pending", pending_sessions: 3 }));
  await expectText(page, "#sync-progress-text", "3 of 3 left");
  await page.evaluate(() => window.__flux.pushSync({ pending_sessions: 1, pending_items: 5 }));
  await expectText(page, "#sync-progress-text", "1 of 3 left");
  assert.equal(await page.evaluate(() => document.getElementById("sync-progress-bar").value), 2);
  await page.evaluate(() => document.getElementById("sync-progress").scrollIntoView({ block: "center" }));
  await shot(page, "sync-backfill-progress");
  await page.evaluate(() => window.__flux.pushSync({ state: "synced", pending_sessions: 0, pending_items: 0 }));
  await expectText(page, "#sync-progress-text", "All 3 past conversations are on the plane.");
  assert.equal(await page.isChecked("#sync-enabled"), true);
});

test("only from now on keeps the history here", async () => {
  const history = { state: "off", pending_sessions: 2, pending_messages: 4, pending_items: 8 };
  const page = await open({ sync: { settings: { ...PLANE, enabled: false }, tokenHint: "…beef", status: { configured: true, ...history } } });
  await nav(page, "settings");
  await until(page, () => document.querySelector("#sync-url").value !== "", null, "sync settings loaded");
  await page.check("#sync-enabled");
  await page.click("#sync-save");
  await page.click("#sync-skip-history");
  await page.waitForSelector("#sync-backfill", { state: "hidden" });
  assert.deepEqual((await callsOf(page, "enable_sync")).map((c) => c.args), [{ sendHistory: false }]);
  await expectText(page, "#sync-indicator", "Synced");
  assert.equal(await page.isVisible("#sync-progress"), false);
  await expectText(page, "#sync-saved", "from now on");
});

test("a failing Sync now is shown, not swallowed", async () => {
  const page = await open(on({ state: "synced" }));
  await page.evaluate(() => window.__flux.fail("sync_now", "Another Flux process (companion sync, talk or serve) is delivering right now."));
  await page.click("#sync-now");
  await expectText(page, "#toasts", "Sync now: Another Flux process");
});
