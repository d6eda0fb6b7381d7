/**
 * The API's shapes (zod) and the normalization every output goes through.
 * Loaded lazily (see loadSchema.ts), from the bundle validation.ts is built into (zod inside it).
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { canonicalCidrs, isIpv4Cidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { isHostName } from "../core/hostName";
import { defaultToUserPattern, MAX_PATTERN_LENGTH, normalizeAgentId } from "../core/sip";
import { hasLineBreaking } from "../core/text";
import type { SipConfigData, SipConfigPatch, SipConfigWithOtherRanges, WarningSink } from "../core/types";

export const MAX_AGENTS = 20;
export { MAX_PATTERN_LENGTH };
export const MAX_SECRETS = 10;
export const MAX_SECRET_LENGTH = 120;

const ipv4Cidr = z.string().refine(isIpv4Cidr, { message: "Not an IPv4 CIDR (a.b.c.d/n)" });

/** An allowlist entry the package cannot use (an IPv6 range set in the console): kept only to be shown and removed. */
export const MAX_OTHER_RANGE_LENGTH = 100;

export const agentAllowanceSchema = z.object({
    // Django's UUIDField accepts any 8-4-4-4-12 hex string, whatever its version bits.
    agentId: z.guid({ message: "Not a UUID" }),
    toUserPattern: z.string().max(MAX_PATTERN_LENGTH).nullish(),
});

export const fallbackHandlerSchema = z.object({
    // A NUL or a line break in a URL is never meant, and would end up in a config file or a log line.
    // (Checked before z.url, which would trim a trailing line break away instead of refusing it.)
    url: z
        .string()
        .refine((url) => !hasLineBreaking(url), { message: "Has a control character" })
        .pipe(z.url({ message: "Not a URL" })),
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

/** As `sipConfigSchema`, but any short printable entry of allowedCidrRanges passes: the CLI's repair path. */
const lenientSipConfigSchema = sipConfigSchema.extend({
    allowedCidrRanges: z
        .array(
            z
                .string()
                .max(MAX_OTHER_RANGE_LENGTH)
                .refine((entry) => !hasLineBreaking(entry), { message: "Has a control character" }),
        )
        .nullish(),
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

/** What identifies the account a key reaches: the SIP config's domain alone, the rest unread. */
const accountDomainSchema = z.object({ domain: sipConfigSchema.shape.domain });

/**
 * The account's SIP domain from a `GET /api/sip` answer. Only the domain is validated: a resource
 * that records which account it belongs to must not fail over a field of the config it does not use.
 */
export function parseAccountDomain(value: unknown, baseUrlName?: string): string {
    const result = accountDomainSchema.safeParse(value);
    if (result.success) return result.data.domain;
    const details = describeIssues(result.error.issues);
    throw new UltravoxError(
        "invalid_response",
        `The Ultravox API's SIP config failed validation at ${details.join("; ")}: the account it belongs to cannot be told, so nothing was applied. Check ${baseUrlName ? `the base URL (${baseUrlName})` : "the base URL"}, or report the answer's shape if it is the real API.`,
        { issues: issuePaths(result.error.issues), cause: new Error(details.join("; ")) },
    );
}

/** How to parse: keep the allowlist entries that are not IPv4 apart; how the caller names the base URL setting. */
export interface ParseOptions {
    keepOtherRanges?: boolean | undefined;
    /** For messages: where the caller's user sets the base URL (`--base-url or ULTRAVOX_BASE_URL`). */
    baseUrlName?: string | undefined;
}

/**
 * Validates any value as a SIP config and normalizes it. Throws `invalid_response`. With
 * `keepOtherRanges`, entries of allowedCidrRanges that are not IPv4 CIDRs are returned apart (and
 * said to `onWarning`) instead of failing the read: for tools that repair an account.
 */
export function parseSipConfig(
    value: unknown,
    onWarning?: WarningSink,
    options?: ParseOptions & { keepOtherRanges?: false | undefined },
): SipConfigData;
export function parseSipConfig(
    value: unknown,
    onWarning: WarningSink | undefined,
    options: ParseOptions & { keepOtherRanges: true },
): SipConfigWithOtherRanges;
export function parseSipConfig(
    value: unknown,
    onWarning?: WarningSink,
    options: ParseOptions = {},
): SipConfigData | SipConfigWithOtherRanges {
    const baseUrl = options.baseUrlName ? `the base URL (${options.baseUrlName})` : "the base URL";
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API answered with JSON that is not an object; nothing was applied. Check that ${baseUrl} points at the Ultravox API.`,
        );
    }
    const result = (options.keepOtherRanges ? lenientSipConfigSchema : sipConfigSchema).safeParse(value);
    if (!result.success) {
        const details = describeIssues(result.error.issues);
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API's SIP config failed validation at ${details.join("; ")}. Nothing was applied; check ${baseUrl}, or report the answer's shape if it is the real API.`,
            // A plain Error of the same list as the cause: zod's own error can carry the input.
            { issues: issuePaths(result.error.issues), cause: new Error(details.join("; ")) },
        );
    }
    if (!options.keepOtherRanges) return normalizeSipConfig(result.data, onWarning);
    const ranges = result.data.allowedCidrRanges ?? [];
    const otherCidrRanges = ranges.filter((entry) => !isIpv4Cidr(entry));
    if (otherCidrRanges.length > 0) {
        onWarning?.(
            `allowedCidrRanges holds ${otherCidrRanges.length === 1 ? "an entry" : `${otherCidrRanges.length} entries`} that ${otherCidrRanges.length === 1 ? "is" : "are"} not an IPv4 CIDR (${otherCidrRanges.map((entry) => JSON.stringify(entry)).join(", ")}): the service may not honour ${otherCidrRanges.length === 1 ? "it" : "them"}, and this package leaves ${otherCidrRanges.length === 1 ? "it" : "them"} out; \`pulumi-ultravox disallow <entry>\` removes one.`,
        );
    }
    const ipv4 = normalizeSipConfig(
        { ...result.data, allowedCidrRanges: ranges.filter((entry) => isIpv4Cidr(entry)) },
        onWarning,
    );
    return { ...ipv4, otherCidrRanges };
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
    if (base.fallbackHandler && onWarning) {
        const carried = credentialsIn(base.fallbackHandler.url);
        if (carried) {
            onWarning(
                `The fallback handler's URL carries credentials (${carried}): fallbackHandlerUrl is a plain value, so they show in plain text wherever it goes (stack outputs, the state, \`pulumi-ultravox show\`). Authenticate the handler with its signing secrets instead, or keep fallbackHandlerUrl out of outputs (or wrap it in pulumi.secret).`,
            );
        }
    }
    return { ...base, fingerprint: fingerprintOf(base) };
}

/** Query parameter names that usually carry a credential. */
const CREDENTIAL_PARAMETER = /token|key|secret|pass|auth|sig|credential|session/i;

/** What in a URL looks like a credential (named, never quoted), or undefined. */
export function credentialsIn(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return undefined;
    }
    const found: string[] = [];
    if (parsed.username || parsed.password) found.push("user information before the host");
    const names = [...new Set([...parsed.searchParams.keys()].filter((name) => CREDENTIAL_PARAMETER.test(name)))];
    if (names.length > 0) {
        const shown = names.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 40)));
        found.push(`the query parameter${names.length === 1 ? "" : "s"} ${shown.join(", ")}`);
    }
    return found.length > 0 ? found.join(" and ") : undefined;
}
