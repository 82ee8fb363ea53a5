// The Talk screen's choice between hands-free and push-to-talk: a segmented pair of radios that
// is fixed while a conversation runs (the mode is chosen when it starts).
import type { TalkMode } from "./bindings";
import { h } from "./dom";

export function createModePicker(initial: TalkMode, onChange: (mode: TalkMode) => void) {
  const inputs = (["hands_free", "push_to_talk"] as TalkMode[]).map((m) =>
    h("input", {
      type: "radio",
      name: "talk-mode",
      value: m,
      id: `mode-${m}`,
      checked: m === initial,
      onchange: () => onChange(m),
    }),
  );
  const el = h(
    "fieldset",
    { class: "segmented", id: "talk-mode" },
    h("legend", { class: "sr-only" }, "Conversation mode"),
    h("label", { for: "mode-hands_free" }, inputs[0], h("span", null, "Hands-free")),
    h("label", { for: "mode-push_to_talk" }, inputs[1], h("span", null, "Push-to-talk")),
  );
  /** Shows `mode` as chosen; `locked` while a conversation runs. */
  function render(mode: TalkMode, locked: boolean) {
    for (const inp of inputs) {
      inp.checked = inp.value === mode;
      inp.disabled = locked;
    }
  }
  return { el, render };
}
