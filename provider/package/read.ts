/**
 * The read behind `SipConfig.get` and `getSipConfig` in every language: the TypeScript package's
 * own `getSipConfig` (client, settings, schema, normalization, errors), plus the agents' SIP URIs,
 * which programs in YAML cannot compute themselves.
 */
import { agentSipUri, getSipConfig } from "../index";
import type { ProviderSettings } from "./settings";

export type SipConfigProperties = Awaited<ReturnType<typeof getSipConfig>> & { agentSipUris: string[] };

/**
 * Settings as for `SipConfig.get`: the provider's arguments (for the default provider, the engine
 * fills them from stack config `ultravox:apiKey` / `ultravox:baseUrl`), then the environment.
 */
export async function readSipConfig(settings: ProviderSettings): Promise<SipConfigProperties> {
    const config = await getSipConfig({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
    return { ...config, agentSipUris: config.allowedAgents.map((agent) => agentSipUri(agent.agentId, config.domain)) };
}
