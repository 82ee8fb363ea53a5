// Onboarding's key step: add a Deepgram key, or use an OpenAI key instead (a saved key also
// points `agent.provider` at its provider when the current choice could not talk with it); with
// the models for talking on this computer installed, start talking here right away instead.
import { commands } from "./bindings";
import type { AppStatus, ProviderChoice } from "./bindings";
import { attempt, h } from "./dom";
import { keyForm } from "./keys";
import { LOCAL_SCOPE } from "./providers";
import { status } from "./store";

/** The user chose "Use an OpenAI key"; kept across re-renders of the step. */
let openaiChosen = false;

/** If the provider setting cannot talk as things are, point it at `provider`, which can. */
async function switchTo(provider: ProviderChoice, st: AppStatus): Promise<AppStatus> {
  if (st.can_talk) return st;
  const settings = await commands.getSettings();
  if (settings.agent.provider !== provider) {
    settings.agent.provider = provider;
    await commands.saveSettings(settings);
  }
  return commands.appStatus();
}

/** After a key is saved: if the provider setting still cannot talk (it is set to another), switch it to that key's. */
const talkThroughOpenai = (st: AppStatus) => switchTo("openai", st);
const talkThroughDeepgram = (st: AppStatus) => switchTo("deepgram", st);

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

function deepgramSteps(): HTMLElement {
  return h(
    "ol",
    { class: "onb-list" },
    h("li", null, "Open ", h("strong", null, "console.deepgram.com"), " in your browser and sign in (new accounts get free credit)."),
    h("li", null, "Go to ", h("strong", null, "API Keys"), " and create a key with the ", h("em", null, "Member"), " role."),
    h("li", null, "Copy the key and paste it below. It is stored in your system keychain, never in a file."),
  );
}

/** Talking on this computer, ready now: one click starts it (`onStart` closes the onboarding). */
function localPart(onStart: () => void): HTMLElement {
  const start = h("button", { type: "button", class: "btn btn-primary", id: "onb-start-local" }, "Start talking now (on this computer)");
  start.addEventListener("click", async () => {
    start.disabled = true;
    // Auto already resolves to this computer without keys; an explicit Deepgram or OpenAI choice does not.
    const st = status.value && (await attempt(switchTo("local", status.value), "Could not switch to this computer"));
    start.disabled = false;
    if (!st) return;
    status.set(st);
    onStart();
  });
  return h(
    "div",
    { class: "onb-local", id: "onb-local" },
    h("h3", null, "Talk on this computer, ready now"),
    h("p", null, "No account, and nothing leaves this computer. ", LOCAL_SCOPE),
    start,
  );
}

/** Set to talk on this computer, whose models are missing, while a key is set: install, or use the key. */
function modelsStep(st: AppStatus): HTMLElement {
  const name = st.has_key ? "Deepgram" : "OpenAI";
  const useKey = h("button", { type: "button", class: "btn", id: "onb-use-key" }, `Talk through ${name} instead`);
  useKey.addEventListener("click", async () => {
    // Automatic picks the key that is set.
    const next = status.value && (await attempt(switchTo("auto", status.value), "Could not change the speech provider"));
    if (next) status.set(next);
  });
  return h(
    "div",
    { class: "onb-step", id: "onb-key" },
    h("h2", null, "1. Install the models for talking on this computer"),
    h("p", null, "Flux is set to talk on this computer, but its models are not installed."),
    h("p", { class: "field-error", id: "onb-local-error" }, st.local_error ?? ""),
    h("p", { class: "muted small" }, `Or talk through ${name} with the key you saved: `, useKey),
  );
}

/**
 * The first onboarding step: which key lets Flux talk; with no key, how to add one, beside
 * talking on this computer (ready, or how to install its models). `onStartHere` runs once the
 * user chose to talk on this computer.
 */
export function keyStep(st: AppStatus, onStartHere: () => void): HTMLElement {
  const noKey = !st.has_key && !st.has_openai_key;
  if (st.can_talk && !noKey) {
    if (st.provider === "local") {
      return h("div", { class: "onb-step done", id: "onb-key" }, h("h2", null, "✓ Flux talks on this computer"), h("p", { class: "muted" }, LOCAL_SCOPE));
    }
    const [name, hint] = st.has_key ? ["Deepgram", st.key_hint] : ["OpenAI", st.openai_key_hint];
    return h("div", { class: "onb-step done", id: "onb-key" }, h("h2", null, `✓ ${name} key saved`), h("p", { class: "muted" }, `Key ending in ${hint ?? "…"}`));
  }
  if (!st.can_talk && !noKey && st.provider === "local") return modelsStep(st);
  if (noKey && st.local_ready) {
    return h(
      "div",
      { class: "onb-step", id: "onb-key" },
      h("h2", null, "1. Choose how Flux talks"),
      localPart(onStartHere),
      h("div", { class: "onb-alt" }, h("h3", null, "Or add your Deepgram API key, for open conversation"), deepgramSteps(), keyForm("onboarding", "deepgram", { onSaved: talkThroughDeepgram }), openaiPart()),
    );
  }
  return h(
    "div",
    { class: "onb-step", id: "onb-key" },
    h("h2", null, "1. Add your Deepgram API key"),
    deepgramSteps(),
    keyForm("onboarding", "deepgram", { onSaved: talkThroughDeepgram }),
    noKey && st.local_error
      ? h(
          "p",
          { class: "muted small onb-local-hint", id: "onb-local-hint" },
          "No account? Flux can also talk on this computer, about tasks and goals, once its models are installed. ",
          h("span", { id: "onb-local-error" }, st.local_error),
        )
      : null,
    openaiPart(),
  );
}
