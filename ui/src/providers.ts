// The voice providers as the UI names and explains them, and how `agent.provider` resolves
// (the same rule as the core, for a choice not saved yet).
import type { AppStatus, ProviderChoice } from "./bindings";

export type Provider = "local" | "deepgram" | "openai" | "hosted";

export const PROVIDER_NAME: Record<Provider, string> = {
  local: "On this computer",
  deepgram: "Deepgram",
  openai: "OpenAI",
  // Deepgram's agent with the token and config of the hosted plane the app syncs to.
  hosted: "Your team's Flux (hosted)",
};

/** What the local provider can do, and where to go for more; shown wherever it is the one in use. */
export const LOCAL_SCOPE =
  "On this computer, Flux understands tasks and goals (add, move, list, mark done, record goals). For open conversation, choose Deepgram.";

/** The provider's display name, or null for a value this UI does not know (an older or newer core). */
export function providerName(p: string | null | undefined): string | null {
  return p && p in PROVIDER_NAME ? PROVIDER_NAME[p as Provider] : null;
}

/** What `choice` would run on given the keys in `st`: auto is Deepgram, else OpenAI, else this computer. */
export function resolveChoice(choice: ProviderChoice, st: AppStatus): Provider {
  if (choice !== "auto") return choice;
  return st.has_key ? "deepgram" : st.has_openai_key ? "openai" : "local";
}
