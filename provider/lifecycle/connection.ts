/**
 * Where a resource's steps get their client: the resource's own connection settings, then the
 * stack or provider config, then the environment, as every entry point resolves them. Shared by
 * each resource's lifecycle.
 */
import { clientFromSources, type UltravoxClient } from "../api/client";
import { type ConnectionOptions, validateBaseUrl } from "../api/settings";
import type { Clock } from "../core/clock";
import { UltravoxError } from "../core/errors";

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

/** The same base URL however it is spelled (a trailing slash, the host's case, a default port); absent equals absent. */
export function sameBaseUrl(a: string | undefined, b: string | undefined): boolean {
    const normal = (url: string | undefined) => {
        if (url === undefined || url.trim() === "") return "";
        try {
            return validateBaseUrl(url);
        } catch {
            return url;
        }
    };
    return normal(a) === normal(b);
}

/**
 * Which account a resource belongs to, as its state records it, in a form that is not a
 * credential: the base URL it was reached through, and the account's SIP domain.
 */
export interface AccountRecord {
    accountBaseUrl?: string;
    accountDomain?: string;
    /** A fingerprint (a hash, stored as a secret) of the key that reached it; absent in states of 0.1.0. */
    keyFingerprint?: string;
}

/** What a state records of the account `client` reached, whose SIP domain is `domain`. */
export function accountRecordOf(client: UltravoxClient, domain: string | undefined): AccountRecord {
    return {
        accountBaseUrl: client.baseUrl,
        ...(domain === undefined ? {} : { accountDomain: domain }),
        keyFingerprint: client.keyFingerprint(),
    };
}

/** How a message names the resource, and how a user lets it go when its account cannot be reached. */
export interface RecordedSubject {
    /** `The SIP registration <id>`, `This stack's SipConfig`. */
    subject: string;
    /** What removes it from its account and from the state by hand. */
    letGo: string;
}

/** The client that reaches a state's account, and that account's SIP domain when it was read. */
export interface ReachedAccount {
    client: UltravoxClient;
    domain?: string;
    /** Whether the domain read is the one the state records (a state of 0.1.0 may record none). */
    verified: boolean;
}

const GIVE_BACK = "give back that account's key and base URL (ultravox:apiKey, ultravox:baseUrl or ULTRAVOX_*)";

/**
 * A client that reaches the account a state records, or a `conflict` that says why none can, with
 * nothing sent. A key goes only to the base URL it was set up with: the state's own key (an
 * explicit input) with the base URL it was used with; the configured key only to the configured
 * base URL, and so only when that is the recorded one. Where the state records the account's
 * domain (`checkDomain`), the key must reach that account: the same base URL with another account's
 * key is another account, and what it answers (a 404 above all) says nothing of this resource.
 */
export async function recordedAccountClient(
    context: LifecycleContext,
    props: ConnectionOptions & AccountRecord,
    what: RecordedSubject,
    options: { checkDomain: boolean },
): Promise<ReachedAccount> {
    const tuning = { timeoutMs: props.timeoutMs, maxRetries: props.maxRetries };
    let client: UltravoxClient;
    if (props.apiKey) {
        client = clientFor(context, {
            ...tuning,
            apiKey: props.apiKey,
            baseUrl: props.baseUrl ?? props.accountBaseUrl,
        });
    } else {
        client = clientFor(context, { ...tuning, baseUrl: props.baseUrl });
        if (props.accountBaseUrl !== undefined && !sameBaseUrl(client.baseUrl, props.accountBaseUrl)) {
            // The key that reached it may go back there (the base URL alone moved); another key may not.
            if (props.keyFingerprint === undefined || props.keyFingerprint !== client.keyFingerprint()) {
                const account =
                    props.accountDomain === undefined
                        ? "the account it was written to"
                        : `the account with domain ${JSON.stringify(props.accountDomain)}`;
                const why =
                    props.keyFingerprint === undefined
                        ? "and its state, written by an earlier version, does not record which key reached it"
                        : "with another key than the one now configured";
                throw new UltravoxError(
                    "conflict",
                    `${what.subject} belongs to ${account}, reached through another base URL than the one now configured (neither is quoted: a key pasted into one would show), ${why}. The configured key was not sent there, and nothing was changed. To act on it, ${GIVE_BACK}; to let it go, ${what.letGo}.`,
                );
            }
            client = clientFor(context, { ...tuning, baseUrl: props.accountBaseUrl });
        }
    }
    if (!options.checkDomain) return { client, verified: false };
    const domain = await client.getAccountDomain();
    if (props.accountDomain !== undefined && domain !== props.accountDomain) {
        throw new UltravoxError(
            "conflict",
            `${what.subject} belongs to the account with domain ${JSON.stringify(props.accountDomain)}, but the configured key reaches the account with domain ${JSON.stringify(domain)}; nothing was changed in either. To act on it, ${GIVE_BACK}; to let it go, ${what.letGo}.`,
        );
    }
    return { client, domain, verified: props.accountDomain !== undefined };
}
