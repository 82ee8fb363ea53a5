// Review screen: past sessions, a transcript, full-text search, export, delete. Works offline.
import { commands } from "./bindings";
import type { Conversation, ExportFormat, SearchHit, SessionDetail, SessionStats } from "./bindings";
import { medianVoiceToVoiceMs, metric } from "./diagnostics";
import { attempt, clear, confirmDialog, fmtDateTime, h, snippetNodes, toast } from "./dom";
import { safetyBadge } from "./safety-notice";
import { historyChanged } from "./store";

const STATUS_LABEL: Record<Conversation["status"], string> = {
  open: "In progress",
  closed: "Completed",
  interrupted: "Interrupted",
};

const FORMATS: { f: ExportFormat; label: string }[] = [
  { f: "md", label: "Markdown" },
  { f: "json", label: "JSON" },
  { f: "srt", label: "SRT" },
  { f: "vtt", label: "VTT" },
];

function statsLine(stats: SessionStats): HTMLElement {
  const n = (k: string) => metric(stats, k) ?? 0;
  const parts = [
    `${n("turns")} turns`,
    `${n("barge_ins")} barge-ins`,
    `${n("reconnects")} reconnects`,
    `${n("capture_drops")} dropped mic samples`,
    `${n("playback_underruns")} playback underruns`,
  ];
  return h("p", { class: "muted small", id: "detail-stats" }, `Diagnostics: ${parts.join(" · ")}`);
}

export function mountReview(root: HTMLElement) {
  let sessions: Conversation[] = [];
  let openId: string | null = null;
  let searchSeq = 0;

  const searchInput = h("input", {
    type: "search",
    id: "search-input",
    placeholder: "Search all conversations…",
    "aria-label": "Search all conversations",
    autocomplete: "off",
  });
  const searchForm = h(
    "form",
    { class: "search", role: "search", id: "search-form" },
    searchInput,
    h("button", { type: "submit", class: "btn" }, "Search"),
  );
  const results = h("section", { class: "search-results", id: "search-results", hidden: true, "aria-label": "Search results" });
  const list = h("ul", { class: "session-list", id: "session-list", "aria-label": "Past conversations" });
  const listEmpty = h("p", { class: "empty", id: "sessions-empty", hidden: true }, "No conversations yet. Talk to Flux and they will show up here.");
  const deleteAllBtn = h("button", { type: "button", class: "btn btn-danger-ghost", id: "delete-all" }, "Delete all history");
  const detail = h("section", { class: "card detail", id: "session-detail", "aria-label": "Conversation", hidden: true });
  const placeholder = h("div", { class: "card detail-placeholder", id: "detail-placeholder" }, h("p", { class: "empty" }, "Select a conversation to read its transcript."));

  clear(
    root,
    h("header", { class: "screen-head" }, h("h1", null, "Review"), h("span", { class: "muted small" }, "Stored on this computer · works offline")),
    searchForm,
    results,
    h(
      "div",
      { class: "split" },
      h(
        "aside",
        { class: "card list-pane" },
        h("div", { class: "row between" }, h("h2", null, "Conversations"), deleteAllBtn),
        listEmpty,
        list,
      ),
      h("div", { class: "detail-pane" }, placeholder, detail),
    ),
  );

  async function loadList() {
    const r = await attempt(commands.listSessions(200), "Could not load conversations");
    if (!r) return;
    sessions = r;
    renderList();
  }

  function renderList() {
    listEmpty.hidden = sessions.length > 0;
    deleteAllBtn.disabled = sessions.length === 0;
    clear(
      list,
      sessions.map((s) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "session-item",
              "data-id": s.id,
              "aria-current": s.id === openId ? "true" : undefined,
              onclick: () => void openSession(s.id),
            },
            h("span", { class: "session-when" }, fmtDateTime(s.started_at)),
            h(
              "span",
              { class: "session-meta" },
              h("span", { class: `badge status-${s.status}` }, STATUS_LABEL[s.status] ?? s.status),
              s.safety_notice ? [" ", safetyBadge()] : null,
              ` ${s.message_count} message${s.message_count === 1 ? "" : "s"}`,
            ),
          ),
        ),
      ),
    );
  }

  async function openSession(id: string, focusMessage?: string) {
    const d = await attempt(commands.sessionDetail(id), "Could not open the conversation");
    if (!d) return;
    openId = id;
    renderList();
    renderDetail(d);
    if (focusMessage) {
      const el = detail.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(focusMessage)}"]`);
      if (el) {
        el.classList.add("focused");
        el.scrollIntoView?.({ block: "center" });
      }
    }
  }

  function renderDetail(d: SessionDetail) {
    placeholder.hidden = true;
    detail.hidden = false;
    const exportOut = h("p", { class: "export-out", id: "export-result", role: "status" });
    const exportBtns = FORMATS.map(({ f, label }) =>
      h(
        "button",
        {
          type: "button",
          class: "btn btn-sm",
          "data-format": f,
          onclick: async () => {
            const r = await attempt(commands.exportSession(d.id, f), "Export failed");
            if (r) {
              clear(exportOut, `Saved ${label} (${r.bytes} bytes) to `, h("code", { class: "path" }, r.path));
            }
          },
        },
        label,
      ),
    );
    const del = h(
      "button",
      {
        type: "button",
        class: "btn btn-sm btn-danger-ghost",
        id: "delete-session",
        onclick: async () => {
          const ok = await confirmDialog("Delete this conversation?", `The conversation from ${fmtDateTime(d.started_at)} and its transcript will be removed from this computer.`);
          if (!ok) return;
          const r = await attempt(commands.deleteSession(d.id).then(() => true), "Could not delete");
          if (r) {
            toast("Conversation deleted", "info", 4000);
            openId = null;
            detail.hidden = true;
            placeholder.hidden = false;
            await loadList();
          }
        },
      },
      "Delete",
    );

    // Interleave messages and function calls by time.
    type Item = { at: string; node: HTMLElement };
    const items: Item[] = [];
    for (const m of d.messages) {
      items.push({
        at: m.created_at,
        node: h(
          "li",
          { class: `entry msg msg-${m.role}`, "data-message-id": m.id, "data-role": m.role },
          h("span", { class: "who" }, m.role === "user" ? "You" : "Flux", h("time", { class: "muted small", datetime: m.created_at }, fmtDateTime(m.created_at))),
          h("p", { class: "content" }, m.content),
        ),
      });
    }
    for (const c of d.function_calls) {
      items.push({
        at: c.created_at,
        node: h(
          "li",
          { class: `entry call call-${c.status === "executed" ? "ok" : c.status}`, "data-call-id": c.id },
          h("span", { class: "call-icon", "aria-hidden": "true" }, c.status === "executed" ? "✓" : c.status === "failed" ? "✕" : "⊘"),
          h("span", { class: "call-text" }, `${c.name}: ${c.result}`),
        ),
      });
    }
    items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

    const median = medianVoiceToVoiceMs(d.turn_metrics);

    clear(
      detail,
      h(
        "div",
        { class: "row between wrap" },
        h(
          "div",
          null,
          h("h2", { id: "detail-title" }, fmtDateTime(d.started_at)),
          h(
            "p",
            { class: "muted small" },
            h("span", { class: `badge status-${d.status}` }, STATUS_LABEL[d.status] ?? d.status),
            d.safety_notice ? [" ", safetyBadge(d.safety_categories)] : null,
            d.end_reason ? ` ${d.end_reason}` : "",
            ` · ${d.messages.length} messages`,
            median !== null ? ` · median latency ${Math.round(median)} ms` : "",
          ),
        ),
        h("div", { class: "row wrap" }, h("span", { class: "muted small" }, "Export:"), exportBtns, del),
      ),
      d.stats ? statsLine(d.stats) : null,
      exportOut,
      items.length
        ? h("ol", { class: "transcript", id: "detail-transcript" }, items.map((i) => i.node))
        : h("p", { class: "empty" }, "This conversation has no messages."),
    );
  }

  async function runSearch(q: string) {
    const seq = ++searchSeq;
    if (!q.trim()) {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    const hits = await attempt(commands.search(q, 50), "Search failed");
    if (!hits || seq !== searchSeq) return;
    renderResults(q, hits);
  }

  function renderResults(q: string, hits: SearchHit[]) {
    results.hidden = false;
    clear(
      results,
      h(
        "div",
        { class: "row between" },
        h("h2", { id: "search-count" }, hits.length ? `${hits.length} result${hits.length === 1 ? "" : "s"} for “${q}”` : `No results for “${q}”`),
        h("button", { type: "button", class: "btn btn-sm", onclick: () => { searchInput.value = ""; void runSearch(""); } }, "Clear"),
      ),
      h(
        "ul",
        { class: "hits", id: "search-hits" },
        hits.map((hit) =>
          h(
            "li",
            null,
            h(
              "button",
              {
                type: "button",
                class: "hit",
                "data-conversation-id": hit.conversation_id,
                onclick: () => void openSession(hit.conversation_id, hit.message_id),
              },
              h("span", { class: "hit-meta muted small" }, `${hit.role === "user" ? "You" : "Flux"} · ${fmtDateTime(hit.created_at)}`),
              h("span", { class: "snippet" }, snippetNodes(hit.snippet)),
            ),
          ),
        ),
      ),
    );
  }

  searchForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void runSearch(searchInput.value);
  });
  let debounce: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void runSearch(searchInput.value), 250);
  });

  deleteAllBtn.addEventListener("click", async () => {
    const ok = await confirmDialog(
      "Delete all history?",
      "Every stored conversation, transcript and search entry will be removed from this computer. Tasks and goals are kept.",
      "Delete everything",
    );
    if (!ok) return;
    const n = await attempt(commands.deleteAllSessions(), "Could not delete history");
    if (n === undefined) return;
    toast(`Deleted ${n} conversation${n === 1 ? "" : "s"}`, "info", 5000);
    openId = null;
    detail.hidden = true;
    placeholder.hidden = false;
    results.hidden = true;
    await loadList();
  });

  historyChanged.subscribe(() => void loadList());

  return {
    onShow: () => void loadList(),
  };
}
