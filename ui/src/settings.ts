// Settings screen: Deepgram key, devices (settings-devices.ts), speech provider
// (settings-provider.ts) and OpenAI key, voice and models, how long history is kept
// (settings-retention.ts), reminders (settings-reminders.ts), starting at login
// (settings-startup.ts), sync to a hosted plane
// (settings-sync.ts), persona, name, timezone and the safety notice's region (settings-safety.ts).
import { commands } from "./bindings";
import type { Settings } from "./bindings";
import { attempt, clear, confirmDialog, errText, h } from "./dom";
import { keyForm, keyStatus } from "./keys";
import { audioDevices } from "./settings-devices";
import { providerChoice } from "./settings-provider";
import { reminderSettings } from "./settings-reminders";
import { confirmRetention, retentionChoice } from "./settings-retention";
import { startupChoice } from "./settings-startup";
import { safetyRegion } from "./settings-safety";
import { mountSyncSettings } from "./settings-sync";
import { devices, status } from "./store";

export function mountSettings(root: HTMLElement) {
  let settings: Settings | null = null;

  // ---- keys ----
  const deepgramKey = keyStatus("deepgram", "key", "Add one for open conversation through Deepgram's Voice Agent.");
  const keySection = h(
    "section",
    { class: "card", "aria-labelledby": "set-key-h" },
    h("h2", { id: "set-key-h" }, "Deepgram"),
    deepgramKey.line,
    keyForm("settings"),
    h(
      "p",
      { class: "muted small", id: "settings-key-help" },
      "Stored in your system keychain, never in a file. Get a key at console.deepgram.com.",
    ),
    h("div", { class: "row" }, deepgramKey.remove),
  );
  const openaiKey = keyStatus("openai", "openai-key", "Add one to talk through OpenAI Realtime.");

  // ---- general form ----
  const audio = audioDevices(() => settings?.audio);
  const provider = providerChoice();
  const retention = retentionChoice();
  const startup = startupChoice();
  const remind = reminderSettings();
  const region = safetyRegion();
  const f = {
    name: h("input", { type: "text", id: "user-name", autocomplete: "name" }),
    tz: h("input", { type: "text", id: "user-timezone", list: "tz-list", autocomplete: "off", spellcheck: "false" }),
    voice: h("input", { type: "text", id: "voice-model", spellcheck: "false" }),
    listen: h("input", { type: "text", id: "listen-model", spellcheck: "false" }),
    llmProvider: h("input", { type: "text", id: "llm-provider", spellcheck: "false" }),
    llm: h("input", { type: "text", id: "llm-model", spellcheck: "false" }),
    greeting: h("input", { type: "text", id: "greeting" }),
    openaiModel: h("input", { type: "text", id: "openai-model", spellcheck: "false" }),
    openaiVoice: h("input", { type: "text", id: "openai-voice", spellcheck: "false", list: "openai-voices" }),
  };
  const openaiVoices = h(
    "datalist",
    { id: "openai-voices" },
    ...["marin", "cedar", "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse"].map((v) => h("option", { value: v })),
  );
  const tzList = h("datalist", { id: "tz-list" });
  try {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
    tzList.append(...zones.map((z) => h("option", { value: z })));
  } catch {
    /* older engines: free text only */
  }
  const formErr = h("p", { class: "field-error", id: "settings-error", role: "alert", hidden: true });
  const saved = h("span", { class: "muted small", id: "settings-saved", role: "status" });
  const form = h(
    "form",
    { class: "stack", id: "settings-form" },
    h(
      "section",
      { class: "card", "aria-labelledby": "set-you-h" },
      h("h2", { id: "set-you-h" }, "You"),
      h(
        "div",
        { class: "form-grid" },
        h("label", { class: "field grow" }, h("span", null, "Your name"), f.name),
        h("label", { class: "field grow" }, h("span", null, "Timezone"), f.tz, tzList),
        region.field,
      ),
    ),
    audio.card,
    h(
      "section",
      { class: "card", "aria-labelledby": "set-provider-h" },
      h("h2", { id: "set-provider-h" }, "Speech provider"),
      h(
        "div",
        { class: "form-grid" },
        provider.field,
        h("label", { class: "field" }, h("span", null, "OpenAI model"), f.openaiModel),
        h("label", { class: "field" }, h("span", null, "OpenAI voice"), f.openaiVoice, openaiVoices),
      ),
      h(
        "p",
        { class: "muted small", id: "settings-openai-key-help" },
        "The OpenAI key is stored in your system keychain (else OPENAI_API_KEY is used) and only mints short-lived secrets. Get one at platform.openai.com.",
      ),
      openaiKey.line,
      keyForm("settings-openai", "openai", { nested: true }),
      h("div", { class: "row" }, openaiKey.remove),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "set-voice-h" },
      h("h2", { id: "set-voice-h" }, "Voice and models (Deepgram)"),
      h(
        "div",
        { class: "form-grid" },
        h("label", { class: "field" }, h("span", null, "Voice (TTS model)"), f.voice),
        h("label", { class: "field" }, h("span", null, "Listen (STT model)"), f.listen),
        h("label", { class: "field" }, h("span", null, "LLM provider"), f.llmProvider),
        h("label", { class: "field" }, h("span", null, "LLM model"), f.llm),
        h("label", { class: "field span-all" }, h("span", null, "Greeting"), f.greeting),
      ),
    ),
    retention.card,
    startup.card,
    remind.card,
    h("div", { class: "row end sticky-save" }, saved, formErr, h("button", { type: "submit", class: "btn btn-primary", id: "settings-save" }, "Save settings")),
  );

  function fillForm(s: Settings) {
    f.name.value = s.user.display_name;
    f.tz.value = s.user.timezone;
    f.voice.value = s.agent.voice_model;
    f.listen.value = s.agent.listen_model;
    f.llmProvider.value = s.agent.llm_provider;
    f.llm.value = s.agent.llm_model;
    f.greeting.value = s.agent.greeting;
    provider.set(s.agent.provider);
    f.openaiModel.value = s.openai.model;
    f.openaiVoice.value = s.openai.voice;
    audio.set(s.audio);
    retention.set(s.retention);
    startup.set(s.startup);
    remind.set(s.reminders);
    region.set(s.safety.region);
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formErr.hidden = true;
    saved.textContent = "";
    if (!settings) return;
    const next: Settings = structuredClone(settings);
    next.user.display_name = f.name.value.trim();
    next.user.timezone = f.tz.value.trim();
    next.agent.voice_model = f.voice.value.trim();
    next.agent.listen_model = f.listen.value.trim();
    next.agent.llm_provider = f.llmProvider.value.trim();
    next.agent.llm_model = f.llm.value.trim();
    next.agent.greeting = f.greeting.value;
    next.agent.provider = provider.select.value as Settings["agent"]["provider"];
    next.openai.model = f.openaiModel.value.trim();
    next.openai.voice = f.openaiVoice.value.trim();
    next.audio = audio.get();
    const reminders = remind.get();
    if (typeof reminders === "string") return void Object.assign(formErr, { textContent: reminders, hidden: false });
    next.reminders = reminders;
    next.retention = retention.get();
    if (!(await confirmRetention(settings.retention, next.retention))) return;
    next.safety.region = region.select.value;
    next.startup = startup.get();
    try {
      settings = await commands.saveSettings(next);
      fillForm(settings);
      saved.textContent = "Saved";
    } catch (ex) {
      formErr.textContent = errText(ex);
      formErr.hidden = false;
    }
  });

  // ---- sync (its own form; what it saves is kept here so "Save settings" does not undo it) ----
  const syncCard = mountSyncSettings((sync) => {
    if (settings) settings.sync = sync;
  });

  // ---- persona ----
  const prompt = h("textarea", { id: "persona", rows: "12", spellcheck: "true", "aria-describedby": "persona-help" });
  const promptMsg = h("span", { class: "muted small", id: "persona-saved", role: "status" });
  const personaSection = h(
    "section",
    { class: "card", "aria-labelledby": "set-persona-h" },
    h("h2", { id: "set-persona-h" }, "Persona"),
    h("p", { class: "muted small", id: "persona-help" }, "How Flux behaves and talks. Applies to the next conversation."),
    prompt,
    h(
      "div",
      { class: "row end" },
      promptMsg,
      h(
        "button",
        {
          type: "button",
          class: "btn",
          id: "persona-reset",
          onclick: async () => {
            if (!(await confirmDialog("Reset the persona?", "Your edits are replaced by the default persona.", "Reset"))) return;
            const ok = await attempt(commands.savePrompt("").then(() => true), "Could not reset the persona");
            if (!ok) return;
            const p = await attempt(commands.getPrompt(), "Could not load the persona");
            if (p !== undefined) prompt.value = p;
            promptMsg.textContent = "Reset to the default";
          },
        },
        "Reset to default",
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary",
          id: "persona-save",
          onclick: async () => {
            const ok = await attempt(commands.savePrompt(prompt.value).then(() => true), "Could not save the persona");
            if (ok) promptMsg.textContent = "Saved";
          },
        },
        "Save persona",
      ),
    ),
  );

  // A device plugged in or out shows in the lists at once (the core pushes the new lists).
  devices.subscribe((d) => {
    if (d) audio.show(d);
  });

  const about = h("p", { class: "muted small", id: "about" });
  status.subscribe((st) => {
    if (st) about.textContent = `Flux Companion ${st.version} · data in ${st.data_dir}`;
  });

  clear(root, h("header", { class: "screen-head" }, h("h1", null, "Settings")), h("div", { class: "stack" }, keySection, form, syncCard.el, personaSection, about));

  async function load() {
    const s = await attempt(commands.getSettings(), "Could not load settings");
    if (s) {
      settings = s;
      fillForm(s);
      syncCard.fill(s.sync, s.user.id);
    }
    await audio.load();
    const p = await attempt(commands.getPrompt(), "Could not load the persona");
    if (p !== undefined && document.activeElement !== prompt) prompt.value = p;
  }

  return { onShow: () => void load() };
}
