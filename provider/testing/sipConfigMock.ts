/**
 * How `mockUltravox` answers the SDK's registrations of `SipConfig`, as the engine and the real
 * provider would against the emulated account:
 * - `SipConfig.get` (a read): the account as it is now, normalized as every read is;
 * - `new SipConfig(name, args)` (the managed form): the real provider's `check`, then its
 *   `create` (the PATCH) against the in-process emulator, so the emulated account is written as a
 *   real `pulumi up` writes the real one; at preview, `check` only (the engine creates nothing
 *   then: the outputs it cannot know stay unknown).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadSchema } from "../api/loadSchema";
import { UltravoxError } from "../core/errors";
import type { Emulator } from "../emulator/types";
import { SECRET_OUTPUT_NAMES, SECRET_STATE_NAMES, SIP_CONFIG_ID, toOutputs } from "../lifecycle/outputs";
import * as providerImpl from "../pulumi/providerImpl";

/** The type token the SDK gives `SipConfig` (a dynamic resource named `ultravox:SipConfig`). */
export const SIP_CONFIG_TYPE = "pulumi-nodejs:dynamic/ultravox:SipConfig";

/** The managed form's outputs `SipConfig` marks secret (`additionalSecretOutputs`), beyond the read's. */
const MANAGED_SECRET_OUTPUTS = SECRET_STATE_NAMES;

/** The connection settings the mock replaces with the emulator's, and gives back as the program set them. */
const CONNECTION = ["apiKey", "baseUrl"] as const;

// The SDK's own decoding of its wire secrets: a peer dependency's module, stable across 3.x.
const rpc = require("@pulumi/pulumi/runtime/rpc") as { unwrapRpcSecret(value: unknown): unknown };

/** Inputs as a provider receives them: secrets unwrapped, at any depth. */
export function plain(value: unknown): unknown {
    const unwrapped = rpc.unwrapRpcSecret(value);
    if (Array.isArray(unwrapped)) return unwrapped.map(plain);
    if (unwrapped && typeof unwrapped === "object") {
        return Object.fromEntries(Object.entries(unwrapped).map(([key, item]) => [key, plain(item)]));
    }
    return unwrapped;
}

/** Outputs as the engine returns them: those `SipConfig` lists in `additionalSecretOutputs` as secrets. */
function withSecrets(state: Record<string, unknown>): Record<string, unknown> {
    const out = { ...state };
    for (const name of [...SECRET_OUTPUT_NAMES, ...MANAGED_SECRET_OUTPUTS]) {
        if (out[name] !== undefined) out[name] = pulumi.secret(out[name]);
    }
    return out;
}

/** `SipConfig.get`: the emulated account as it is now (after any managed create's PATCH). */
export function readSipConfig(emulator: Emulator, id: string): pulumi.runtime.MockResourceResult {
    const outputs = toOutputs(loadSchema().parseSipConfig(emulator.account.sip));
    return { id: id || SIP_CONFIG_ID, state: withSecrets({ ...outputs }) };
}

/**
 * `new SipConfig(name, args)`: the real provider's check and create. The create always reaches
 * the emulator (never the network), with the program's explicit key if it gave one (a wrong key
 * fails as it would), else the account's; the state keeps the program's own settings.
 */
export async function createSipConfig(
    emulator: Emulator,
    accountKey: string,
    name: string,
    inputs: Record<string, unknown>,
): Promise<pulumi.runtime.MockResourceResult> {
    const news = plain(inputs) as providerImpl.ManagedProps & { __provider?: string };
    const checked = await providerImpl.check({}, news);
    if (checked.failures && checked.failures.length > 0) {
        const reasons = checked.failures.map((failure) => `${failure.property}: ${failure.reason}`);
        // As the engine reports a failed check: each input's path and reason.
        throw new UltravoxError(
            "invalid_input",
            `new SipConfig("${name}", ...) failed the provider's check: ${reasons.join("; ")}. Fix these inputs: a real \`pulumi preview\` or \`pulumi up\` refuses them the same way.`,
            { issues: checked.failures.map((failure) => failure.property), cause: new Error(reasons.join("; ")) },
        );
    }
    const given = (checked.inputs ?? news) as Record<string, unknown>;
    const settings = Object.fromEntries(
        CONNECTION.flatMap((key) => (given[key] === undefined ? [] : [[key, given[key]]])),
    );
    if (pulumi.runtime.isDryRun()) {
        // As the engine previews a create: the checked inputs, and every other output unknown.
        const { __provider: _provider, ...previewed } = given;
        return { id: undefined, state: withSecrets(previewed) };
    }
    const created = await providerImpl.create({
        ...(given as providerImpl.ManagedProps),
        apiKey: typeof given.apiKey === "string" ? given.apiKey : accountKey,
        baseUrl: emulator.url,
    });
    const outs = { ...(created.outs as Record<string, unknown>) };
    for (const key of CONNECTION) delete outs[key];
    return { id: created.id, state: withSecrets({ ...outs, ...settings }) };
}
