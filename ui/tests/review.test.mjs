import { test } from "node:test";
import assert from "node:assert/strict";
import { browserSuite, shot, callsOf, nav, confirm, expectText, until, emit } from "./helpers.mjs";

const openFresh = browserSuite();

async function open(init) {
  const page = await openFresh(init);
  await nav(page, "review");
  await page.waitForSelector("#session-list .session-item");
  return page;
}

const sessionIds = (page) => page.$$eval("#session-list .session-item", (els) => els.map((e) => e.dataset.id));

test("session list is newest first with status, and a transcript opens", async () => {
  const page = await open();
  const expected = await page.evaluate(() =>
    [...window.__flux.sessions].sort((a, b) => (a.started_at < b.started_at ? 1 : -1)).map((s) => s.id),
  );
  assert.equal(expected.length, 3);
  assert.deepEqual(await sessionIds(page), expected);
  await expectText(page, "#session-list li:nth-child(2)", "Interrupted");
  await expectText(page, "#session-list li:nth-child(1)", "Completed");
  await expectText(page, "#session-list li:nth-child(1)", "2 messages");
  assert.deepEqual((await callsOf(page, "list_sessions")).at(-1).args, { limit: 200 });
  await shot(page, "review");

  // The newest one has text that looks like HTML: it must be shown as text.
  await page.click(`#session-list [data-id="${expected[0]}"]`);
  await expectText(page, "#session-detail", "What is on my plan today? <img src=x onerror=alert(1)>");
  assert.equal(await page.$$eval("#session-detail img", (e) => e.length), 0, "no element made from user text");
  assert.equal(await page.getAttribute(`#session-list [data-id="${expected[0]}"]`, "aria-current"), "true");

  // The oldest one has a function call and latency.
  await page.click(`#session-list [data-id="${expected[2]}"]`);
  await expectText(page, "#session-detail", "I want to learn Spanish in three months.");
  await expectText(page, "#detail-transcript", "create_task: Task created: Spanish lesson");
  await expectText(page, "#session-detail", "median latency 910 ms");
  await expectText(page, "#detail-stats", "2 turns · 1 barge-ins · 1 reconnects · 0 dropped mic samples · 2 playback underruns");
  const roles = await page.$$eval("#detail-transcript .msg", (els) => els.map((e) => e.dataset.role));
  assert.deepEqual(roles, ["user", "assistant", "user", "assistant"]);

  // Export in each format shows the written path.
  for (const f of ["md", "json", "srt", "vtt"]) {
    await page.click(`#session-detail [data-format=${f}]`);
    await expectText(page, "#export-result", new RegExp(`/home/user/Downloads/flux-.*\\.${f}$`));
  }
  assert.deepEqual(
    (await callsOf(page, "export_session")).map((c) => c.args),
    ["md", "json", "srt", "vtt"].map((format) => ({ id: expected[2], format })),
  );
  await page.click("#session-detail [data-format=md]");
  await expectText(page, "#export-result", "Saved Markdown (1234 bytes) to");
  await shot(page, "transcript");
});

test("full-text search renders highlights as <mark> elements from U+E000/U+E001", async () => {
  const page = await open();
  await page.fill("#search-input", "spanish");
  await page.press("#search-input", "Enter");
  await expectText(page, "#search-count", "results for “spanish”");
  const marks = await page.$$eval("#search-hits mark", (els) => els.map((e) => e.textContent));
  assert.ok(marks.length >= 4, `marks: ${marks}`);
  for (const m of marks) assert.equal(m.toLowerCase(), "spanish");
  const raw = await page.$eval("#search-results", (e) => e.textContent);
  assert.ok(!raw.includes("\uE000") && !raw.includes("\uE001"), "private-use markers are not shown");
  // The snippet keeps the surrounding words as text.
  await expectText(page, "#search-hits", "I want to learn Spanish in three months.");
  await shot(page, "search");

  // HTML-looking text in a hit stays text.
  await page.fill("#search-input", "img onerror");
  await page.press("#search-input", "Enter");
  await expectText(page, "#search-count", "1 result for “img onerror”");
  assert.equal(await page.$$eval("#search-results img", (e) => e.length), 0);
  assert.deepEqual(await page.$$eval("#search-hits mark", (els) => els.map((e) => e.textContent)), ["img", "onerror"]);

  // Opening a hit opens its conversation with the message focused.
  await page.click("#search-hits .hit");
  await expectText(page, "#session-detail .msg.focused", "What is on my plan today?");

  await page.fill("#search-input", "zebra");
  await page.press("#search-input", "Enter");
  await expectText(page, "#search-count", "No results for “zebra”");
  assert.deepEqual((await callsOf(page, "search")).at(-1).args, { query: "zebra", limit: 50 });
});

test("delete one session (with confirm) and then all history", async () => {
  const page = await open();
  const ids = await sessionIds(page);
  await page.click(`#session-list [data-id="${ids[1]}"]`);
  await page.waitForSelector("#delete-session");

  // Cancel keeps it.
  await page.click("#delete-session");
  await page.click("dialog.confirm button:not([data-testid])");
  assert.equal((await callsOf(page, "delete_session")).length, 0);
  assert.equal((await sessionIds(page)).length, 3);

  await page.click("#delete-session");
  await expectText(page, "dialog.confirm", "Delete this conversation?");
  await confirm(page);
  await until(page, () => document.querySelectorAll("#session-list .session-item").length === 2, null, "two sessions left");
  assert.deepEqual((await callsOf(page, "delete_session")).map((c) => c.args), [{ id: ids[1] }]);
  assert.deepEqual(await sessionIds(page), [ids[0], ids[2]]);
  assert.equal(await page.isVisible("#session-detail"), false);

  // Escape cancels the confirm dialog.
  await page.click("#delete-all");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.confirm", { state: "detached" });
  assert.equal((await callsOf(page, "delete_all_sessions")).length, 0);

  await page.click("#delete-all");
  await expectText(page, "dialog.confirm", "Delete all history?");
  await confirm(page);
  await expectText(page, "#toasts", "Deleted 2 conversations");
  await until(page, () => document.querySelectorAll("#session-list .session-item").length === 0, null, "empty list");
  assert.equal(await page.isVisible("#sessions-empty"), true);
  assert.equal((await callsOf(page, "delete_all_sessions")).length, 1);
});

test("review errors show in the banner; the list refreshes after a session ends", async () => {
  const page = await open();
  await page.evaluate(() => window.__flux.fail("export_session", "Could not write to /home/user/Downloads: disk full"));
  const ids = await sessionIds(page);
  await page.click(`#session-list [data-id="${ids[0]}"]`);
  await page.click("#session-detail [data-format=json]");
  await expectText(page, "#toasts", "Export failed: Could not write to /home/user/Downloads: disk full");
  assert.equal(await page.textContent("#export-result"), "");

  await page.evaluate(() => window.__flux.fail("session_detail", "The database is locked"));
  await page.click(`#session-list [data-id="${ids[1]}"]`);
  await expectText(page, "#toasts", "Could not open the conversation: The database is locked");

  const before = (await callsOf(page, "list_sessions")).length;
  await emit(page, { event: "ended", outcome: { kind: "completed" } });
  await until(page, (n) => window.__flux.callsOf("list_sessions").length > n, before, "list reloaded on ended");
});

test("each conversation reads as the first words the user said and how long it lasted", async () => {
  const page = await open({ longHistory: true });
  await until(page, () => document.querySelectorAll("#session-list .session-item").length === 5, null, "five conversations");
  const entries = await page.$$eval("#session-list .session-item", (els) =>
    els.map((e) => [e.querySelector(".session-words").textContent, e.querySelector(".session-duration").textContent]),
  );
  assert.deepEqual(entries, [
    ["(no words)", "ongoing"],
    ["What is on my plan today? <img src=x onerror=alert(1)>", "45 s"],
    ["Remind me to call the dentist.", "1 min 0 s"],
    ["I want to learn Spanish in three months.", "4 min 12 s"],
    ["Could you help me plan a weekend trip to Lisbon with a day…", "30 min 30 s"],
  ]);
  assert.ok([...entries[4][0]].length <= 61, "cut to about 60 characters");
  assert.equal(await page.$$eval("#session-list img", (e) => e.length), 0, "first words stay text");
  await expectText(page, "#session-list li:nth-child(1)", "In progress");
  await shot(page, "review-list");

  // The opened conversation says how long it lasted too.
  await page.click("#session-list li:nth-child(4) .session-item");
  await expectText(page, "#session-detail", "4 min 12 s");
});

test("a search hit opens its conversation scrolled to the matching turn, highlighted and focused", async () => {
  const page = await open({ longHistory: true });
  await page.fill("#search-input", "kumquat");
  await page.press("#search-input", "Enter");
  await expectText(page, "#search-count", "1 result for “kumquat”");
  await page.click("#search-hits .hit");
  await expectText(page, "#session-detail .msg.focused", "And book the kumquat tasting on Sunday.");
  assert.equal(await page.$$eval("#session-detail .msg.focused", (e) => e.length), 1);
  const where = await page.$eval("#session-detail .msg.focused", (el) => {
    const r = el.getBoundingClientRect();
    const first = document.querySelector("#detail-transcript .msg").getBoundingClientRect();
    return { inView: r.top >= 0 && r.bottom <= innerHeight, firstInView: first.bottom > 0 && first.top < innerHeight, focused: document.activeElement === el };
  });
  assert.deepEqual(where, { inView: true, firstInView: false, focused: true }, "scrolled to the turn, past the start");
  await shot(page, "review-search-jump");

  // Another hit in another conversation moves the highlight there.
  await page.fill("#search-input", "dentist");
  await page.press("#search-input", "Enter");
  await expectText(page, "#search-count", "for “dentist”");
  await page.click("#search-hits li:nth-child(2) .hit");
  await expectText(page, "#session-detail .msg.focused", "when would you like to call the dentist?");
  assert.equal(await page.$$eval("#session-detail .msg.focused", (e) => e.length), 1);
});
