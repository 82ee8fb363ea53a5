// Settings' Startup card: start Flux when the user logs in ("startup.at_login") and, started
// that way, stay in the tray ("startup.hidden"). Saved with the main settings form; the shell
// adds or removes the system's login entry.
import type { StartupSettings } from "./bindings";
import { h } from "./dom";

export function startupChoice() {
  const atLogin = h("input", { type: "checkbox", id: "startup-at-login", "aria-describedby": "startup-help" });
  const hidden = h("input", { type: "checkbox", id: "startup-hidden", "aria-describedby": "startup-help" });
  // Staying in the tray only applies to a start at login.
  const sync = () => {
    hidden.disabled = !atLogin.checked;
  };
  atLogin.addEventListener("change", sync);
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "set-startup-h" },
    h("h2", { id: "set-startup-h" }, "Startup"),
    h("label", { class: "field check" }, atLogin, h("span", null, "Start Flux when I log in")),
    h("label", { class: "field check" }, hidden, h("span", null, "…and keep it in the tray until I open it")),
    h(
      "p",
      { class: "muted small", id: "startup-help" },
      "In the tray Flux is ready for push-to-talk and reminders; open the window from the tray icon. Opening Flux yourself always shows the window.",
    ),
  );
  return {
    card,
    set: (s: StartupSettings) => {
      atLogin.checked = s.at_login;
      hidden.checked = s.hidden;
      sync();
    },
    get: (): StartupSettings => ({ at_login: atLogin.checked, hidden: hidden.checked }),
  };
}
