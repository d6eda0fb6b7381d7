import { expect } from "chai";
import { agentDialTargets, explainInboundCall, type SipConfigData } from "pulumi-ultravox";

const AGENT_A = "2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f";
const AGENT_B = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const AGENT_C = "0c0ffee0-0000-4000-8000-00000000000c";
const DOMAIN = "acme-test.sip.ultravox.invalid";

/** A: default pattern; B: "support" only; C: unanchored "agent_" (so it catches A's address too, listed after A). */
function sipConfig(overrides: Partial<SipConfigData> = {}): SipConfigData {
    return {
        domain: DOMAIN,
        allowedCidrRanges: ["192.0.2.0/24"],
        allowAllAgents: false,
        allowedAgents: [
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            { agentId: AGENT_B, toUserPattern: "^support$" },
            { agentId: AGENT_C, toUserPattern: "agent_" },
        ],
        fallbackHandler: null,
        fingerprint: "0".repeat(64),
        ...overrides,
    };
}

describe("dial: agentDialTargets gives sip:agent_<id> only when it routes to that agent", () => {
    it("gives the address for a default pattern, and the pattern to dial for a custom one", () => {
        expect(agentDialTargets(sipConfig())).to.deep.equal([
            {
                agentId: AGENT_A,
                uri: `sip:agent_${AGENT_A}@${DOMAIN}`,
                toUserPattern: `^agent_${AGENT_A}$`,
                note: null,
            },
            {
                agentId: AGENT_B,
                uri: null,
                toUserPattern: "^support$",
                note: `agent_${AGENT_B} reaches agent ${AGENT_C}: dial a To user matching ^support$ at ${DOMAIN}.`,
            },
            { agentId: AGENT_C, uri: `sip:agent_${AGENT_C}@${DOMAIN}`, toUserPattern: "agent_", note: null },
        ]);
    });

    it("says where agent_<id> goes instead: the fallback handler, or nowhere", () => {
        const one = { allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }] };
        const [toFallback] = agentDialTargets(
            sipConfig({ ...one, fallbackHandler: { url: "https://pbx.example.com/f", secrets: ["s"] } }),
        );
        expect(toFallback?.note).to.equal(
            `agent_${AGENT_B} goes to the fallback handler: dial a To user matching ^support$ at ${DOMAIN}.`,
        );
        const [rejected] = agentDialTargets(sipConfig(one));
        expect(rejected?.note).to.equal(
            `agent_${AGENT_B} is rejected: dial a To user matching ^support$ at ${DOMAIN}.`,
        );
        // With allowAllAgents, agent_<id> reaches the agent whatever its pattern.
        const [wildcard] = agentDialTargets(sipConfig({ ...one, allowAllAgents: true }), { transport: "tls" });
        expect(wildcard).to.deep.equal({
            agentId: AGENT_B,
            uri: `sip:agent_${AGENT_B}@${DOMAIN};transport=tls`,
            toUserPattern: "^support$",
            note: null,
        });
    });

    it("agrees with explainInboundCall on every agent's address", () => {
        for (const config of [sipConfig(), sipConfig({ allowAllAgents: true })]) {
            for (const target of agentDialTargets(config)) {
                const call = explainInboundCall(config, { sourceIp: "192.0.2.10", toUser: `agent_${target.agentId}` });
                expect(target.uri !== null, target.agentId).to.equal(call.agentId === target.agentId);
            }
        }
    });
});
