// API keys: the fields that save a provider's key to the OS keychain, and the status line that
// shows only its last four characters.
import { commands } from "./bindings";
import type { AppStatus, KeyName } from "./bindings";
import { attempt, confirmDialog, errText, h, toast } from "./dom";
import { status } from "./store";

const LABEL: Record<KeyName, string> = { deepgram: "Deepgram", openai: "OpenAI", sync: "Sync" };
const PLACEHOLDER: Record<KeyName, string> = {
  deepgram: "Paste your Deepgram API key",
  openai: "Paste your OpenAI API key (sk-…)",
  sync: "Paste the hosted plane's token",
};

/** One key as the status reports it: set (with its hint), or why the keychain could not be read. */
export function keyState(st: AppStatus, name: KeyName): { set: boolean; hint: string | null; error: string | null } {
  switch (name) {
    case "deepgram":
      return { set: st.has_key, hint: st.key_hint, error: st.key_error };
    case "openai":
      return { set: st.has_openai_key, hint: st.openai_key_hint, error: st.openai_key_error };
    case "sync":
      return { set: st.has_sync_token, hint: st.sync_token_hint, error: st.sync_token_error };
  }
}

export interface KeyFormOptions {
  /** Runs after the key is saved, with the new status; what it returns becomes the status. */
  onSaved?: (st: AppStatus) => Promise<AppStatus>;
  /** Inside another form: a group with a plain button, so Enter saves the key, not the outer form. */
  nested?: boolean;
}

/** A password field that stores the key in the OS keychain via `set_api_key`. Never shows it back. */
export function keyForm(idPrefix: string, name: KeyName = "deepgram", opts: KeyFormOptions = {}): HTMLElement {
  const input = h("input", {
    type: "password",
    id: `${idPrefix}-key`,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: PLACEHOLDER[name],
    "aria-describedby": `${idPrefix}-key-help`,
  });
  const err = h("p", { class: "field-error", id: `${idPrefix}-key-error`, role: "alert", hidden: true });
  const button = h("button", { type: opts.nested ? "button" : "submit", class: "btn btn-primary" }, "Save key");
  const field = h("label", { class: "field grow" }, h("span", null, `${LABEL[name]} API key`), input);
  const box = opts.nested
    ? h("div", { class: "key-form", id: `${idPrefix}-key-form`, role: "group", "aria-label": `${LABEL[name]} API key` }, field, button, err)
    : h("form", { class: "key-form", id: `${idPrefix}-key-form` }, field, button, err);

  async function save() {
    err.hidden = true;
    const key = input.value.trim();
    if (!key) {
      err.textContent = "Paste a key first.";
      err.hidden = false;
      return;
    }
    try {
      let st = await commands.setApiKey(name, key);
      input.value = "";
      if (opts.onSaved) st = await opts.onSaved(st);
      status.set(st);
      toast(`${LABEL[name]} key saved to the system keychain`, "info", 4000);
    } catch (ex) {
      err.textContent = errText(ex);
      err.hidden = false;
    }
  }
  if (opts.nested) {
    button.addEventListener("click", () => void save());
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      void save();
    });
  } else {
    box.addEventListener("submit", (e) => {
      e.preventDefault();
      void save();
    });
  }
  return box;
}

/**
 * A key's status line ("Key set ending in …a1b2", a keychain error, or none) and its Remove
 * button, kept in step with the app status. `ids` prefixes the elements' ids.
 */
export function keyStatus(name: KeyName, ids: string, missing: string) {
  const line = h("p", { class: "key-status", id: `${ids}-status` });
  const remove = h("button", { type: "button", class: "btn btn-danger-ghost", id: `${ids}-remove` }, "Remove key");
  remove.addEventListener("click", async () => {
    const consequence =
      name === "deepgram"
        ? "Flux will not be able to talk through Deepgram until you add a key again."
        : "Flux will not be able to talk through OpenAI until you add a key again.";
    if (!(await confirmDialog(`Remove the ${LABEL[name]} key?`, consequence, "Remove"))) return;
    const st = await attempt(commands.clearApiKey(name), "Could not remove the key");
    if (st) status.set(st);
  });
  function render() {
    const st = status.value;
    if (!st) return;
    const k = keyState(st, name);
    line.replaceChildren(
      k.set
        ? h("span", null, h("span", { class: "badge badge-ok" }, "Key set"), " ending in ", h("code", { id: `${ids}-hint` }, k.hint ?? "…"))
        : k.error
          ? h("span", null, h("span", { class: "badge badge-warn" }, "Keychain error"), " ", k.error)
          : h("span", null, h("span", { class: "badge badge-warn" }, "No key"), ` ${missing}`),
    );
    remove.hidden = !k.set;
  }
  status.subscribe(render);
  render();
  return { line, remove };
}
