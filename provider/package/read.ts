/**
 * The read behind `SipConfig.get` and `getSipConfig` in every language: the TypeScript package's
 * own `getSipConfig` (client, settings, schema, normalization, errors), plus how to dial each
 * agent (`agentDialTargets`), which programs in YAML cannot compute themselves.
 */
import { type AgentDialTarget, agentDialTargets, getSipConfig } from "../index";
import type { ProviderSettings } from "./settings";

export type SipConfigProperties = Awaited<ReturnType<typeof getSipConfig>> & { agentDialTargets: AgentDialTarget[] };

/**
 * Settings as for `SipConfig.get`: the provider's arguments (for the default provider, the engine
 * fills them from stack config `ultravox:apiKey` / `ultravox:baseUrl`), then the environment.
 */
export async function readSipConfig(settings: ProviderSettings): Promise<SipConfigProperties> {
    const config = await getSipConfig({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
    return { ...config, agentDialTargets: agentDialTargets(config) };
}
