/** One agent allowance, as normalized: the default pattern is filled in. */
export interface AgentAllowance {
    agentId: string;
    toUserPattern: string;
}

/** The fallback webhook. `secrets` are credentials: treat them as such. */
export interface FallbackHandler {
    url: string;
    secrets: string[];
}

/**
 * An account's SIP config, validated and normalized:
 * CIDRs canonical, deduplicated and sorted numerically; defaults filled in.
 */
export interface SipConfigData {
    domain: string;
    allowedCidrRanges: string[];
    allowAllAgents: boolean;
    allowedAgents: AgentAllowance[];
    fallbackHandler: FallbackHandler | null;
    /** sha256 (hex) of the normalized config without the fallback secrets. */
    fingerprint: string;
}

/** A read that keeps the allowlist entries that are not IPv4 CIDRs apart (`keepOtherRanges`), instead of failing on them. */
export interface SipConfigWithOtherRanges extends SipConfigData {
    /** Entries of the account's allowedCidrRanges that are not IPv4 CIDRs (an IPv6 range set in the console), as the API gave them. */
    otherCidrRanges: string[];
}

/** How a read parses the answer. */
export interface ReadOptions {
    /** Read anew, never joining a read already in flight (after a write). */
    fresh?: boolean;
    /** Return entries of allowedCidrRanges that are not IPv4 CIDRs in `otherCidrRanges` (with a warning) instead of failing. */
    keepOtherRanges?: boolean;
}

/**
 * `PATCH /api/sip`'s body: every field optional, `fallbackHandler: null` removes the handler.
 * Written out (api/schema.ts checks it equals the zod schema's type) so that no declaration
 * the package publishes mentions zod.
 */
export interface SipConfigPatch {
    allowedCidrRanges?: string[] | undefined;
    allowAllAgents?: boolean | undefined;
    allowedAgents?: { agentId: string; toUserPattern?: string | null | undefined }[] | undefined;
    fallbackHandler?: FallbackHandler | null | undefined;
}

/** Receives warnings (a CIDR with host bits set, say). Defaults to none. */
export type WarningSink = (message: string) => void;

/**
 * What routing and the PBX renderers read: the config without the fallback handler's secrets.
 * A `SipConfigData` fits it, and so does `SipConfig.routing`'s value (a plain, non-secret Output).
 */
export interface SipRouting {
    domain: string;
    allowedCidrRanges: string[];
    allowAllAgents: boolean;
    allowedAgents: AgentAllowance[];
    /** Only whether a handler is set matters to routing. */
    fallbackHandler?: { url: string } | null;
    fallbackHandlerUrl?: string | null;
}

export function hasFallbackHandler(config: SipRouting): boolean {
    return Boolean(config.fallbackHandler ?? config.fallbackHandlerUrl);
}

/**
 * A SIP registration: Ultravox registers with your SIP server as this user, for a cloud PBX
 * without a fixed address. The password is write-only: the API never returns it.
 */
export interface SipRegistrationData {
    registrationId: string;
    /** When it was created (ISO 8601), as the API says. */
    created: string;
    /** The SIP user Ultravox registers as. */
    username: string;
    /** The SIP server to register with (a host, host:port or SIP URI). */
    proxy: string;
    /** A proxy used to reach that server, or null. */
    outboundProxy: string | null;
    /** The authentication user when it differs from `username`, or null. */
    authUser: string | null;
    /**
     * Whether the registration is active (Ultravox's REGISTER to the proxy succeeded), as the API
     * says; null when it does not say (an older API, or not tried yet).
     */
    successful: boolean | null;
}

/** What a registration is created with; `password` is write-only. */
export interface SipRegistrationInput {
    username: string;
    password: string;
    proxy: string;
    outboundProxy?: string | null;
    authUser?: string | null;
}

/** A PATCH of a registration: any subset of the writable fields. */
export type SipRegistrationPatch = Partial<SipRegistrationInput>;
