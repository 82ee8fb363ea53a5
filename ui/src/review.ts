// Review screen: the list of past conversations (review-entry.ts), one opened (review-detail.ts),
// full-text search whose hits open their conversation at the matching turn, and deleting all
// history. Works offline.
import { commands } from "./bindings";
import type { Conversation, SearchHit } from "./bindings";
import { attempt, clear, confirmDialog, fmtDateTime, h, snippetNodes, toast } from "./dom";
import { focusMessage, renderDetail } from "./review-detail";
import { sessionEntry } from "./review-entry";
import { historyChanged } from "./store";

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
      sessions.map((s) => sessionEntry(s, s.id === openId, () => void openSession(s.id))),
    );
  }

  async function openSession(id: string, focusOn?: string) {
    const d = await attempt(commands.sessionDetail(id), "Could not open the conversation");
    if (!d) return;
    openId = id;
    renderList();
    placeholder.hidden = true;
    detail.hidden = false;
    renderDetail(detail, d, async () => {
      openId = null;
      detail.hidden = true;
      placeholder.hidden = false;
      await loadList();
    });
    if (focusOn) focusMessage(detail, focusOn);
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
