// The safety notice on the Talk screen: shown when the core heard an emergency phrase in the
// user's words, with the emergency number and crisis line of the user's region. It stays until
// dismissed; Flux is not an emergency service, and the notice says so.
import type { SafetyNotice } from "./bindings";
import { clear, h } from "./dom";

export function createSafetyNotice() {
  const title = h("strong", { id: "safety-title" });
  const body = h("p", { id: "safety-body" });
  const dismiss = h("button", { type: "button", class: "btn btn-sm", id: "safety-dismiss" }, "Dismiss");
  const el = h(
    "section",
    { class: "card safety-notice", id: "safety-notice", role: "alert", "aria-labelledby": "safety-title", hidden: true },
    h("div", { class: "row between wrap" }, title, dismiss),
    body,
    h("p", { class: "muted small" }, "Flux is not a medical or crisis service."),
  );
  dismiss.addEventListener("click", () => {
    el.hidden = true;
  });

  function show(n: SafetyNotice) {
    title.textContent = `If this is an emergency, call ${n.emergency_number} now.`;
    clear(
      body,
      "You can also reach ",
      h("span", { class: "crisis-line" }, n.crisis_line.name),
      " at ",
      h("a", { href: `tel:${n.crisis_line.number.replace(/[^0-9]/g, "")}`, class: "crisis-number" }, n.crisis_line.number),
      ".",
    );
    el.dataset.category = n.category;
    el.hidden = false;
  }

  return { el, show };
}

/** The Review badge of a conversation in which the notice was shown (categories only, never words). */
export function safetyBadge(categories: string[] = []) {
  const kinds = categories.map((c) => c.replace(/_/g, " ")).join(", ");
  return h("span", { class: "badge badge-safety", title: kinds ? `Heard: ${kinds}` : undefined }, "Safety notice shown");
}
