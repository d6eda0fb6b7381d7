/**
 * The sample account `pulumi-ultravox-emulator --sample` serves: the same as
 * examples/accounts/sample-account.json (a test keeps them equal), built in so that the
 * emulator runs from an installed package, which ships no examples/.
 */
import type { EmulatorAccount } from "./types";

export const SAMPLE_ACCOUNT: EmulatorAccount = {
    apiKeys: ["demo1234.demodemodemodemodemodemodemodemo"],
    sip: {
        domain: "demo-account.sip.ultravox.invalid",
        allowedCidrRanges: ["203.0.113.0/24", "198.51.100.7/24", "203.0.113.0/24"],
        allowAllAgents: false,
        allowedAgents: [
            { agentId: "31502aee-411d-47c1-a2eb-f8ca732e19b6", toUserPattern: "^support(-[a-z]+)?$" },
            { agentId: "74aa6508-e44f-487e-82ec-9a64401bcde5" },
        ],
        fallbackHandler: {
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: ["demo-fallback-secret-one-not-real", "demo-fallback-secret-two-not-real"],
        },
    },
};
