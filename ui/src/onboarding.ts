// The onboarding dialog: shown while Flux cannot talk or has no microphone, until the user skips
// it. Its key step is in onboarding-key.ts.
import { commands } from "./bindings";
import type { AppStatus } from "./bindings";
import { clear, errText, h, toast } from "./dom";
import { keyStep } from "./onboarding-key";
import { status } from "./store";

function micStep(st: AppStatus, n: number): HTMLElement {
  return h(
    "div",
    { class: "onb-step", id: "onb-mic" },
    h("h2", null, `${n}. Connect a microphone`),
    h("p", null, "Flux could not find a microphone to listen with."),
    st.microphone_error ? h("p", { class: "field-error", id: "mic-error" }, st.microphone_error) : null,
    h(
      "p",
      { class: "muted small" },
      "Plug in a headset or USB microphone, check that it is not muted or disabled in your system's sound settings, and that Flux is allowed to use it. Then check again.",
    ),
    h(
      "button",
      {
        type: "button",
        class: "btn",
        id: "mic-recheck",
        onclick: async () => {
          try {
            await commands.listDevices();
            status.set(await commands.appStatus());
          } catch (e) {
            toast(errText(e));
          }
        },
      },
      "Check again",
    ),
  );
}

/** Creates the dialog; it follows the app status from then on. */
export function mountOnboarding(): HTMLElement {
  const onboarding = h("section", { class: "onboarding", id: "onboarding", hidden: true, role: "dialog", "aria-modal": "true", "aria-labelledby": "onb-title" });
  let dismissed = false;
  let shownFor = "";

  function render(st: AppStatus) {
    const needKey = !st.can_talk;
    const needMic = !st.has_microphone;
    const visible = (needKey || needMic) && !dismissed;
    const wasHidden = onboarding.hidden;
    onboarding.hidden = !visible;
    document.body.classList.toggle("onboarding-open", visible);
    if (!visible) {
      shownFor = "";
      return;
    }
    // Re-render only when what it shows changed, so a half-typed key survives other status updates.
    const memo = JSON.stringify([st.can_talk, st.has_key, st.key_hint, st.has_openai_key, st.openai_key_hint, st.has_microphone, st.microphone_error]);
    if (memo === shownFor) return;
    shownFor = memo;
    const steps: HTMLElement[] = [keyStep(st)];
    if (needMic) steps.push(micStep(st, needKey ? 2 : 1));
    clear(
      onboarding,
      h(
        "div",
        { class: "onb-card" },
        h("div", { class: "brand big" }, h("span", { class: "logo", "aria-hidden": "true" }), h("span", null, "Welcome to Flux")),
        h("p", { class: "lead", id: "onb-title" }, "Your voice companion for tasks and goals. A couple of things before you can talk:"),
        steps,
        h(
          "div",
          { class: "row between" },
          h("span", { class: "muted small" }, "Reviewing past conversations, search and tasks work without these."),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-ghost",
              id: "onb-skip",
              onclick: () => {
                dismissed = true;
                render(status.value ?? st);
              },
            },
            "Skip for now",
          ),
        ),
      ),
    );
    if (wasHidden) (onboarding.querySelector<HTMLElement>("#onboarding-key") ?? onboarding.querySelector<HTMLElement>("button"))?.focus();
  }

  status.subscribe((st) => st && render(st));
  return onboarding;
}
