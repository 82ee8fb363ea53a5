// Test-only: the mock shell's API keys, one per provider; saving or removing one re-resolves the
// provider (mock-provider.ts) and pushes the new status.
import type { AppStatus } from "../bindings";

function unknown(name: unknown): never {
  throw `unknown variant \`${String(name)}\`, expected \`deepgram\` or \`openai\``;
}

export function mockKeys(status: AppStatus, resolve: () => boolean, pushStatus: () => Promise<void>) {
  function reply() {
    resolve();
    void pushStatus();
    return { ...status };
  }
  const handlers: Record<string, (a: Record<string, any>) => AppStatus> = {
    set_api_key: (a) => {
      const key = String(a.key).trim();
      if (a.name === "openai") {
        if (!key.startsWith("sk-") || key.length < 20) throw "That does not look like an OpenAI API key (it starts with sk-, at least 20 characters).";
        Object.assign(status, { has_openai_key: true, openai_key_hint: `…${key.slice(-4)}` });
      } else if (a.name === "deepgram") {
        if (key.length < 16) throw "That does not look like a Deepgram API key (too short).";
        Object.assign(status, { has_key: true, key_hint: `…${key.slice(-4)}` });
      } else unknown(a.name);
      return reply();
    },
    clear_api_key: (a) => {
      if (a.name === "openai") Object.assign(status, { has_openai_key: false, openai_key_hint: null });
      else if (a.name === "deepgram") Object.assign(status, { has_key: false, key_hint: null });
      else unknown(a.name);
      return reply();
    },
  };
  return { handlers };
}
