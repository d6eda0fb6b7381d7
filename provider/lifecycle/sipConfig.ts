/**
 * What a SipConfig resource does at each of the engine's steps (check, diff, create, read,
 * import, update, delete) and what it records in the state: written once, called by both doors,
 * the TypeScript dynamic provider (pulumi/providerImpl.ts) and the cross-language plugin
 * (package/server.ts). Each door only translates its wire format (secrets, unknowns, errors).
 */
import type { UltravoxClient } from "../api/client";
import { loadSchema } from "../api/loadSchema";
import type { ConnectionOptions } from "../api/settings";
import { hostBitsProblem } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import type { SipConfigData, SipConfigPatch } from "../core/types";
import {
    clientFor,
    containsUnknown,
    explicitConnection,
    type LifecycleContext,
    propertyPath,
    recordedAccountClient,
    sameBaseUrl,
    settingsKnown,
    UNKNOWN,
    warnWith,
} from "./connection";
import {
    desiredPatch,
    differingFields,
    liveValues,
    MANAGED_FIELDS,
    type ManagedField,
    type ManagedInputs,
    managedFieldsOf,
    pick,
} from "./managed";
import { type GetSipConfigResult, SIP_CONFIG_ID, toOutputs } from "./outputs";

/** The managed form's inputs. Connection settings not yet known at preview are dropped by the engine. */
export interface ManagedProps extends ConnectionOptions, ManagedInputs {
    /** Default true: delete sets the managed fields back to the values recorded at create. */
    restoreOnDelete?: boolean;
}

/**
 * What the provider records in the state for a SipConfig (its own name: not the public
 * `SipConfigState`): the outputs, the connection settings, and for the managed form what the
 * stack owns, what it wrote and which account it wrote to.
 */
export type RecordedState = GetSipConfigResult &
    ConnectionOptions & {
        /** Managed form only: the fields this stack owns, and their values before it took them over. */
        managedFields?: ManagedField[];
        priorValues?: SipConfigPatch;
        /** Managed form only: what the stack last wrote; delete restores a field only while it still holds this. */
        writtenValues?: SipConfigPatch;
        /** Managed form only: a write that failed and may or may not have landed; delete takes either value as the stack's. */
        attemptedValues?: SipConfigPatch;
        restoreOnDelete?: boolean;
        /** Managed form only: the account written, as the resolved base URL and the account's domain (never the key). */
        accountBaseUrl?: string;
        accountDomain?: string;
        /** Managed form only: a fingerprint of the key that wrote (a hash, secret); never the key. */
        keyFingerprint?: string;
    };

/** The properties of the state that hold secrets, besides the key: each door stores them encrypted. */
export { SECRET_STATE_NAMES } from "./outputs";

export interface CheckFailure {
    /** As the engine prints property paths: `allowedAgents[0].agentId`. */
    property: string;
    reason: string;
}

export interface CheckResult {
    inputs: ManagedProps;
    failures: CheckFailure[];
}

export interface DiffResult {
    changes: boolean;
    replaces?: string[];
    deleteBeforeReplace?: boolean;
}

/**
 * A failure after a PATCH may have reached the server: the error carries what the engine must
 * record (`id`, `properties`, `reasons`), the shape the Pulumi SDK's dynamic-provider server reads.
 */
export interface RecordedFailure<State = RecordedState> {
    id: string;
    properties: State;
    reasons: string[];
}

/** A range written with host bits is refused in what a stack writes, as the CLI refuses it. */
function hostBitFailures(ranges: unknown): CheckFailure[] {
    if (!Array.isArray(ranges)) return [];
    return ranges.flatMap((range, index) => {
        const reason = typeof range === "string" ? hostBitsProblem(range) : undefined;
        return reason ? [{ property: `allowedCidrRanges[${index}]`, reason }] : [];
    });
}

/** The identity the state records: refresh, update and delete act only on an account with this domain. */
interface AccountIdentity {
    accountBaseUrl: string;
    accountDomain: string;
    keyFingerprint: string;
}

/**
 * Outputs: the live config, plus the explicit connection settings so that a refresh (which
 * hands the provider the old outputs only) reaches the same account. The key is a secret output.
 */
function stateOf(data: SipConfigData, props: ConnectionOptions): RecordedState {
    return { ...toOutputs(data), ...explicitConnection(props) };
}

function managedState(
    data: SipConfigData,
    props: ManagedProps,
    fields: ManagedField[],
    prior: SipConfigPatch,
    written: SipConfigPatch,
    account: AccountIdentity,
    attempted?: SipConfigPatch,
): RecordedState {
    return {
        ...stateOf(data, props),
        managedFields: fields,
        priorValues: prior,
        writtenValues: written,
        ...(attempted ? { attemptedValues: attempted } : {}),
        restoreOnDelete: props.restoreOnDelete !== false,
        ...account,
    };
}

/**
 * Refuses to act on another account than the one the state records: its values would be
 * written (or restored) into the wrong account.
 */
function checkSameAccount(props: RecordedState, live: SipConfigData, action: string): void {
    if (props.accountDomain === undefined || props.accountDomain === live.domain) return;
    throw new UltravoxError(
        "conflict",
        `This stack's SipConfig was written to the account with domain ${JSON.stringify(props.accountDomain)}, but the key and base URL now reach the account with domain ${JSON.stringify(live.domain)}; ${action} refused, so that nothing is written to the wrong account. Give back the first account's key and base URL (ultravox:apiKey, ultravox:baseUrl or ULTRAVOX_*), or, to let the first account go without restoring it, remove the resource from the state (\`pulumi state delete <urn>\`).`,
    );
}

/**
 * A write must land in the account it was read from. When the same key and URL reach another
 * account between the read and the PATCH (a key re-issued to another account, a base URL now
 * pointing elsewhere), nothing of that account is recorded as this stack's.
 */
function checkWriteLandedIn(expectedDomain: string, domain: string, who: string): void {
    if (domain === expectedDomain) return;
    throw new UltravoxError(
        "conflict",
        `The account read before the write has domain ${JSON.stringify(expectedDomain)}, but the account that ${who} has domain ${JSON.stringify(domain)}: the key or base URL now reaches another account, and the PATCH may have changed that account. Nothing of it was recorded as this stack's: check that account's SIP config, and the key and base URL (ultravox:apiKey, ultravox:baseUrl or ULTRAVOX_*), then run \`pulumi refresh\` and \`pulumi up\`.`,
    );
}

/** Whether a PATCH has left this process: from then on, whatever the failure, the state must be recorded. */
interface WriteAttempt {
    patchSent: boolean;
}

/** Writes a patch, then reads back: the account must hold exactly what was written. */
async function writeAndVerify(
    client: UltravoxClient,
    patch: SipConfigPatch,
    fields: ManagedField[],
    before: SipConfigData,
    attempt: WriteAttempt = { patchSent: false },
): Promise<SipConfigData> {
    if (fields.length === 0) return before;
    attempt.patchSent = true;
    const answered = await client.patchSipConfig(patch);
    // First of all: the key may have started reaching another account since `before` was read.
    checkWriteLandedIn(before.domain, answered.domain, "answered the PATCH");
    const untouched = MANAGED_FIELDS.filter((field) => !fields.includes(field));
    const changedUnderUs = differingFields(liveValues(before, untouched), answered, untouched);
    const notWritten = differingFields(patch, answered, fields);
    if (notWritten.length > 0) {
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API answered the PATCH with a config that does not hold what was written (${notWritten.join(", ")}). Run \`pulumi refresh\`, then \`pulumi up\` again.`,
        );
    }
    const readBack = await client.getSipConfig({ fresh: true });
    checkWriteLandedIn(before.domain, readBack.domain, "answered the read-back");
    const lost = differingFields(patch, readBack, fields);
    if (changedUnderUs.length > 0 || lost.length > 0) {
        const what = [...new Set([...changedUnderUs, ...lost])].join(", ");
        throw new UltravoxError(
            "conflict",
            `Another writer changed the account's SIP config (${what}) while this stack was writing it. The account has one SIP config and one stack should own it; check who else edits it, then run \`pulumi refresh\` and \`pulumi up\`.`,
        );
    }
    return readBack;
}

/**
 * A failure once a PATCH may have reached the server (a late answer, a reset, a failed read-back,
 * a mismatch, a conflict), whatever its code: the engine records the resource with the values
 * read before the write, so that refresh, the next update and delete still know what to restore.
 * A failure before any PATCH left records nothing: the account was not touched.
 */
function afterWriteFailure(error: unknown, attempt: WriteAttempt, id: string, state: RecordedState): unknown {
    if (error instanceof Error && attempt.patchSent) {
        const recorded: RecordedFailure = {
            id,
            properties: state,
            // The engine prints only the reasons of a recorded failure: keep the code in them.
            reasons: [
                `${String(error)} The stack recorded the account's values from before this write, so \`pulumi refresh\`, \`pulumi up\` and \`pulumi destroy\` still know what to restore; the next \`pulumi up\` reads the account and writes what still differs from the program.`,
            ],
        };
        Object.assign(error, recorded);
    }
    return error;
}

/** The id, state and reasons an error carries when the engine must record the resource anyway. */
export function recordedFailureOf(error: unknown): RecordedFailure | undefined {
    if (!(error instanceof Error)) return undefined;
    const { id, properties, reasons } = error as Error & Partial<RecordedFailure>;
    if (typeof id !== "string" || !properties || !Array.isArray(reasons)) return undefined;
    return { id, properties, reasons };
}

/** The read-only form's create: `SipConfig.get` reads the account's config and never creates one. */
export function refuseCreateOfRead(): never {
    throw new UltravoxError(
        "invalid_input",
        "SipConfig.get only reads the account's SIP config; it cannot create one (the engine asks for that only when the state was edited by hand). To manage the config from this stack, use `new SipConfig(name, args)`; to read it, run `pulumi refresh`.",
    );
}

/** An account has one SIP config, whose id is `sip`: any other id is refused before any request. */
export function checkSipConfigId(id: string, how: string): void {
    if (id === SIP_CONFIG_ID) return;
    throw new UltravoxError(
        "invalid_input",
        `An account has one SIP config, whose id is "${SIP_CONFIG_ID}" (got ${JSON.stringify(id.slice(0, 80))}): ${how}.`,
    );
}

/** How messages name the managed SipConfig, and how to let its account go (checkSameAccount checks the domain). */
const CONFIG_SUBJECT = {
    subject: "This stack's SipConfig",
    letGo: "remove it from the state without restoring that account (`pulumi state delete <urn>`)",
};

/** Another account is a replacement: the old one is let go (restored), the new one taken over. */
const REPLACE_ACCOUNT: DiffResult = { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };

export class SipConfigLifecycle {
    constructor(private readonly context: LifecycleContext = {}) {}

    private warn(message: string): void {
        warnWith(this.context, message);
    }

    private clientFor(props: ConnectionOptions): UltravoxClient {
        return clientFor(this.context, props);
    }

    async check(_olds: ManagedProps, news: ManagedProps): Promise<CheckResult> {
        const known: Record<string, unknown> = {};
        for (const field of MANAGED_FIELDS) {
            if (news[field] !== undefined && !containsUnknown(news[field])) known[field] = news[field];
        }
        const result = loadSchema().sipConfigPatchSchema.safeParse(known);
        const failures = result.success
            ? []
            : result.error.issues.map((issue) => ({
                  property: propertyPath(issue.path as PropertyKey[]),
                  reason: issue.message,
              }));
        failures.push(...hostBitFailures(known.allowedCidrRanges));
        // Unknown at preview (computed from another resource): checked at up, as every input is.
        const restoreOnDelete = containsUnknown(news.restoreOnDelete) ? undefined : news.restoreOnDelete;
        if (restoreOnDelete !== undefined && typeof restoreOnDelete !== "boolean") {
            failures.push({ property: "restoreOnDelete", reason: "Expected a boolean" });
        }
        return { inputs: news, failures };
    }

    async diff(_id: string, olds: RecordedState, news: ManagedProps): Promise<DiffResult> {
        // Another base URL is another account: explicit, or resolved from stack config or the environment.
        // However each is spelled: a trailing slash or the host's case is the same base URL.
        const known = settingsKnown(this.context, news);
        if (!(known && olds.accountBaseUrl !== undefined)) {
            if (!sameBaseUrl(olds.baseUrl, news.baseUrl) && news.baseUrl !== UNKNOWN) return REPLACE_ACCOUNT;
        } else {
            const client = this.clientFor(news);
            if (!sameBaseUrl(client.baseUrl, olds.accountBaseUrl)) return REPLACE_ACCOUNT;
            // The same URL with another key can be another account: its domain tells. When the read
            // fails, this cannot be told here: an update, which checks again, will fail the same way.
            const domain = await client.getSipConfig().then(
                (live) => live.domain,
                () => undefined,
            );
            if (domain === undefined) return { changes: true };
            if (domain !== olds.accountDomain) {
                return { changes: true, replaces: ["accountDomain"], deleteBeforeReplace: true };
            }
        }
        const fields = managedFieldsOf(news);
        // A rotated key or new client settings change no field, but the state must hold them:
        // delete and refresh use the connection settings stored there.
        const connectionChanged =
            (olds.apiKey ?? "") !== (news.apiKey ?? "") ||
            olds.timeoutMs !== news.timeoutMs ||
            olds.maxRetries !== news.maxRetries;
        const ownershipChanged =
            connectionChanged ||
            JSON.stringify(fields) !== JSON.stringify(olds.managedFields ?? []) ||
            (news.restoreOnDelete !== false) !== (olds.restoreOnDelete !== false);
        if (ownershipChanged || fields.some((field) => containsUnknown(news[field]))) return { changes: true };
        // Settings not known yet (preview): nothing can be read, and the up will tell.
        if (!known) return { changes: true };
        // Compared with the live account, not the old state: a console edit shows up as drift.
        const live = await this.clientFor(news).getSipConfig();
        const drifted = differingFields(desiredPatch(news, fields), live, fields);
        return { changes: drifted.length > 0 };
    }

    async create(inputs: ManagedProps): Promise<{ id: string; outs: RecordedState }> {
        const client = this.clientFor(inputs);
        const fields = managedFieldsOf(inputs);
        const before = await client.getSipConfig({ fresh: true });
        const prior = liveValues(before, fields);
        const patch = desiredPatch(inputs, fields);
        const account = {
            accountBaseUrl: client.baseUrl,
            accountDomain: before.domain,
            keyFingerprint: client.keyFingerprint(),
        };
        const attempt: WriteAttempt = { patchSent: false };
        try {
            const after = await writeAndVerify(client, patch, fields, before, attempt);
            return { id: SIP_CONFIG_ID, outs: managedState(after, inputs, fields, prior, patch, account) };
        } catch (error) {
            // Whether the write landed or not, the account holds either `patch` or the prior values.
            const recorded = managedState(before, inputs, fields, prior, patch, account);
            throw afterWriteFailure(error, attempt, SIP_CONFIG_ID, recorded);
        }
    }

    /** A first read (`SipConfig.get`) gives the outputs; a refresh of the managed form keeps its ownership records. */
    async read(id: string, props: RecordedState): Promise<{ id: string; props: RecordedState }> {
        if (Array.isArray(props.managedFields)) {
            // A refresh of the managed form: live values of the recorded account, ownership records kept.
            const { client } = await recordedAccountClient(this.context, props, CONFIG_SUBJECT, { checkDomain: false });
            const data = await client.getSipConfig({ fresh: true });
            checkSameAccount(props, data, "refresh");
            const fields = props.managedFields;
            return {
                id,
                props: managedState(
                    data,
                    props,
                    fields,
                    props.priorValues ?? {},
                    props.writtenValues ?? liveValues(data, fields),
                    {
                        accountBaseUrl: client.baseUrl,
                        accountDomain: data.domain,
                        keyFingerprint: client.keyFingerprint(),
                    },
                    props.attemptedValues,
                ),
            };
        }
        const data = await this.clientFor(props).getSipConfig();
        return { id: id || SIP_CONFIG_ID, props: stateOf(data, props) };
    }

    /**
     * Import: the account's current allowlist becomes the stack's, as if the stack had written it.
     * The inputs are what a program must give to change nothing; the values recorded before are
     * the current ones, so destroy leaves the account as it was adopted, unless the stack changed
     * it since. The fallback handler is read (a secret output) but not adopted: the engine writes
     * an import's inputs into the generated program in plaintext, and its signing secrets must not
     * land in a file a user commits. A program that gives it (from a secret) takes it over then.
     */
    async adopt(
        id: string,
        connection: ConnectionOptions = {},
    ): Promise<{ id: string; props: RecordedState; inputs: ManagedInputs }> {
        checkSipConfigId(id, `import it with \`pulumi import ultravox:index:SipConfig <name> ${SIP_CONFIG_ID}\``);
        const client = this.clientFor(connection);
        const live = await client.getSipConfig({ fresh: true });
        const fields = MANAGED_FIELDS.filter((field) => field !== "fallbackHandler");
        const current = liveValues(live, fields);
        const account = {
            accountBaseUrl: client.baseUrl,
            accountDomain: live.domain,
            keyFingerprint: client.keyFingerprint(),
        };
        return {
            id: SIP_CONFIG_ID,
            props: managedState(live, connection, fields, current, current, account),
            inputs: current as ManagedInputs,
        };
    }

    async update(id: string, olds: RecordedState, news: ManagedProps): Promise<{ outs: RecordedState }> {
        const client = this.clientFor(news);
        const fields = managedFieldsOf(news);
        if (olds.accountBaseUrl !== undefined && client.baseUrl !== olds.accountBaseUrl) {
            throw new UltravoxError(
                "conflict",
                `This stack's SipConfig was written through another base URL than the one now configured (neither is quoted: a key pasted into one would show): another account. Run \`pulumi up\` again (it replaces the resource), or give back the first base URL.`,
            );
        }
        const live = await client.getSipConfig({ fresh: true });
        checkSameAccount(olds, live, "update");
        const account = {
            accountBaseUrl: client.baseUrl,
            accountDomain: live.domain,
            keyFingerprint: client.keyFingerprint(),
        };
        // Values recorded at take-over are kept; a field newly taken over records its live value now.
        const recorded = pick(
            olds.priorValues ?? {},
            (olds.managedFields ?? []).filter((f) => fields.includes(f)),
        );
        const newlyManaged = fields.filter((field) => !(olds.managedFields ?? []).includes(field));
        const prior = { ...liveValues(live, newlyManaged), ...recorded };
        const desired = desiredPatch(news, fields);
        const toWrite = differingFields(desired, live, fields);
        const attempt: WriteAttempt = { patchSent: false };
        try {
            const after = await writeAndVerify(client, pick(desired, toWrite), toWrite, live, attempt);
            return { outs: managedState(after, news, fields, prior, desired, account) };
        } catch (error) {
            // The account holds either the stack's previous write or this one: both count as the stack's.
            const previous = { ...liveValues(live, fields), ...pick(olds.writtenValues ?? {}, fields) };
            const recordedState = managedState(live, news, fields, prior, previous, account, desired);
            throw afterWriteFailure(error, attempt, id, recordedState);
        }
    }

    /**
     * Sets the managed fields back to their values from before the stack took them over, each only
     * while it still holds what the stack last wrote: a value an operator set since is kept (and
     * named in a warning), never overwritten with a stale one.
     */
    async delete(_id: string, props: RecordedState): Promise<void> {
        // A read resource is never deleted by the engine; this guards a hand-edited state.
        if (!Array.isArray(props.managedFields) || props.restoreOnDelete === false) return;
        const { client } = await recordedAccountClient(this.context, props, CONFIG_SUBJECT, { checkDomain: false });
        const live = await client.getSipConfig({ fresh: true });
        checkSameAccount(props, live, "delete");
        const recorded = props.managedFields.filter((field) => props.priorValues?.[field] !== undefined);
        // States written before writtenValues existed restore every field, as they always did.
        const written = props.writtenValues;
        const attempted = props.attemptedValues ?? {};
        const editedSince = written
            ? differingFields(written, live, recorded).filter(
                  (field) =>
                      field in written &&
                      !(field in attempted && differingFields(attempted, live, [field]).length === 0),
              )
            : [];
        for (const field of editedSince) {
            this.warn(
                `${field} was changed outside this stack since its last write, so delete keeps the current value instead of restoring the one from before the stack took it over.`,
            );
        }
        // A field that already holds its prior value needs no write (an adopted config, a value set back by hand).
        const prior = props.priorValues ?? {};
        const fields = recorded.filter(
            (field) => !editedSince.includes(field) && differingFields(prior, live, [field]).length > 0,
        );
        await writeAndVerify(client, pick(prior, fields), fields, live);
    }
}
