/**
 * What the dynamic provider does. The serialized provider (dynamicProvider.ts) loads this
 * module as `pulumi-ultravox/provider-impl` at call time: that subpath is written into every
 * state file and re-used on refresh, so it must never be renamed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clientFromSources, type UltravoxClient } from "../api/client";
import { loadSchema } from "../api/loadSchema";
import type { ConnectionOptions } from "../api/settings";
import { UltravoxError } from "../core/errors";
import type { SipConfigData, SipConfigPatch } from "../core/types";
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
    };

/** The engine's marker for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The stack config the engine handed over in `configure`; per plugin process. */
let stackConfig: ((key: string) => string | undefined) | undefined;

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const config = req.config;
    stackConfig = (key) => config.get(key);
}

function warn(message: string): void {
    // The engine shows the plugin's stderr with the resource; the message never holds a credential.
    console.error(`warning: pulumi-ultravox: ${message}`);
}

function clientFor(props: ConnectionOptions): UltravoxClient {
    return clientFromSources(
        { args: { apiKey: props.apiKey, baseUrl: props.baseUrl }, config: stackConfig, env: process.env },
        {
            timeoutMs: typeof props.timeoutMs === "number" ? props.timeoutMs : undefined,
            maxRetries: typeof props.maxRetries === "number" ? props.maxRetries : undefined,
            onWarning: warn,
        },
    );
}

/**
 * Outputs: the live config, plus the explicit connection settings so that a refresh (which
 * hands the provider the old outputs only) reaches the same account. The key is a secret output.
 */
function stateOf(data: SipConfigData, props: ConnectionOptions): RecordedState {
    const state: RecordedState = { ...toOutputs(data) };
    if (props.apiKey) state.apiKey = props.apiKey;
    if (props.baseUrl) state.baseUrl = props.baseUrl;
    if (typeof props.timeoutMs === "number") state.timeoutMs = props.timeoutMs;
    if (typeof props.maxRetries === "number") state.maxRetries = props.maxRetries;
    return state;
}

/** The identity the state records: refresh, update and delete act only on an account with this domain. */
interface AccountIdentity {
    accountBaseUrl: string;
    accountDomain: string;
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
 * The base URL a recorded state's account is reached at: an explicit one, else the one recorded
 * at the last write (stack config or environment may since point at another account).
 */
function recordedConnection(props: RecordedState): ConnectionOptions {
    return { ...props, baseUrl: props.baseUrl ?? props.accountBaseUrl };
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

export async function read(id: string, props: RecordedState): Promise<pulumi.dynamic.ReadResult<RecordedState>> {
    if (Array.isArray(props.managedFields)) {
        // A refresh of the managed form: live values of the recorded account, ownership records kept.
        const client = clientFor(recordedConnection(props));
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
                { accountBaseUrl: client.baseUrl, accountDomain: data.domain },
                props.attemptedValues,
            ),
        };
    }
    const data = await clientFor(props).getSipConfig();
    return { id: id || SIP_CONFIG_ID, props: stateOf(data, props) };
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** `allowedAgents.0.agentId` → `allowedAgents[0].agentId`, as the engine prints property paths. */
function propertyPath(path: readonly PropertyKey[]): string {
    return path
        .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index ? "." : ""}${String(part)}`))
        .join("");
}

export async function check(
    _olds: ManagedProps,
    news: ManagedProps,
): Promise<pulumi.dynamic.CheckResult<ManagedProps>> {
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
    if (news.restoreOnDelete !== undefined && typeof news.restoreOnDelete !== "boolean") {
        failures.push({ property: "restoreOnDelete", reason: "Expected a boolean" });
    }
    return { inputs: news, failures };
}

/** Another account is a replacement: the old one is let go (restored), the new one taken over. */
const REPLACE_ACCOUNT = { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };

export async function diff(_id: string, olds: RecordedState, news: ManagedProps): Promise<pulumi.dynamic.DiffResult> {
    // Another base URL is another account: explicit, or resolved from stack config or the environment.
    if ((olds.baseUrl ?? "") !== (news.baseUrl ?? "") && news.baseUrl !== UNKNOWN) return REPLACE_ACCOUNT;
    const settingsKnown = !containsUnknown([news.apiKey, news.baseUrl, news.timeoutMs, news.maxRetries]);
    if (settingsKnown && olds.accountBaseUrl !== undefined) {
        const client = clientFor(news);
        if (client.baseUrl !== olds.accountBaseUrl) return REPLACE_ACCOUNT;
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
    // Compared with the live account, not the old state: a console edit shows up as drift.
    const live = await clientFor(news).getSipConfig();
    const drifted = differingFields(desiredPatch(news, fields), live, fields);
    return { changes: drifted.length > 0 };
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
function afterWriteFailure(
    error: unknown,
    attempt: WriteAttempt,
    id: string,
    state: RecordedState,
    providerText: unknown,
): unknown {
    if (error instanceof Error && attempt.patchSent) {
        // The engine prints only the reasons of a recorded failure: keep the code in them.
        Object.assign(error, {
            id,
            properties: { ...state, __provider: providerText },
            reasons: [
                `${String(error)} The stack recorded the account's values from before this write, so \`pulumi refresh\`, \`pulumi up\` and \`pulumi destroy\` still know what to restore.`,
            ],
        });
    }
    return error;
}

export async function create(inputs: ManagedProps & { __provider?: string }): Promise<pulumi.dynamic.CreateResult> {
    const client = clientFor(inputs);
    const fields = managedFieldsOf(inputs);
    const before = await client.getSipConfig({ fresh: true });
    const prior = liveValues(before, fields);
    const patch = desiredPatch(inputs, fields);
    const account = { accountBaseUrl: client.baseUrl, accountDomain: before.domain };
    const attempt: WriteAttempt = { patchSent: false };
    try {
        const after = await writeAndVerify(client, patch, fields, before, attempt);
        return { id: SIP_CONFIG_ID, outs: managedState(after, inputs, fields, prior, patch, account) };
    } catch (error) {
        // Whether the write landed or not, the account holds either `patch` or the prior values.
        const recorded = managedState(before, inputs, fields, prior, patch, account);
        throw afterWriteFailure(error, attempt, SIP_CONFIG_ID, recorded, inputs.__provider);
    }
}

/** The read-only provider's create: `SipConfig.get` reads the account's config and never creates one. */
export async function refuseCreateOfRead(): Promise<never> {
    throw new UltravoxError(
        "invalid_input",
        "SipConfig.get only reads the account's SIP config; it cannot create one (the engine asks for that only when the state was edited by hand). To manage the config from this stack, use `new SipConfig(name, args)`; to read it, run `pulumi refresh`.",
    );
}

export async function update(
    id: string,
    olds: RecordedState,
    news: ManagedProps & { __provider?: string },
): Promise<pulumi.dynamic.UpdateResult> {
    const client = clientFor(news);
    const fields = managedFieldsOf(news);
    if (olds.accountBaseUrl !== undefined && client.baseUrl !== olds.accountBaseUrl) {
        throw new UltravoxError(
            "conflict",
            `This stack's SipConfig was written through another base URL than the one now configured (neither is quoted: a key pasted into one would show): another account. Run \`pulumi up\` again (it replaces the resource), or give back the first base URL.`,
        );
    }
    const live = await client.getSipConfig({ fresh: true });
    checkSameAccount(olds, live, "update");
    const account = { accountBaseUrl: client.baseUrl, accountDomain: live.domain };
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
        const recorded = managedState(live, news, fields, prior, previous, account, desired);
        throw afterWriteFailure(error, attempt, id, recorded, news.__provider);
    }
}

/**
 * Sets the managed fields back to their values from before the stack took them over, each only
 * while it still holds what the stack last wrote: a value an operator set since is kept (and
 * named in a warning), never overwritten with a stale one.
 */
export async function deleteResource(_id: string, props: RecordedState): Promise<void> {
    // A read resource is never deleted by the engine; this guards a hand-edited state.
    if (!Array.isArray(props.managedFields) || props.restoreOnDelete === false) return;
    const client = clientFor(recordedConnection(props));
    const live = await client.getSipConfig({ fresh: true });
    checkSameAccount(props, live, "delete");
    const recorded = props.managedFields.filter((field) => props.priorValues?.[field] !== undefined);
    // States written before writtenValues existed restore every field, as they always did.
    const written = props.writtenValues;
    const attempted = props.attemptedValues ?? {};
    const editedSince = written
        ? differingFields(written, live, recorded).filter(
              (field) =>
                  field in written && !(field in attempted && differingFields(attempted, live, [field]).length === 0),
          )
        : [];
    for (const field of editedSince) {
        warn(
            `${field} was changed outside this stack since its last write, so delete keeps the current value instead of restoring the one from before the stack took it over.`,
        );
    }
    const fields = recorded.filter((field) => !editedSince.includes(field));
    await writeAndVerify(client, pick(props.priorValues ?? {}, fields), fields, live);
}
