// The Talk screen's word on what a conversation runs on: the provider's name beside the state
// pill, what Flux can do on this computer when that is the one, and what is missing when it
// cannot talk at all.
import type { AppStatus } from "./bindings";
import { h } from "./dom";
import { LOCAL_SCOPE, providerName } from "./providers";

/** Why Flux cannot talk, in terms of what the resolved provider is missing. */
function missing(st: AppStatus): string {
  if (st.provider === "openai") return "Add your OpenAI API key in Settings to start talking, or choose another speech provider there.";
  if (st.provider === "deepgram") return "Add your Deepgram API key in Settings to start talking, or choose another speech provider there.";
  if (st.provider === "local" && (st.has_key || st.has_openai_key)) {
    return "Flux is set to talk on this computer, but its models are not installed. Install them, or choose Deepgram or OpenAI in Settings.";
  }
  return "Add your Deepgram API key in Settings, or an OpenAI key, to start talking, or install the models to talk on this computer.";
}

export function createProviderInfo() {
  const name = h("span", { class: "provider-name", id: "talk-provider" });
  const chip = h(
    "span",
    { class: "provider-chip", id: "talk-provider-chip", title: "What conversations run on; change it in Settings, Speech provider", hidden: true },
    h("span", { class: "provider-chip-label" }, "Voice:"),
    " ",
    name,
  );
  const localNote = h("p", { class: "muted small", id: "talk-local-note", hidden: true }, LOCAL_SCOPE);
  const keyText = h("span", { id: "talk-key-text" });
  const localError = h("span", { class: "notice-detail", id: "talk-local-error", hidden: true });
  const keyNote = h(
    "p",
    { class: "notice", id: "talk-key-note", hidden: true },
    keyText,
    " Review, search and tasks work without it.",
    localError,
  );

  return {
    chip,
    localNote,
    keyNote,
    render(st: AppStatus | null) {
      const label = providerName(st?.provider);
      name.textContent = label ?? "";
      chip.hidden = !label;
      localNote.hidden = st?.provider !== "local";
      keyNote.hidden = !st || st.can_talk;
      if (!st || st.can_talk) return;
      keyText.textContent = missing(st);
      const why = st.provider === "local" ? st.local_error : null;
      localError.textContent = why ?? "";
      localError.hidden = !why;
    },
  };
}
