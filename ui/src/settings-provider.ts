// Settings' speech provider choice: the select, a line on what the chosen option means, and,
// when it is (or resolves to) this computer without its models, the core's reason with the
// install command.
import type { ProviderChoice } from "./bindings";
import { h } from "./dom";
import { LOCAL_SCOPE, PROVIDER_NAME, resolveChoice } from "./providers";
import { status } from "./store";

const HELP: Record<ProviderChoice, string> = {
  auto: "Deepgram when its key is set, else OpenAI when its key is set, else this computer.",
  local: `No account and no network: listening, understanding and speech all run here. ${LOCAL_SCOPE}`,
  deepgram: "Deepgram's Voice Agent: open conversation, with your tasks and goals. Needs the Deepgram key above.",
  openai: "OpenAI Realtime: open conversation, with your tasks and goals. Needs the OpenAI key below.",
};

export function providerChoice() {
  const select = h(
    "select",
    { id: "agent-provider", "aria-describedby": "provider-help" },
    h("option", { value: "auto" }, "Automatic (Deepgram or OpenAI when a key is set, else this computer)"),
    h("option", { value: "local" }, "On this computer (no account, tasks and goals)"),
    h("option", { value: "deepgram" }, "Deepgram Voice Agent"),
    h("option", { value: "openai" }, "OpenAI Realtime"),
  );
  const help = h("p", { class: "muted small", id: "provider-help" });
  const localError = h("p", { class: "field-error", id: "local-error", role: "alert", hidden: true });

  function render() {
    const choice = select.value as ProviderChoice;
    const st = status.value;
    const resolved = st ? resolveChoice(choice, st) : null;
    // For auto, say what it comes to right now: the keys set decide, not the option's text.
    help.textContent = choice === "auto" && resolved ? `${HELP.auto} Right now: ${PROVIDER_NAME[resolved]}.` : HELP[choice];
    const why = resolved === "local" ? st?.local_error : null;
    localError.textContent = why ?? "";
    localError.hidden = !why;
  }
  select.addEventListener("change", render);
  status.subscribe(render);

  return {
    select,
    /** The field: label, select and its explanation, then the models' problem if there is one. */
    field: h("div", { class: "field span-all provider-field" }, h("label", { for: "agent-provider" }, "Provider"), select, help, localError),
    /** Shows a saved choice. */
    set(choice: ProviderChoice) {
      select.value = choice;
      render();
    },
  };
}
