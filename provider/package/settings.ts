/**
 * The provider's configuration as the engine sends it to `Configure`: the explicit provider's
 * arguments, or for the default provider the stack config in the `ultravox` namespace.
 */
import { UltravoxError } from "../core/errors";
import { UNKNOWN } from "../lifecycle/connection";

/**
 * The engine's wire markers, as the Pulumi SDK defines them (runtime/rpc.js; a unit test holds
 * them equal): written here so that the plugin does not load the SDK's runtime to compare two strings.
 */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SPECIAL_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export { UNKNOWN as UNKNOWN_VALUE } from "../lifecycle/connection";

export interface ProviderSettings {
    apiKey?: string;
    baseUrl?: string;
    /** Each request's deadline and the retries of a failed read, as the TypeScript `timeoutMs`/`maxRetries`. */
    timeoutMs?: number;
    maxRetries?: number;
    /**
     * A setting is an output not known yet (at preview): nothing is read with these settings, as
     * the TypeScript data source reads nothing then, and the engine's placeholder for the unknown
     * value is never sent as a key.
     */
    unknown: boolean;
}

const SETTINGS = ["apiKey", "baseUrl"] as const;
const NUMBER_SETTINGS = ["timeoutMs", "maxRetries"] as const;

/**
 * `args` is the Configure request's struct as JavaScript, secrets still wrapped. A setting that is
 * given but not a string is refused, never replaced by the environment's (another account's) key.
 */
export function settingsFrom(args: Record<string, unknown>, variables: ReadonlyMap<string, string>): ProviderSettings {
    const settings: ProviderSettings = { unknown: false };
    /** The explicit provider's argument, else the stack config; undefined when absent or not known yet. */
    const given = (name: string): unknown => {
        const argument = Object.hasOwn(args, name) ? unwrapSecret(args[name]) : undefined;
        const value = argument ?? variables.get(`ultravox:config:${name}`);
        if (value === UNKNOWN) settings.unknown = true;
        return value === UNKNOWN || value === null ? undefined : value;
    };
    for (const name of SETTINGS) {
        const value = given(name);
        if (value === undefined) continue;
        if (typeof value !== "string") {
            throw new UltravoxError(
                "config",
                `The ultravox provider's ${name} must be a string, got ${Array.isArray(value) ? "a list" : `a value of type ${typeof value}`}; set it with \`pulumi config set${name === "apiKey" ? " --secret" : ""} ultravox:${name} <value>\` or the explicit provider's ${name} argument.`,
            );
        }
        settings[name] = value;
    }
    for (const name of NUMBER_SETTINGS) {
        const value = given(name);
        if (value === undefined) continue;
        // Stack config holds text ("3000"); an explicit provider's argument is a number.
        const number = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value;
        if (typeof number !== "number" || !Number.isInteger(number) || number < (name === "timeoutMs" ? 1 : 0)) {
            throw new UltravoxError(
                "config",
                `The ultravox provider's ${name} must be a whole number${name === "timeoutMs" ? " of milliseconds, at least 1" : ", at least 0"}; set it with \`pulumi config set ultravox:${name} <number>\` or the explicit provider's ${name} argument.`,
            );
        }
        settings[name] = number;
    }
    return settings;
}

/**
 * The engine puts the plugin version the program's SDK asks for in the provider's inputs
 * (`version`). A plugin that answers to another version was installed under the wrong name (a
 * mislabelled tarball, `pulumi plugin install --file` of another build): refused, naming both,
 * before it reads or writes anything with a schema the SDK was not generated from.
 */
export function checkPluginVersion(args: Record<string, unknown>, pluginVersion: string): void {
    const asked = unwrapSecret(args.version);
    if (typeof asked !== "string" || asked === UNKNOWN || asked === "" || asked === pluginVersion) return;
    throw new UltravoxError(
        "config",
        `The program's ultravox SDK asks for plugin version ${JSON.stringify(asked).slice(0, 80)}, but this plugin (pulumi-resource-ultravox) is version ${pluginVersion}: it was installed under the wrong version. Remove it (\`pulumi plugin rm resource ultravox ${/^[0-9A-Za-z.+-]{1,64}$/.test(asked) ? asked : "<version>"}\`) and run again so that the engine downloads the plugin that matches the SDK, or install the SDK of version ${pluginVersion}.`,
    );
}

/** A value the engine sent as a secret arrives as `{ <sig>: <secret sig>, value }`. */
export function unwrapSecret(value: unknown): unknown {
    if (isSecretEnvelope(value)) return value.value;
    return value;
}

/** `{ <sig>: <secret sig>, value }`: how the engine sends a secret. */
export function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SPECIAL_SECRET_SIG
    );
}

/** Marks a property secret in a response: the engine keeps it encrypted in the state and outputs. */
export function secretEnvelope(value: unknown): Record<string, unknown> {
    return { [SPECIAL_SIG_KEY]: SPECIAL_SECRET_SIG, value };
}
