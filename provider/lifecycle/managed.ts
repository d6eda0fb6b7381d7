/**
 * The managed form's pure logic: which fields a stack owns, what it wants them to be, and
 * how that compares with the live account. Only the fields given are managed.
 */

import { canonicalCidrs, parseCidr } from "../core/cidr";
import { defaultToUserPattern, normalizeAgentId } from "../core/sip";
import type { SipConfigData, SipConfigPatch } from "../core/types";

export const MANAGED_FIELDS = ["allowedCidrRanges", "allowAllAgents", "allowedAgents", "fallbackHandler"] as const;
export type ManagedField = (typeof MANAGED_FIELDS)[number];

/** The managed inputs as the provider receives them (plain values; secrets already unwrapped). */
export interface ManagedInputs {
    allowedCidrRanges?: string[];
    allowAllAgents?: boolean;
    allowedAgents?: { agentId: string; toUserPattern?: string | null }[];
    fallbackHandler?: { url: string; secrets: string[] } | null;
}

export function managedFieldsOf(inputs: ManagedInputs): ManagedField[] {
    return MANAGED_FIELDS.filter((field) => inputs[field] !== undefined);
}

/** The PATCH body that sets the managed fields to the inputs' values. */
export function desiredPatch(
    inputs: ManagedInputs,
    fields: readonly ManagedField[] = managedFieldsOf(inputs),
): SipConfigPatch {
    const patch: SipConfigPatch = {};
    for (const field of fields) {
        if (field === "allowedCidrRanges") patch.allowedCidrRanges = canonicalCidrs(inputs.allowedCidrRanges ?? []);
        if (field === "allowAllAgents") patch.allowAllAgents = inputs.allowAllAgents ?? false;
        if (field === "allowedAgents") {
            patch.allowedAgents = (inputs.allowedAgents ?? []).map((agent) =>
                agent.toUserPattern == null
                    ? { agentId: normalizeAgentId(agent.agentId) }
                    : { agentId: normalizeAgentId(agent.agentId), toUserPattern: agent.toUserPattern },
            );
        }
        if (field === "fallbackHandler") {
            patch.fallbackHandler = inputs.fallbackHandler
                ? { url: inputs.fallbackHandler.url, secrets: [...inputs.fallbackHandler.secrets] }
                : null;
        }
    }
    return patch;
}

/** A field's value in the live config, in the same shape as `desiredPatch` writes it. */
export function liveValues(live: SipConfigData, fields: readonly ManagedField[]): SipConfigPatch {
    const values: SipConfigPatch = {};
    for (const field of fields) {
        if (field === "allowedCidrRanges") values.allowedCidrRanges = [...live.allowedCidrRanges];
        if (field === "allowAllAgents") values.allowAllAgents = live.allowAllAgents;
        if (field === "allowedAgents") values.allowedAgents = live.allowedAgents.map((agent) => ({ ...agent }));
        if (field === "fallbackHandler") {
            values.fallbackHandler = live.fallbackHandler
                ? { url: live.fallbackHandler.url, secrets: [...live.fallbackHandler.secrets] }
                : null;
        }
    }
    return values;
}

function comparable(field: ManagedField, value: unknown): string {
    if (field === "allowedCidrRanges") {
        // Order and host bits cause no diff.
        const list = (value as string[] | undefined) ?? [];
        return JSON.stringify(list.every((cidr) => parseCidr(cidr)) ? canonicalCidrs(list) : list);
    }
    if (field === "allowedAgents") {
        const agents = (value as { agentId: string; toUserPattern?: string | null }[] | undefined) ?? [];
        return JSON.stringify(
            agents.map((a) => [normalizeAgentId(a.agentId), a.toUserPattern ?? defaultToUserPattern(a.agentId)]),
        );
    }
    if (field === "allowAllAgents") return JSON.stringify(value ?? false);
    // Key order is not kept by the engine's Struct encoding: compare fields, not text.
    const handler = value as { url: string; secrets: string[] } | null | undefined;
    return JSON.stringify(handler ? [handler.url, handler.secrets] : null);
}

/** The managed fields whose wanted value differs from the live one. */
export function differingFields(
    wanted: SipConfigPatch,
    live: SipConfigData,
    fields: readonly ManagedField[],
): ManagedField[] {
    const current = liveValues(live, fields);
    return fields.filter((field) => comparable(field, wanted[field]) !== comparable(field, current[field]));
}

/** Only the given fields of a patch. */
export function pick(patch: SipConfigPatch, fields: readonly ManagedField[]): SipConfigPatch {
    const out: SipConfigPatch = {};
    for (const field of fields) {
        if (patch[field] !== undefined) Object.assign(out, { [field]: patch[field] });
    }
    return out;
}
