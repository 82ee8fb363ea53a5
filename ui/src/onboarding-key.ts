// Onboarding's key step: add a Deepgram key, or use an OpenAI key instead (which also points
// `agent.provider` at OpenAI when the current choice could not talk with it).
import { commands } from "./bindings";
import type { AppStatus } from "./bindings";
import { h } from "./dom";
import { keyForm } from "./keys";

/** The user chose "Use an OpenAI key"; kept across re-renders of the step. */
let openaiChosen = false;

/** After the OpenAI key is saved: if the provider setting still cannot talk, switch it to OpenAI. */
async function talkThroughOpenai(st: AppStatus): Promise<AppStatus> {
  if (st.can_talk) return st;
  const settings = await commands.getSettings();
  if (settings.agent.provider !== "openai") {
    settings.agent.provider = "openai";
    await commands.saveSettings(settings);
  }
  return commands.appStatus();
}

function openaiPart(): HTMLElement {
  const form = keyForm("onboarding-openai", "openai", { onSaved: talkThroughOpenai });
  const part = h(
    "div",
    { class: "onb-alt", id: "onb-openai", hidden: !openaiChosen },
    h("h3", null, "Use an OpenAI key"),
    h(
      "ol",
      { class: "onb-list" },
      h("li", null, "Open ", h("strong", null, "platform.openai.com"), " and sign in."),
      h("li", null, "Go to ", h("strong", null, "API keys"), " and create a secret key with Realtime access."),
      h("li", null, "Paste it below. It is stored in your system keychain, never in a file; Flux talks through OpenAI Realtime with it."),
    ),
    form,
  );
  const choose = h(
    "button",
    { type: "button", class: "btn btn-ghost", id: "onb-use-openai", "aria-controls": "onb-openai" },
    "Use an OpenAI key",
  );
  const offer = h("p", { class: "muted small", hidden: openaiChosen }, "Already have an OpenAI key? ", choose);
  choose.addEventListener("click", () => {
    openaiChosen = true;
    part.hidden = false;
    offer.hidden = true;
    part.querySelector<HTMLInputElement>("#onboarding-openai-key")?.focus();
  });
  return h("div", null, offer, part);
}

/** The first onboarding step: what is missing, or which key lets Flux talk. */
export function keyStep(st: AppStatus): HTMLElement {
  if (st.can_talk) {
    const [name, hint] = st.has_key ? ["Deepgram", st.key_hint] : ["OpenAI", st.openai_key_hint];
    return h("div", { class: "onb-step done", id: "onb-key" }, h("h2", null, `✓ ${name} key saved`), h("p", { class: "muted" }, `Key ending in ${hint ?? "…"}`));
  }
  return h(
    "div",
    { class: "onb-step", id: "onb-key" },
    h("h2", null, "1. Add your Deepgram API key"),
    h(
      "ol",
      { class: "onb-list" },
      h("li", null, "Open ", h("strong", null, "console.deepgram.com"), " in your browser and sign in (new accounts get free credit)."),
      h("li", null, "Go to ", h("strong", null, "API Keys"), " and create a key with the ", h("em", null, "Member"), " role."),
      h("li", null, "Copy the key and paste it below. It is stored in your system keychain, never in a file."),
    ),
    keyForm("onboarding"),
    openaiPart(),
  );
}
