// Functions the accessibility tests run inside the page: which controls the keyboard should reach,
// whether the focused one shows a ring, what motion is running, and the contrast of every visible
// piece of text. `installProbes` puts them on window.__a11y (evaluated over the DevTools protocol,
// which the page's CSP does not restrict); they reach each other through window.__a11y.

/**
 * Marks every visible, enabled control with data-a11y-k (its position in document order) and
 * returns their descriptions. A radio group is one Tab stop (its checked radio), as in browsers.
 */
function markControls() {
  const sel = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  const seenGroups = new Set();
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    delete el.dataset.a11yK;
    if (el.disabled || el.closest("[inert], [hidden]") || el.getClientRects().length === 0) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (el.type === "radio") {
      if (seenGroups.has(el.name)) continue;
      const group = [...document.querySelectorAll(`input[type=radio][name="${el.name}"]`)];
      const stop = group.find((r) => r.checked) ?? el;
      if (stop !== el) continue;
      seenGroups.add(el.name);
    }
    el.dataset.a11yK = String(out.length);
    const name = el.getAttribute("aria-label") || el.textContent.trim() || el.id || el.getAttribute("name") || el.tagName;
    out.push(`${el.tagName.toLowerCase()}#${el.id || "-"} ${JSON.stringify(name.slice(0, 40))}`);
  }
  return out;
}

/** Relative luminance (WCAG 2) of [r, g, b] in 0–255. */
function lum([r, g, b]) {
  const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** Contrast ratio of two opaque colours. */
function ratio(a, b) {
  const { lum } = window.__a11y;
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Parses any CSS colour to [r, g, b, a] (0–255, alpha 0–1) by painting it. */
function rgba(css) {
  const c = (window.__a11yCanvas ??= document.createElement("canvas").getContext("2d", { willReadFrequently: true }));
  c.clearRect(0, 0, 1, 1);
  c.fillStyle = "#000";
  c.fillStyle = css;
  c.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = c.getImageData(0, 0, 1, 1).data;
  return [r, g, b, a / 255];
}

/** The focused element (or, for a visually hidden radio, the label text drawn for it) and its ring. */
function focusedRing() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const shown = getComputedStyle(el).opacity === "0" && el.nextElementSibling ? el.nextElementSibling : el;
  const cs = getComputedStyle(shown);
  return {
    k: el.dataset.a11yK ?? null,
    what: `${el.tagName.toLowerCase()}#${el.id || "-"}`,
    outlineStyle: cs.outlineStyle,
    outlineWidth: parseFloat(cs.outlineWidth) || 0,
    outlineColor: cs.outlineColor,
    boxShadow: cs.boxShadow,
  };
}

/** Everything that moves: running animations and non-zero transitions, pseudo-elements included. */
function motion() {
  const moving = [];
  const secs = (v) => v.split(",").map((s) => parseFloat(s) || 0);
  for (const el of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const cs = getComputedStyle(el, pseudo);
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")}${pseudo ?? ""}`;
      if (cs.animationName !== "none") moving.push(`${name}: animation ${cs.animationName}`);
      if (secs(cs.transitionDuration).some((s) => s > 0)) moving.push(`${name}: transition ${cs.transitionDuration}`);
    }
  }
  return { moving, animations: document.getAnimations().length, scroll: getComputedStyle(document.documentElement).scrollBehavior };
}

/** `top` (with alpha) painted over the opaque `under`. */
function over(top, under) {
  return [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
}

/** The opaque colour behind `el`: background colours composited up the ancestors; null over a gradient. */
function backdrop(el) {
  const { rgba, over } = window.__a11y;
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.backgroundImage !== "none") return null;
    const c = rgba(cs.backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];
  for (const l of layers.reverse()) bg = over(l, bg);
  return bg;
}

/**
 * The contrast ratio of every visible text run against what is behind it (background colours
 * composited up the ancestor chain, the element's opacity applied). Text of disabled controls is
 * exempt (WCAG 1.4.3). Returns the runs below their minimum (4.5:1, or 3:1 for large text).
 */
function contrastProblems() {
  const { rgba, ratio, over, backdrop } = window.__a11y;
  const problems = [];
  let measured = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest("[hidden], .sr-only, :disabled, option, script, style")) continue;
    if (el.closest("label")?.control?.disabled) continue; // the label of a disabled control
    const range = document.createRange();
    range.selectNodeContents(n);
    if (range.getClientRects().length === 0 || getComputedStyle(el).visibility === "hidden") continue;
    const bg = backdrop(el);
    if (!bg) continue;
    let alpha = 1;
    for (let e = el; e; e = e.parentElement) alpha *= parseFloat(getComputedStyle(e).opacity);
    const cs = getComputedStyle(el);
    const fg = rgba(cs.color);
    fg[3] *= alpha;
    const r = ratio(over(fg, bg), bg);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    measured++;
    if (r < (large ? 3 : 4.5)) {
      problems.push(`${r.toFixed(2)}:1 ${JSON.stringify(n.textContent.trim().slice(0, 30))} in ${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
    }
  }
  return { measured, problems };
}

/** Luminance of the page background and contrast of body text against it. */
function pageColours() {
  const { rgba, lum, ratio } = window.__a11y;
  const bg = rgba(getComputedStyle(document.body).backgroundColor);
  const text = rgba(getComputedStyle(document.documentElement).color);
  return { background: lum(bg), text: lum(text), contrast: ratio(bg, text) };
}

/** Contrast of the focused element's ring against what it is drawn on (its parent's backdrop). */
function ringContrast() {
  const { rgba, ratio, backdrop, over } = window.__a11y;
  const el = document.activeElement;
  const shown = getComputedStyle(el).opacity === "0" && el.nextElementSibling ? el.nextElementSibling : el;
  const bg = backdrop(shown.parentElement) ?? rgba(getComputedStyle(document.body).backgroundColor);
  return ratio(over(rgba(getComputedStyle(shown).outlineColor), bg), bg);
}

/** Installs the probes in the page as window.__a11y. */
export function installProbes(page) {
  const fns = [lum, ratio, rgba, over, backdrop, markControls, focusedRing, motion, contrastProblems, pageColours, ringContrast];
  return page.evaluate(`window.__a11y = { ${fns.map((f) => `${f.name}: ${f}`).join(",\n")} }; true`);
}
