/**
 * The provider's configuration as the engine sends it to `Configure`: the explicit provider's
 * arguments, or for the default provider the stack config in the `ultravox` namespace.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ProviderSettings {
    apiKey?: string;
    baseUrl?: string;
}

/** `args` is the Configure request's struct as JavaScript, secrets still wrapped. */
export function settingsFrom(args: Record<string, unknown>, variables: ReadonlyMap<string, string>): ProviderSettings {
    const pick = (name: keyof ProviderSettings): string | undefined => {
        const value = unwrapSecret(args[name]) ?? variables.get(`ultravox:config:${name}`);
        return typeof value === "string" ? value : undefined;
    };
    return { apiKey: pick("apiKey"), baseUrl: pick("baseUrl") };
}

/** A value the engine sent as a secret arrives as `{ <sig>: <secret sig>, value }`. */
export function unwrapSecret(value: unknown): unknown {
    if (isSecretEnvelope(value)) return value.value;
    return value;
}

/** `unwrapSecret` all the way down: an invoke's arguments may hold secrets anywhere. */
export function unwrapSecrets(value: unknown): unknown {
    const unwrapped = unwrapSecret(value);
    if (Array.isArray(unwrapped)) return unwrapped.map(unwrapSecrets);
    if (typeof unwrapped === "object" && unwrapped !== null) {
        return Object.fromEntries(Object.entries(unwrapped).map(([key, member]) => [key, unwrapSecrets(member)]));
    }
    return unwrapped;
}

/** `{ <sig>: <secret sig>, value }`: how the engine sends a secret. */
export function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
    );
}

/** Marks a property secret in a response: the engine keeps it encrypted in the state and outputs. */
export function secretEnvelope(value: unknown): Record<string, unknown> {
    return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}
