/**
 * The outputs a stack receives, shared by `SipConfig` and `getSipConfig`, so both forms
 * always agree.
 */
import type { SipConfigData } from "../core/types";

/**
 * What `getSipConfig` resolves to, and the values of `SipConfig`'s outputs: the normalized
 * config and the handler URL as a plain value.
 */
export interface GetSipConfigResult extends SipConfigData {
    /** The fallback handler's URL as a plain value (`fallbackHandler` as a whole is secret). */
    fallbackHandlerUrl: string | null;
}

/** The id every read and create uses: an account has exactly one SIP config. */
export const SIP_CONFIG_ID = "sip";

/** The output property names, in the order they are documented. */
export const OUTPUT_NAMES = [
    "domain",
    "allowedCidrRanges",
    "allowAllAgents",
    "allowedAgents",
    "fallbackHandler",
    "fallbackHandlerUrl",
    "fingerprint",
] as const satisfies readonly (keyof GetSipConfigResult)[];

/** Outputs stored encrypted in the state (the engine re-marks them; see SipConfig). */
export const SECRET_OUTPUT_NAMES = ["fallbackHandler", "apiKey"] as const;

/** What the managed form's state holds as secrets besides those: each door stores them encrypted. */
export const SECRET_STATE_NAMES = [
    "fallbackHandler",
    "priorValues",
    "writtenValues",
    "attemptedValues",
    "keyFingerprint",
] as const;

export function toOutputs(data: SipConfigData): GetSipConfigResult {
    return { ...data, fallbackHandlerUrl: data.fallbackHandler?.url ?? null };
}
