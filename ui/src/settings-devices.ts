// Settings' Audio devices card: the microphone and speaker ("" follows the OS default), and what
// is done about Flux's own voice coming back from the speakers. The lists follow devices plugged
// in or out (the core pushes them); a saved device that is not connected stays selectable.
import { commands } from "./bindings";
import type { AudioSettings, DeviceInfo, Devices } from "./bindings";
import { attempt, h } from "./dom";

/** `saved`: the settings as last saved, whose devices the lists select. */
export function audioDevices(saved: () => AudioSettings | undefined) {
  const inputSel = h("select", { id: "input-device" });
  const outputSel = h("select", { id: "output-device" });
  const devError = h("p", { class: "field-error", id: "devices-error", hidden: true });
  // What the microphone path does about Flux's own voice coming back from the speakers.
  const ECHO_MODES: [AudioSettings["echo"], string, string][] = [
    ["cancel", "Cancel the echo", "Talk over Flux on laptop speakers: its own voice is removed from the microphone."],
    ["half_duplex", "Mute the mic while Flux speaks", "For a noisy or very loud room; interrupt Flux with push-to-talk."],
    ["off", "Off (headphones)", "Nothing is removed; Flux tells you if it can hear itself."],
  ];
  const echoSel = h(
    "select",
    { id: "echo-mode", "aria-describedby": "echo-help" },
    ...ECHO_MODES.map(([v, label]) => h("option", { value: v }, label)),
  );
  const echoHelp = h(
    "ul",
    { class: "muted small", id: "echo-help" },
    ...ECHO_MODES.map(([v, label, why]) => h("li", { "data-mode": v }, h("strong", null, `${label}: `), why)),
  );
  const refreshDev = h("button", { type: "button", class: "btn btn-sm", id: "devices-refresh", onclick: () => void loadDevices() }, "Refresh");

  function fillSelect(sel: HTMLSelectElement, devices: DeviceInfo[], current: string) {
    const opts = [h("option", { value: "" }, "System default (follows the OS)")];
    for (const d of devices) {
      const extra = [d.is_default ? "current default" : "", d.sample_rate ? `${Math.round(d.sample_rate / 1000)} kHz` : "", d.channels ? `${d.channels} ch` : ""]
        .filter(Boolean)
        .join(", ");
      opts.push(h("option", { value: d.name }, extra ? `${d.name} (${extra})` : d.name));
    }
    if (current && !devices.some((d) => d.name === current)) {
      opts.push(h("option", { value: current }, `${current} (not connected)`));
    }
    sel.replaceChildren(...opts);
    sel.value = current;
  }

  async function loadDevices() {
    const d = await attempt(commands.listDevices(), "Could not list audio devices");
    if (d) showDevices(d);
  }

  function showDevices(d: Devices) {
    fillSelect(inputSel, d.inputs, saved()?.input_device ?? "");
    fillSelect(outputSel, d.outputs, saved()?.output_device ?? "");
    devError.textContent = d.error ?? "";
    devError.hidden = !d.error;
  }

  const card = h(
    "section",
    { class: "card", "aria-labelledby": "set-audio-h" },
    h("div", { class: "row between" }, h("h2", { id: "set-audio-h" }, "Audio devices"), refreshDev),
    h(
      "div",
      { class: "form-grid" },
      h("label", { class: "field grow" }, h("span", null, "Microphone"), inputSel),
      h("label", { class: "field grow" }, h("span", null, "Speaker"), outputSel),
      h("label", { class: "field span-all" }, h("span", null, "Echo (Flux hearing itself)"), echoSel),
    ),
    echoHelp,
    devError,
  );

  return {
    card,
    load: loadDevices,
    show: showDevices,
    set: (a: AudioSettings) => {
      echoSel.value = a.echo;
    },
    get: (): AudioSettings => ({ input_device: inputSel.value, output_device: outputSel.value, echo: echoSel.value as AudioSettings["echo"] }),
  };
}
