// Tiny DOM helpers. User text only ever goes through text nodes (never innerHTML).

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") {
        el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      } else if (k === "class") {
        el.className = String(v);
      } else if (k === "value" && "value" in el) {
        (el as unknown as { value: string }).value = String(v);
      } else if (k === "checked" && "checked" in el) {
        (el as unknown as { checked: boolean }).checked = Boolean(v);
      } else if (v === true) {
        el.setAttribute(k, "");
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]) {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element, ...children: (Child | Child[])[]) {
  el.replaceChildren();
  append(el, children);
}

export function errText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

// ---- toasts (non-blocking errors and notices) ----
let toastRegion: HTMLElement | null = null;

export function toastHost(): HTMLElement {
  if (!toastRegion) {
    toastRegion = h("div", { class: "toasts", id: "toasts", role: "region", "aria-label": "Notifications" });
    document.body.appendChild(toastRegion);
    document.addEventListener("keydown", dismissOnEscape);
  }
  return toastRegion;
}

export function toast(message: string, kind: "error" | "info" = "error", timeoutMs = 8000) {
  const host = toastHost();
  const close = () => item.remove();
  const item = h(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", "data-kind": kind },
    h("span", { class: "toast-text" }, message),
    h("button", { class: "icon-btn", type: "button", "aria-label": "Dismiss", onclick: close }, "×"),
  );
  host.appendChild(item);
  if (timeoutMs > 0) setTimeout(close, timeoutMs);
}

/**
 * Escape dismisses the newest notice, unless something nearer handled it or it belongs to a field,
 * a form (Escape cancels an edit there) or a dialog (Escape closes it).
 */
function dismissOnEscape(e: KeyboardEvent) {
  if (e.key !== "Escape" || e.defaultPrevented || !toastRegion?.lastElementChild) return;
  const t = e.target instanceof Element ? e.target : null;
  if (t && !toastRegion.contains(t) && t.closest("input, textarea, select, form, dialog, [role=dialog]")) return;
  if (document.querySelector("dialog[open]")) return;
  e.preventDefault();
  toastRegion.lastElementChild.remove();
}

/** Runs a command; on rejection shows its error string in a toast and returns undefined. */
export async function attempt<T>(p: Promise<T>, context?: string): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    toast(context ? `${context}: ${errText(e)}` : errText(e), "error");
    return undefined;
  }
}

// ---- confirm dialog (in-page, keyboard accessible) ----
export function confirmDialog(title: string, body: string, confirmLabel = "Delete"): Promise<boolean> {
  return new Promise((resolve) => {
    const dlg = h("dialog", { class: "confirm", "aria-labelledby": "confirm-title" });
    const done = (v: boolean) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    const cancelBtn = h("button", { type: "button", class: "btn", onclick: () => done(false) }, "Cancel");
    const okBtn = h(
      "button",
      { type: "button", class: "btn btn-danger", "data-testid": "confirm-ok", onclick: () => done(true) },
      confirmLabel,
    );
    dlg.append(
      h("h2", { id: "confirm-title" }, title),
      h("p", null, body),
      h("div", { class: "row end" }, cancelBtn, okBtn),
    );
    dlg.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      done(false);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    cancelBtn.focus();
  });
}

// ---- formatting ----
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function fmtTime(iso: string): string {
  // Wall-clock time as stored (the user's timezone), "HH:MM".
  const m = /T(\d{2}:\d{2})/.exec(iso);
  return m ? m[1] : iso;
}

/** Splits a search snippet on U+E000 / U+E001 into text and <mark> nodes. */
export function snippetNodes(snippet: string): Node[] {
  const out: Node[] = [];
  let rest = snippet;
  while (rest.length) {
    const open = rest.indexOf("\uE000");
    if (open < 0) {
      out.push(document.createTextNode(rest));
      break;
    }
    if (open > 0) out.push(document.createTextNode(rest.slice(0, open)));
    rest = rest.slice(open + 1);
    let close = rest.indexOf("\uE001");
    if (close < 0) close = rest.length;
    const mark = document.createElement("mark");
    mark.textContent = rest.slice(0, close);
    out.push(mark);
    rest = rest.slice(close + 1);
  }
  return out;
}
