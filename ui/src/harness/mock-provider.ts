// Test-only: the provider the mock core resolves `agent.provider` to, and `can_talk`, exactly as
// the core does: auto is Deepgram with its key, else OpenAI with its key, else this computer;
// this computer can talk once its models are installed, which tests switch on and off.
import type { AppStatus, Settings } from "../bindings";

type Choice = Settings["agent"]["provider"];

/** What the core says when the models are missing: where it looked and how to install them. */
export const MODELS_MISSING =
  "The models for talking on this computer are not installed (looked in /home/user/.local/share/flux-companion/models). Install them with: scripts/install-models";

/** The status fields for the local models, installed or not. */
export function localFields(ready: boolean, error = MODELS_MISSING): Pick<AppStatus, "local_ready" | "local_error"> {
  return { local_ready: ready, local_error: ready ? null : error };
}

export function mockProvider(status: AppStatus, choice: () => Choice, pushStatus: () => Promise<void>) {
  /** Recomputes `provider` and `can_talk` from the choice, the keys and the models; true when either changed. */
  function update(): boolean {
    const c = choice();
    const provider = c === "auto" ? (status.has_key ? "deepgram" : status.has_openai_key ? "openai" : "local") : c;
    const canTalk = provider === "local" ? status.local_ready : provider === "deepgram" ? status.has_key : status.has_openai_key;
    const changed = provider !== status.provider || canTalk !== status.can_talk;
    Object.assign(status, { provider, can_talk: canTalk });
    return changed;
  }
  update();

  /** Why `start_talk` refuses, as the core words it per provider. */
  function cannotTalk(): string {
    if (status.provider === "local") return status.local_error ?? "The models for talking on this computer are not installed.";
    if (status.provider === "openai") return "Add your OpenAI API key in Settings first.";
    return "Add your Deepgram API key in Settings first.";
  }

  return {
    update,
    cannotTalk,
    /** Installs (true) or removes (false) the local models, optionally with the core's reason; pushes the new status. */
    setLocalReady(ready: boolean, error?: string) {
      Object.assign(status, localFields(ready, error));
      update();
      return pushStatus();
    },
  };
}
