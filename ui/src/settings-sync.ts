// Settings' Sync card: the hosted plane's URL, the user id there, its token (kept in the system
// keychain; only its last four characters are shown), background delivery and the mode, the
// items waiting for the user, and, when sync is turned on for the first time with conversations
// already here, the choice to send them or start from now, with the progress of sending them.
import { commands } from "./bindings";
import type { AppStatus, SyncMode, SyncSettings, SyncStatus } from "./bindings";
import { attempt, confirmDialog, errText, h } from "./dom";
import { status, syncStatus } from "./store";
import { syncDetail, syncLabel, syncProblems } from "./sync";

const MODES: [SyncMode, string, string][] = [
  ["auto", "Automatic", "Conversations start through the plane when no Deepgram key is set here; otherwise they run here and are sent afterwards."],
  ["hosted", "Hosted", "Every conversation starts through the plane (its token and setup), as the plane's own apps do."],
  ["background", "Background only", "Conversations run here as usual and are sent to the plane afterwards."],
];

export function mountSyncSettings(onSaved: (s: SyncSettings) => void) {
  let current: SyncSettings | null = null;
  /** Past conversations the user chose to send; 0 while none are being sent. */
  let backfillTotal = 0;

  const url = h("input", { type: "url", id: "sync-url", placeholder: "https://flux.example.com", autocomplete: "off", spellcheck: "false" });
  const user = h("input", { type: "text", id: "sync-user", autocomplete: "off", spellcheck: "false" });
  const token = h("input", { type: "password", id: "sync-token", autocomplete: "off", spellcheck: "false", placeholder: "Paste the plane's token", "aria-describedby": "sync-token-status" });
  const tokenStatus = h("p", { class: "key-status", id: "sync-token-status" });
  const tokenClear = h("button", { type: "button", class: "btn btn-sm btn-danger-ghost", id: "sync-token-clear" }, "Clear token");
  const enabled = h("input", { type: "checkbox", id: "sync-enabled" });
  const mode = h("select", { id: "sync-mode", "aria-describedby": "sync-mode-help" }, ...MODES.map(([v, label]) => h("option", { value: v }, label)));
  const modeHelp = h("ul", { class: "muted small", id: "sync-mode-help" }, ...MODES.map(([v, label, why]) => h("li", { "data-mode": v }, h("strong", null, `${label}: `), why)));
  const state = h("p", { class: "sync-state", id: "sync-state" });
  const err = h("p", { class: "field-error", id: "sync-error", role: "alert", hidden: true });
  const saved = h("span", { class: "muted small", id: "sync-saved", role: "status" });

  // ---- the history, the first time sync is turned on ----
  const backfillText = h("p", { id: "sync-backfill-text" });
  const sendBtn = h("button", { type: "button", class: "btn btn-primary", id: "sync-send-history" });
  const skipBtn = h("button", { type: "button", class: "btn", id: "sync-skip-history" }, "Only from now on");
  const backfill = h(
    "div",
    { class: "notice", id: "sync-backfill", role: "group", "aria-labelledby": "sync-backfill-text", hidden: true },
    backfillText,
    h("div", { class: "row wrap" }, sendBtn, skipBtn),
  );
  const progressBar = h("progress", { id: "sync-progress-bar", max: "1", value: "0", "aria-labelledby": "sync-progress-text" });
  const progressText = h("span", { id: "sync-progress-text" });
  const progress = h("div", { class: "row sync-progress", id: "sync-progress", hidden: true }, progressBar, progressText);

  function showError(e: unknown) {
    err.textContent = errText(e);
    err.hidden = false;
  }

  function offerHistory(n: number) {
    backfillText.textContent = `${n === 1 ? "One conversation is" : `${n} conversations are`} already on this computer. Send ${n === 1 ? "it" : "them"} to the plane too?`;
    sendBtn.textContent = `Send my ${n} past conversation${n === 1 ? "" : "s"}`;
    backfill.hidden = false;
    sendBtn.focus();
  }

  async function choose(send: boolean) {
    err.hidden = true;
    const total = syncStatus.value?.pending_sessions ?? 0;
    sendBtn.disabled = skipBtn.disabled = true;
    try {
      const st = await commands.enableSync(send);
      backfill.hidden = true;
      enabled.checked = true;
      if (current) onSaved((current = { ...current, enabled: true }));
      backfillTotal = send ? total : 0;
      saved.textContent = send ? "Sync is on: sending your past conversations" : "Sync is on, from now on";
      syncStatus.set(st);
    } catch (e) {
      showError(e);
    } finally {
      sendBtn.disabled = skipBtn.disabled = false;
    }
  }
  sendBtn.addEventListener("click", () => void choose(true));
  skipBtn.addEventListener("click", () => void choose(false));

  function renderProgress(st: SyncStatus) {
    progress.hidden = backfillTotal === 0;
    if (backfillTotal === 0) return;
    const left = Math.min(st.pending_sessions, backfillTotal);
    progressBar.max = backfillTotal;
    progressBar.value = backfillTotal - left;
    progressText.textContent =
      left > 0 ? `Sending your past conversations: ${left} of ${backfillTotal} left` : `All ${backfillTotal} past conversations are on the plane.`;
  }

  function renderStatus(st: SyncStatus | null) {
    if (!st) return;
    state.replaceChildren(h("span", { class: "badge", "data-state": st.state }, syncLabel(st)), " ", syncDetail(st));
    renderProgress(st);
  }
  syncStatus.subscribe(renderStatus);
  renderStatus(syncStatus.value);

  // ---- the token ----
  function renderToken(st: AppStatus | null) {
    if (!st) return;
    tokenStatus.replaceChildren(
      st.has_sync_token
        ? h("span", null, h("span", { class: "badge badge-ok" }, "Token set"), " ending in ", h("code", { id: "sync-token-hint" }, st.sync_token_hint ?? "…"))
        : st.sync_token_error
          ? h("span", null, h("span", { class: "badge badge-warn" }, "Keychain error"), ` ${st.sync_token_error}`)
          : h("span", null, h("span", { class: "badge badge-warn" }, "No token"), " The plane's administrator gives you one."),
    );
    tokenClear.hidden = !st.has_sync_token;
  }
  status.subscribe(renderToken);
  renderToken(status.value);
  tokenClear.addEventListener("click", async () => {
    if (!(await confirmDialog("Clear the sync token?", "Nothing reaches the plane until a new token is saved.", "Clear"))) return;
    const st = await attempt(commands.clearSyncToken(), "Could not clear the token");
    if (st) status.set(st);
  });

  const form = h(
    "form",
    // The core checks the URL and says why; the browser's own check would stop it first.
    { class: "card", id: "sync-form", "aria-labelledby": "set-sync-h", novalidate: true },
    h("h2", { id: "set-sync-h", tabindex: "-1" }, "Sync"),
    h("p", { class: "muted small" }, "Send your conversations to your team's hosted Flux plane, in the background. Everything stays on this computer too."),
    state,
    h(
      "div",
      { class: "form-grid" },
      h("label", { class: "field grow" }, h("span", null, "Plane URL"), url),
      h("label", { class: "field grow" }, h("span", null, "Your user id there"), user),
      h("label", { class: "field grow" }, h("span", null, "Token"), token),
      h("div", { class: "field span-all" }, tokenStatus, h("div", { class: "row" }, tokenClear)),
      h("label", { class: "field check span-all" }, enabled, h("span", null, "Sync in the background while Flux runs")),
      h("label", { class: "field span-all" }, h("span", null, "How conversations use the plane"), mode),
    ),
    modeHelp,
    backfill,
    progress,
    syncProblems(),
    h("div", { class: "row end" }, saved, err, h("button", { type: "submit", class: "btn btn-primary", id: "sync-save" }, "Save sync")),
  );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    err.hidden = true;
    saved.textContent = "";
    if (!current) return;
    const typed = token.value.trim();
    if (typed) {
      try {
        status.set(await commands.saveSyncToken(typed));
        token.value = "";
      } catch (ex) {
        showError(ex);
        return;
      }
    }
    const before = syncStatus.value;
    // The first time sync goes on with conversations already here, the user chooses first.
    const first = enabled.checked && !current.enabled && before !== null && before.last_success === null;
    const next: SyncSettings = { ...current, url: url.value.trim().replace(/\/+$/, ""), user_id: user.value.trim(), enabled: enabled.checked && !first, mode: mode.value as SyncMode };
    try {
      const st = await commands.setSyncSettings(next.url, next.user_id, next.enabled, next.mode);
      onSaved((current = next));
      url.value = next.url;
      syncStatus.set(st);
      saved.textContent = "Saved";
      if (first && st.pending_sessions > 0) {
        saved.textContent = "Saved: choose what to send";
        offerHistory(st.pending_sessions);
      } else if (first) {
        await choose(true);
      }
    } catch (ex) {
      showError(ex);
    }
  });

  return {
    el: form,
    /** Shows the saved sync settings; `localUser` is this computer's user id (the default). */
    fill(s: SyncSettings, localUser: string) {
      current = { ...s };
      url.value = s.url;
      user.value = s.user_id;
      user.placeholder = `${localUser} (as on this computer)`;
      enabled.checked = s.enabled;
      mode.value = s.mode;
    },
  };
}
