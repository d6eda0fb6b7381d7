import type { EmulatorAccount, EmulatorSipConfig } from "pulumi-ultravox/emulator";

/** Synthetic accounts and keys for tests. Nothing here is a real credential. */
export const TEST_API_KEY = "t3stk3y0.abcdefghijklmnopqrstuvwxyz012345";
export const OTHER_API_KEY = "0th3rk3y.zyxwvutsrqponmlkjihgfedcba543210";

/** The SIP domain of the fixture account. */
export const DOMAIN = "acme-test.sip.ultravox.invalid";

export const AGENT_A = "2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f";
export const AGENT_B = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

/**
 * A SIP config as the API serves it, which a test may also bend out of shape field by field
 * (a wrong type, a missing field) to see what the client makes of it.
 */
export type SipFixture = EmulatorSipConfig & Record<string, unknown>;

/** A raw SipConfig as GET /api/sip returns it. */
export function rawSipConfig(): SipFixture {
    return {
        domain: DOMAIN,
        allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24", "198.51.100.7/32", "203.0.113.0/24", "9.0.0.0/8"],
        allowAllAgents: false,
        allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
        fallbackHandler: {
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
        },
    };
}

/** An emulator account holding `rawSipConfig()` (or the given config) behind one key. */
export function account(apiKey = TEST_API_KEY, sip: EmulatorSipConfig = rawSipConfig()): EmulatorAccount {
    return { apiKeys: [apiKey], sip };
}

/**
 * A value as a JavaScript caller may pass it, typed as the parameter it is passed to: for tests
 * of the run-time checks that TypeScript's types keep TypeScript callers from reaching.
 */
export function fromJavaScript<T>(value: unknown): T {
    return value as T;
}
