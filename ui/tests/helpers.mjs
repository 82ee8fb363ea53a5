// Shared test setup: serve the built harness (ui/dist-harness) with the app's strict CSP, drive
// Debian's chromium through playwright-core, and fail on any page error or CSP violation.
import { before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const uiDir = resolve(here, "..");
export const harnessDir = join(uiDir, "dist-harness");
export const shotsDir = resolve(uiDir, "..", "artifacts", "screenshots");

// The CSP the Tauri app uses (tauri.conf.json); the harness must run under it unchanged.
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ipc: http://ipc.localhost";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };

export async function startServer(dir = harnessDir) {
  if (!existsSync(join(dir, "test-harness.html")) && !existsSync(join(dir, "index.html"))) {
    throw new Error(`${dir} is not built: run \`npm run build:harness\` (npm test does it)`);
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const p = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, "");
    const file = join(dir, p || "index.html");
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/**
 * Opens the harness with the mock configured by `init` (MockInit in src/harness/mock.ts: hasKey,
 * openai, hasMic, microphoneError, empty, localReady, localError, sync).
 * Returns the page and a list of problems (page errors, console errors, CSP violations).
 */
export async function openApp(browser, server, init = {}, opts = {}) {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? "light",
    locale: "en-US",
    timezoneId: "UTC",
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript((i) => {
    window.__FLUX_MOCK_INIT__ = i;
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  }, init);
  await page.goto(`${server.url}/test-harness.html`);
  await page.waitForSelector("body[data-ready=true]");
  return { page, context, problems };
}

export async function shot(page, name) {
  await mkdir(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: false });
}

/** Calls recorded by the mock for one command. */
export function callsOf(page, cmd) {
  return page.evaluate((c) => window.__flux.callsOf(c), cmd);
}

export function emit(page, ev) {
  return page.evaluate((e) => window.__flux.emit(e), ev);
}

export async function emitMany(page, evs) {
  await page.evaluate((e) => window.__flux.emitMany(e), evs);
}

export async function nav(page, screen) {
  await page.click(`#tab-${screen}`);
  await page.waitForSelector(`#screen-${screen}:not([hidden])`);
}

/** Clicks the confirm button of the in-page confirm dialog. */
export async function confirm(page) {
  await page.click("dialog.confirm [data-testid=confirm-ok]");
  await page.waitForSelector("dialog.confirm", { state: "detached" });
}

/** Waits until the first element matching `sel` (a Playwright selector) contains `text` (string) or matches it (RegExp). */
export async function expectText(page, sel, text, timeout = 5000) {
  const loc = page.locator(sel).first();
  const deadline = Date.now() + timeout;
  let actual = "<missing>";
  for (;;) {
    if ((await loc.count()) > 0) {
      actual = (await loc.textContent({ timeout: 1000 }).catch(() => null)) ?? "<missing>";
      if (text instanceof RegExp ? text.test(actual) : actual.includes(text)) return;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`expected ${sel} to contain ${text}, got: ${JSON.stringify(actual)}`);
}

/** Waits until `fn(arg)` in the page returns truthy, with a readable failure. */
export async function until(page, fn, arg, what) {
  try {
    await page.waitForFunction(fn, arg, { timeout: 5000 });
  } catch {
    throw new Error(`timed out waiting for: ${what}`);
  }
}

/**
 * Registers what every browser suite needs: one server and one browser per test file, a fresh
 * context per test, and a failure if the test left a page error, console error or CSP
 * violation behind. Returns `open(init, opts)`, which loads the app and gives its page.
 */
export function browserSuite() {
  let server, browser, current;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    if (current) {
      const problems = current.problems;
      await current.context.close();
      current = null;
      assert.deepEqual(problems, [], "page errors, console errors or CSP violations");
    }
  });
  return async function open(init, opts) {
    current = await openApp(browser, server, init, opts);
    return current.page;
  };
}
