// The onboarding dialog: shown while Flux cannot talk or has no microphone, until the user skips
// it; and on first run with no key but the models for talking on this computer installed, to
// offer both ways to talk. Its key step is in onboarding-key.ts.
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

/**
 * Set once the user has started talking on this computer or skipped the onboarding: Flux can
 * already talk then, so the first-run offer is not repeated at every launch. (While Flux cannot
 * talk, the onboarding comes back at each launch regardless.)
 */
const DONE_KEY = "flux.onboarding.done";

function offerDone(): boolean {
  try {
    return localStorage.getItem(DONE_KEY) === "1";
  } catch {
    return false; // storage unavailable: offer again rather than never
  }
}

function rememberDone() {
  try {
    localStorage.setItem(DONE_KEY, "1");
  } catch {
    /* storage unavailable: the offer comes back next launch, nothing worse */
  }
}

/** Creates the dialog; it follows the app status from then on. `onStartHere` shows the Talk screen. */
export function mountOnboarding(onStartHere: () => void): HTMLElement {
  const onboarding = h("section", { class: "onboarding", id: "onboarding", hidden: true, role: "dialog", "aria-modal": "true", "aria-labelledby": "onb-title" });
  let dismissed = false;
  let shownFor = "";
  // Escape skips, like the "Skip for now" button: a modal dialog must be closable from the keyboard.
  onboarding.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    e.preventDefault();
    onboarding.querySelector<HTMLButtonElement>("#onb-skip")?.click();
  });

  function render(st: AppStatus) {
    const needKey = !st.can_talk;
    const needMic = !st.has_microphone;
    // With its models installed Flux talks without a key; the first run still offers the choice.
    const offer = !st.has_key && !st.has_openai_key && st.local_ready && !offerDone();
    const visible = (needKey || needMic || offer) && !dismissed;
    const wasHidden = onboarding.hidden;
    onboarding.hidden = !visible;
    // aria-modal only tells screen readers; inert also keeps Tab from reaching the app behind it.
    document.querySelector(".shell")?.toggleAttribute("inert", visible);
    document.body.classList.toggle("onboarding-open", visible);
    if (!visible) {
      shownFor = "";
      return;
    }
    // Re-render only when what it shows changed, so a half-typed key survives other status updates.
    const memo = JSON.stringify([
      st.can_talk,
      st.provider,
      st.has_key,
      st.key_hint,
      st.has_openai_key,
      st.openai_key_hint,
      st.local_ready,
      st.local_error,
      st.has_microphone,
      st.microphone_error,
    ]);
    if (memo === shownFor) return;
    shownFor = memo;
    const close = () => {
      dismissed = true;
      rememberDone();
      render(status.value ?? st);
    };
    const steps: HTMLElement[] = [
      keyStep(st, () => {
        close();
        onStartHere();
      }),
    ];
    if (needMic) steps.push(micStep(st, needKey || offer ? 2 : 1));
    const lead =
      offer && !needMic
        ? "Your voice companion for tasks and goals. Start talking on this computer right away, or add a key for open conversation:"
        : "Your voice companion for tasks and goals. A couple of things before you can talk:";
    clear(
      onboarding,
      h(
        "div",
        { class: "onb-card" },
        h("div", { class: "brand big" }, h("span", { class: "logo", "aria-hidden": "true" }), h("span", null, "Welcome to Flux")),
        h("p", { class: "lead", id: "onb-title" }, lead),
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
              onclick: close,
            },
            "Skip for now",
          ),
        ),
      ),
    );
    if (wasHidden) {
      const first = onboarding.querySelector<HTMLElement>("#onb-start-local") ?? onboarding.querySelector<HTMLElement>("#onboarding-key");
      (first ?? onboarding.querySelector<HTMLElement>("button"))?.focus();
    }
  }

  status.subscribe((st) => st && render(st));
  return onboarding;
}
