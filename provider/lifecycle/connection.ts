/**
 * Where a resource's steps get their client: the resource's own connection settings, then the
 * stack or provider config, then the environment, as every entry point resolves them. Shared by
 * each resource's lifecycle.
 */
import { clientFromSources, type UltravoxClient } from "../api/client";
import type { ConnectionOptions } from "../api/settings";
import type { Clock } from "../core/clock";

/** Where the connection settings come from, beside the resource's own inputs. */
export interface LifecycleContext {
    /** Stack or provider config: `ultravox:apiKey`, `ultravox:baseUrl`. */
    config?: (key: string) => string | undefined;
    /** The provider's settings are outputs not known yet (preview): nothing is read with them. */
    settingsUnknown?: boolean;
    /** The provider's own request deadline and retries, where a resource gives none. */
    timeoutMs?: number | undefined;
    maxRetries?: number | undefined;
    /** Default: this process's environment. */
    env?: NodeJS.ProcessEnv;
    /** Default: stderr, which the engine shows with the resource. Never given a credential. */
    warn?: (message: string) => void;
    /** What waits (`waitForActiveSeconds`) run on. Default: the real clock; a test's fake one steps through them. */
    clock?: Clock;
}

/** The engine's marker for a value not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** `allowedAgents.0.agentId` → `allowedAgents[0].agentId`, as the engine prints property paths. */
export function propertyPath(path: readonly PropertyKey[]): string {
    return path
        .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index ? "." : ""}${String(part)}`))
        .join("");
}

export function warnWith(context: LifecycleContext, message: string): void {
    if (context.warn) context.warn(message);
    else console.error(`warning: pulumi-ultravox: ${message}`);
}

export function clientFor(context: LifecycleContext, props: ConnectionOptions): UltravoxClient {
    return clientFromSources(
        {
            args: { apiKey: props.apiKey, baseUrl: props.baseUrl },
            config: context.config,
            env: context.env ?? process.env,
        },
        {
            timeoutMs: typeof props.timeoutMs === "number" ? props.timeoutMs : context.timeoutMs,
            maxRetries: typeof props.maxRetries === "number" ? props.maxRetries : context.maxRetries,
            onWarning: (message) => warnWith(context, message),
        },
    );
}

/**
 * Whether the connection settings (the resource's and the provider's) are known: at preview a
 * key or URL from another resource's output is not, and nothing may be read with the
 * placeholder.
 */
export function settingsKnown(context: LifecycleContext, props: ConnectionOptions): boolean {
    return (
        !context.settingsUnknown && !containsUnknown([props.apiKey, props.baseUrl, props.timeoutMs, props.maxRetries])
    );
}

/**
 * The explicit connection settings a state records, so that a refresh (which hands the provider
 * the old outputs only) reaches the same account. The key stays a secret output.
 */
export function explicitConnection(props: ConnectionOptions): ConnectionOptions {
    const connection: ConnectionOptions = {};
    if (props.apiKey) connection.apiKey = props.apiKey;
    if (props.baseUrl) connection.baseUrl = props.baseUrl;
    if (typeof props.timeoutMs === "number") connection.timeoutMs = props.timeoutMs;
    if (typeof props.maxRetries === "number") connection.maxRetries = props.maxRetries;
    return connection;
}

/**
 * The base URL a recorded state's account is reached at: an explicit one, else the one recorded
 * at the last write (stack config or environment may since point at another account).
 */
export function recordedConnection(props: ConnectionOptions & { accountBaseUrl?: string }): ConnectionOptions {
    return { ...props, baseUrl: props.baseUrl ?? props.accountBaseUrl };
}
