/**
 * What every resource of the plugin does the same on the engine's wire: secret envelopes taken
 * off on the way in and put back on the way out, the lifecycle's connection from the provider's
 * settings, and an input the resource does not have refused by name.
 */
import type { LifecycleContext } from "../lifecycle/connection";
import { warnEngine } from "./engineLog";
import { isSecretEnvelope, type ProviderSettings, secretEnvelope } from "./settings";

/** A Struct as JavaScript, secrets still wrapped. */
export type WireProperties = Record<string, unknown>;

/** Every secret envelope taken off, however deep (a program may make one list member secret). */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretEnvelope(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, unwrapSecrets(member)]));
    }
    return value;
}

/** A state as the engine stores it: the named members wrapped as secrets, no undefined member. */
export function wrapSecrets(state: WireProperties, secretNames: readonly string[]): WireProperties {
    const wire: WireProperties = { ...state };
    for (const name of secretNames) {
        if (wire[name] !== undefined) wire[name] = secretEnvelope(wire[name]);
    }
    return JSON.parse(JSON.stringify(wire)) as WireProperties;
}

/** The lifecycle's connection: the provider's settings hold what stack config or the explicit provider gave. */
export function lifecycleContext(settings: ProviderSettings): LifecycleContext {
    return {
        config: (key) =>
            key === "ultravox:apiKey" ? settings.apiKey : key === "ultravox:baseUrl" ? settings.baseUrl : undefined,
        settingsUnknown: settings.unknown,
        timeoutMs: settings.timeoutMs,
        maxRetries: settings.maxRetries,
        warn: warnEngine,
    };
}

/** A check failure for each input the resource does not have (a typo in YAML), named, never quoted whole. */
export function unknownInputs(
    news: WireProperties,
    inputNames: readonly string[],
    resource: string,
): { property: string; reason: string }[] {
    return Object.keys(news)
        .filter((name) => !inputNames.includes(name))
        .map((name) => ({
            property: name.slice(0, 80),
            reason: `Not an input of ${resource}; its inputs are ${inputNames.join(", ")} (the account and key come from the provider).`,
        }));
}
