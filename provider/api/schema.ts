/**
 * The API's shapes (zod) and the normalization every output goes through.
 * Loaded lazily (see loadSchema.ts): zod costs ~90 ms at require time.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalCidrs, isIpv4Cidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { isHostName } from "../core/hostName";
import { defaultToUserPattern, MAX_PATTERN_LENGTH, normalizeAgentId } from "../core/sip";
import type { SipConfigData, SipConfigPatch, WarningSink } from "../core/types";

export const MAX_AGENTS = 20;
export { MAX_PATTERN_LENGTH };
export const MAX_SECRETS = 10;
export const MAX_SECRET_LENGTH = 120;

const ipv4Cidr = z.string().refine(isIpv4Cidr, { message: "Not an IPv4 CIDR (a.b.c.d/n)" });

export const agentAllowanceSchema = z.object({
    // Django's UUIDField accepts any 8-4-4-4-12 hex string, whatever its version bits.
    agentId: z.guid({ message: "Not a UUID" }),
    toUserPattern: z.string().max(MAX_PATTERN_LENGTH).nullish(),
});

export const fallbackHandlerSchema = z.object({
    url: z.url({ message: "Not a URL" }),
    secrets: z.array(z.string().max(MAX_SECRET_LENGTH)).min(1).max(MAX_SECRETS),
});

/** `GET /api/sip` as published; unknown extra fields are tolerated (and dropped). */
export const sipConfigSchema = z.object({
    // Server-controlled and written into SIP URIs, PBX files and outputs: a host name, nothing more.
    domain: z.string().refine(isHostName, { message: "Not a host name" }),
    allowedCidrRanges: z.array(ipv4Cidr).nullish(),
    allowAllAgents: z.boolean().nullish(),
    allowedAgents: z.array(agentAllowanceSchema).max(MAX_AGENTS),
    // Absent in older API versions: treated as null.
    fallbackHandler: fallbackHandlerSchema.nullish(),
});

/** `PATCH /api/sip`: every field optional, `domain` read-only (ignored, as the API does). */
export const sipConfigPatchSchema = z.object({
    allowedCidrRanges: z.array(ipv4Cidr).optional(),
    allowAllAgents: z.boolean().optional(),
    allowedAgents: z.array(agentAllowanceSchema).max(MAX_AGENTS).optional(),
    fallbackHandler: fallbackHandlerSchema.nullable().optional(),
});

export type RawSipConfig = z.infer<typeof sipConfigSchema>;
export type { SipConfigPatch } from "../core/types";

/** Fails to compile when core's hand-written `SipConfigPatch` and the schema's type part. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const PATCH_TYPE_MATCHES_SCHEMA: Same<SipConfigPatch, z.infer<typeof sipConfigPatchSchema>> = true;

/** `allowedAgents.0.agentId: Not a UUID`: paths and rule names, never the offending values. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
    return issues.map(
        (issue) => `${issue.path.length ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
    );
}

export function issuePaths(issues: readonly z.core.$ZodIssue[]): string[] {
    return issues.map((issue) => (issue.path.length ? issue.path.map(String).join(".") : "(root)"));
}

/** A stable hash of what routing depends on; the fallback secrets are left out on purpose. */
export function fingerprintOf(config: Omit<SipConfigData, "fingerprint">): string {
    const material = JSON.stringify([
        config.domain,
        config.allowedCidrRanges,
        config.allowAllAgents,
        config.allowedAgents.map((agent) => [agent.agentId, agent.toUserPattern]),
        config.fallbackHandler ? config.fallbackHandler.url : null,
    ]);
    return createHash("sha256").update(material).digest("hex");
}

/** Validates any value as a SIP config and normalizes it. Throws `invalid_response`. */
export function parseSipConfig(value: unknown, onWarning?: WarningSink): SipConfigData {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new UltravoxError(
            "invalid_response",
            "The Ultravox API answered with JSON that is not an object; nothing was applied. Check the base URL points at the Ultravox API.",
        );
    }
    const result = sipConfigSchema.safeParse(value);
    if (!result.success) {
        const details = describeIssues(result.error.issues);
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API's SIP config failed validation at ${details.join("; ")}. Nothing was applied; check the base URL, or report the answer's shape if it is the real API.`,
            // A plain Error of the same list as the cause: zod's own error can carry the input.
            { issues: issuePaths(result.error.issues), cause: new Error(details.join("; ")) },
        );
    }
    return normalizeSipConfig(result.data, onWarning);
}

export function normalizeSipConfig(raw: RawSipConfig, onWarning?: WarningSink): SipConfigData {
    const base = {
        domain: raw.domain,
        allowedCidrRanges: canonicalCidrs(raw.allowedCidrRanges ?? [], onWarning ? { onWarning } : {}),
        allowAllAgents: raw.allowAllAgents ?? false,
        // Order kept: the first matching pattern wins.
        allowedAgents: raw.allowedAgents.map((agent) => ({
            agentId: normalizeAgentId(agent.agentId),
            toUserPattern: agent.toUserPattern ?? defaultToUserPattern(agent.agentId),
        })),
        fallbackHandler: raw.fallbackHandler
            ? { url: raw.fallbackHandler.url, secrets: [...raw.fallbackHandler.secrets] }
            : null,
    };
    return { ...base, fingerprint: fingerprintOf(base) };
}
