// Checks on the sources and the production build that need no browser... and one that does: the
// real `dist` (what Tauri loads) boots under the app's CSP with a minimal stand-in for the shell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { uiDir, startServer, launch } from "./helpers.mjs";

async function files(dir, ext) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p, ext)));
    else if (ext.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

test("no HTML injection sinks or eval in the UI sources", async () => {
  for (const f of await files(join(uiDir, "src"), [".ts"])) {
    const src = await readFile(f, "utf8");
    for (const bad of [/\.innerHTML\b/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /\beval\(/, /new Function\(/, /document\.write/]) {
      assert.ok(!bad.test(src), `${f} uses ${bad}`);
    }
  }
});

test("UI code imports IPC only through ./bindings", async () => {
  for (const f of await files(join(uiDir, "src"), [".ts"])) {
    if (f.includes("/harness/") || f.endsWith("bindings.ts") || f.endsWith("store.ts")) continue;
    const src = await readFile(f, "utf8");
    assert.ok(!/@tauri-apps\/api\/core/.test(src), `${f} calls invoke directly instead of using bindings.commands`);
  }
});

test("the production build has no inline scripts, no remote URLs and no test code", async () => {
  const dist = join(uiDir, "dist");
  const html = await readFile(join(dist, "index.html"), "utf8");
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(m[1], /\bsrc="\.\//, "every script is an external, relative file");
    assert.equal(m[2].trim(), "", "no inline script");
  }
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "no remote assets");
  for (const f of await files(dist, [".js", ".css"])) {
    const body = await readFile(f, "utf8");
    assert.ok(!body.includes("__FLUX_MOCK_INIT__") && !body.includes("mockIPC"), `${f} contains test code`);
    assert.ok(!/url\((['"])?https?:/.test(body), `${f} loads remote content`);
  }
});

test("the production build boots under the strict CSP", async () => {
  const server = await startServer(join(uiDir, "dist"));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective}`));
      // Minimal stand-in for the Tauri runtime: answers app_status and event subscriptions.
      let next = 1;
      window.__TAURI_INTERNALS__ = {
        transformCallback: () => next++,
        unregisterCallback: () => {},
        invoke: async (cmd) => {
          if (cmd === "plugin:event|listen") return next++;
          if (cmd === "app_status")
            return { has_key: true, key_hint: "…abcd", has_microphone: true, microphone_error: null, talking: false, session_id: null, state: null, mode: "hands_free", muted: false, data_dir: "/tmp/flux", version: "0.1.0" };
          throw `not in this test: ${cmd}`;
        },
      };
    });
    await page.goto(`${server.url}/index.html`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.textContent("#talk-state-label"), "Not talking");
    assert.equal(await page.isVisible("#tab-review"), true);
    const bg = await page.evaluate(() => getComputedStyle(document.querySelector(".sidebar")).borderRightStyle);
    assert.equal(bg, "solid", "stylesheet applied");
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
