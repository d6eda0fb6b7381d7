/**
 * What the dynamic provider does. The serialized provider (dynamicProvider.ts) loads this
 * module as `pulumi-ultravox/provider-impl` at call time: that subpath is written into every
 * state file and re-used on refresh, so it must never be renamed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { clientFromSources, type UltravoxClient } from "../api/client";
import { loadSchema } from "../api/loadSchema";
import type { ConnectionOptions } from "../api/settings";
import { isUltravoxError, UltravoxError } from "../core/errors";
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
import { SIP_CONFIG_ID, type SipConfigOutputs, toOutputs } from "./outputs";

/** The managed form's inputs. Connection settings not yet known at preview are dropped by the engine. */
export interface ManagedProps extends ConnectionOptions, ManagedInputs {
    /** Default true: delete sets the managed fields back to the values recorded at create. */
    restoreOnDelete?: boolean;
}

export type SipConfigState = SipConfigOutputs &
    ConnectionOptions & {
        /** Managed form only: the fields this stack owns, and their values before it took them over. */
        managedFields?: ManagedField[];
        priorValues?: SipConfigPatch;
        restoreOnDelete?: boolean;
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
function stateOf(data: SipConfigData, props: ConnectionOptions): SipConfigState {
    const state: SipConfigState = { ...toOutputs(data) };
    if (props.apiKey) state.apiKey = props.apiKey;
    if (props.baseUrl) state.baseUrl = props.baseUrl;
    if (typeof props.timeoutMs === "number") state.timeoutMs = props.timeoutMs;
    if (typeof props.maxRetries === "number") state.maxRetries = props.maxRetries;
    return state;
}

function managedState(data: SipConfigData, props: ManagedProps, fields: ManagedField[], prior: SipConfigPatch) {
    return {
        ...stateOf(data, props),
        managedFields: fields,
        priorValues: prior,
        restoreOnDelete: props.restoreOnDelete !== false,
    };
}

export async function read(id: string, props: SipConfigState): Promise<pulumi.dynamic.ReadResult<SipConfigState>> {
    const data = await clientFor(props).getSipConfig();
    if (Array.isArray(props.managedFields)) {
        // A refresh of the managed form: live values, ownership records kept.
        return {
            id,
            props: managedState(data, props, props.managedFields, props.priorValues ?? {}),
        };
    }
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

export async function diff(_id: string, olds: SipConfigState, news: ManagedProps): Promise<pulumi.dynamic.DiffResult> {
    // Another base URL is another account: the old one is let go and the new one taken over.
    if ((olds.baseUrl ?? "") !== (news.baseUrl ?? "") && news.baseUrl !== UNKNOWN) {
        return { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };
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

/** Writes a patch, then reads back: the account must hold exactly what was written. */
async function writeAndVerify(
    client: UltravoxClient,
    patch: SipConfigPatch,
    fields: ManagedField[],
    before: SipConfigData,
): Promise<SipConfigData> {
    if (fields.length === 0) return before;
    const answered = await client.patchSipConfig(patch);
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

/** Raised before a request leaves: nothing can have been written, so nothing is recorded. */
const NOT_SENT_CODES: readonly string[] = ["config", "invalid_input"];

/**
 * A failure once a PATCH may have reached the server (a late answer, a reset, a failed read-back,
 * a mismatch, a conflict): the engine records the resource with the values read before the write,
 * so that refresh, the next update and delete still know what to restore.
 */
function afterWriteFailure(error: unknown, id: string, state: SipConfigState, providerText: unknown): unknown {
    const notSent = isUltravoxError(error) && NOT_SENT_CODES.includes(error.code);
    if (error instanceof Error && !notSent) {
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
    try {
        const after = await writeAndVerify(client, patch, fields, before);
        return { id: SIP_CONFIG_ID, outs: managedState(after, inputs, fields, prior) };
    } catch (error) {
        throw afterWriteFailure(error, SIP_CONFIG_ID, managedState(before, inputs, fields, prior), inputs.__provider);
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
    olds: SipConfigState,
    news: ManagedProps & { __provider?: string },
): Promise<pulumi.dynamic.UpdateResult> {
    const client = clientFor(news);
    const fields = managedFieldsOf(news);
    const live = await client.getSipConfig({ fresh: true });
    // Values recorded at take-over are kept; a field newly taken over records its live value now.
    const recorded = pick(
        olds.priorValues ?? {},
        (olds.managedFields ?? []).filter((f) => fields.includes(f)),
    );
    const newlyManaged = fields.filter((field) => !(olds.managedFields ?? []).includes(field));
    const prior = { ...liveValues(live, newlyManaged), ...recorded };
    const desired = desiredPatch(news, fields);
    const toWrite = differingFields(desired, live, fields);
    try {
        const after = await writeAndVerify(client, pick(desired, toWrite), toWrite, live);
        return { outs: managedState(after, news, fields, prior) };
    } catch (error) {
        throw afterWriteFailure(error, id, managedState(live, news, fields, prior), news.__provider);
    }
}

export async function deleteResource(_id: string, props: SipConfigState): Promise<void> {
    // A read resource is never deleted by the engine; this guards a hand-edited state.
    if (!Array.isArray(props.managedFields) || props.restoreOnDelete === false) return;
    const client = clientFor(props);
    const fields = props.managedFields.filter((field) => props.priorValues?.[field] !== undefined);
    const live = await client.getSipConfig({ fresh: true });
    await writeAndVerify(client, pick(props.priorValues ?? {}, fields), fields, live);
}
