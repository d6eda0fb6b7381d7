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

/** Receives warnings (a CIDR with host bits set, say). Defaults to none. */
export type WarningSink = (message: string) => void;
