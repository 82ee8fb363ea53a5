// Test-only: the mock shell's sync to a hosted plane. It keeps a SyncStatus the way the core
// words it, answers the sync commands with the core's validation and errors, and pushes
// `sync-status` events; tests set any state with `__flux.pushSync(patch)`.
import { emit } from "@tauri-apps/api/event";
import type { AppStatus, Settings, SyncMode, SyncStatus } from "../bindings";
import { events } from "../bindings";

export interface SyncInit {
  /** The starting status (state, counts, quarantined items…); the rest is "not configured". */
  status?: Partial<SyncStatus>;
  /** The starting sync settings (url, user_id, enabled, mode). */
  settings?: Partial<Settings["sync"]>;
  /** A token is saved, ending in this hint (e.g. "…beef"). */
  tokenHint?: string;
}

export function emptySync(): SyncStatus {
  return {
    state: "not_configured",
    configured: false,
    enabled: false,
    pending_sessions: 0,
    pending_messages: 0,
    pending_intents: 0,
    pending_items: 0,
    quarantined: [],
    lost_sessions: [],
    last_success: null,
    last_error: null,
    needs_sign_in: false,
    rate_limited_until: null,
    orphan: null,
  };
}

export function mockSync(init: SyncInit, status: AppStatus, settings: () => Settings, pushStatus: () => Promise<void>) {
  const sync: SyncStatus = { ...emptySync(), ...init.status };
  Object.assign(settings().sync, init.settings ?? {});
  Object.assign(status, { has_sync_token: !!init.tokenHint, sync_token_hint: init.tokenHint ?? null, sync_token_error: null });

  function push() {
    return emit(events.syncStatus, structuredClone(sync));
  }
  /** The state the core would report for these counts and settings. */
  function settle() {
    const s = settings().sync;
    sync.configured = s.url.trim() !== "";
    sync.enabled = s.enabled;
    const waiting = sync.quarantined.length + sync.lost_sessions.length;
    if (!sync.configured) sync.state = "not_configured";
    else if (sync.pending_items === 0 && waiting === 0) sync.state = "synced";
    else if (!sync.enabled) sync.state = "off";
    else if (waiting > 0) sync.state = "blocked";
    else sync.state = "pending";
  }
  function reply() {
    void push();
    return structuredClone(sync);
  }
  function dropConversation(conv: string) {
    sync.quarantined = sync.quarantined.filter((q) => q.conversation_id !== conv);
    sync.lost_sessions = sync.lost_sessions.filter((l) => l.conversation_id !== conv);
  }

  const handlers: Record<string, (a: Record<string, any>) => unknown> = {
    sync_status: () => structuredClone(sync),
    sync_now: () => {
      if (!sync.configured) throw "Sync is not set up: enter the hosted plane's URL in Settings first.";
      return null;
    },
    set_sync_settings: (a) => {
      const url = String(a.url).trim();
      if (url && !/^https?:\/\//.test(url)) throw "The plane's URL must start with https:// or http://.";
      if (a.enabled && !url) throw "Enter the hosted plane's URL to turn sync on.";
      Object.assign(settings().sync, { url: url.replace(/\/+$/, ""), user_id: String(a.userId).trim(), enabled: !!a.enabled, mode: a.mode as SyncMode });
      settle();
      return reply();
    },
    enable_sync: (a) => {
      if (!settings().sync.url) throw "Enter the hosted plane's URL to turn sync on.";
      if (!a.sendHistory) Object.assign(sync, { pending_sessions: 0, pending_messages: 0, pending_intents: 0, pending_items: 0 });
      settings().sync.enabled = true;
      settle();
      return reply();
    },
    save_sync_token: (a) => {
      const token = String(a.token).trim();
      if (token.length < 8 || /\s/.test(token)) throw "That does not look like a sync token (at least 8 characters, no spaces).";
      Object.assign(status, { has_sync_token: true, sync_token_hint: token.length < 12 ? "…" : `…${token.slice(-4)}` });
      void pushStatus();
      return { ...status };
    },
    clear_sync_token: () => {
      Object.assign(status, { has_sync_token: false, sync_token_hint: null });
      void pushStatus();
      return { ...status };
    },
    sync_retry: (a) => {
      const before = sync.quarantined.length;
      sync.quarantined = sync.quarantined.filter((q) => a.id !== null && q.id !== a.id);
      if (sync.quarantined.length === before) throw a.id === null ? "No item is waiting for you." : `Item ${a.id} is not waiting for you any more.`;
      settle();
      return reply();
    },
    sync_discard: (a) => {
      const item = sync.quarantined.find((q) => q.id === a.id);
      if (!item) throw `There is no item ${a.id} waiting to be synced.`;
      if (item.kind === "open") dropConversation(item.conversation_id);
      else sync.quarantined = sync.quarantined.filter((q) => q.id !== a.id);
      sync.pending_items = Math.max(0, sync.pending_items - 1);
      settle();
      return reply();
    },
    sync_retry_session: (a) => {
      if (!sync.lost_sessions.some((l) => l.conversation_id === a.conversationId)) throw `Conversation ${a.conversationId} has no lost session to retry.`;
      sync.lost_sessions = sync.lost_sessions.filter((l) => l.conversation_id !== a.conversationId);
      settle();
      return reply();
    },
    sync_discard_session: (a) => {
      dropConversation(a.conversationId);
      settle();
      return reply();
    },
  };

  return {
    handlers,
    sync,
    /** Changes the status (as the worker would) and pushes it to the window. */
    pushSync(patch: Partial<SyncStatus> = {}) {
      Object.assign(sync, patch);
      return push();
    },
  };
}
