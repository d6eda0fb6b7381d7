import { expect } from "chai";
import fc from "fast-check";
import {
    agentDialTargets,
    asteriskPjsip,
    carrierTrunkUris,
    explainInboundCall,
    type SipConfigData,
} from "pulumi-ultravox";
import { AGENT_A, AGENT_B, DOMAIN } from "../helpers/fixtures";

const AGENT_C = "0c0ffee0-0000-4000-8000-00000000000c";

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

describe("dial: every surface gives the same answer to 'where does a call to agent_<id> go'", () => {
    const AGENTS = [AGENT_A, AGENT_B, AGENT_C];
    /** Patterns of every kind the routing meets: exact, unanchored, Python-only, not linear, catch-alls. */
    const patternFor = (agentId: string) =>
        fc.constantFrom(
            `^agent_${agentId}$`,
            "^support$",
            "agent_",
            "(?i)AGENT_",
            "^(?=support)support$",
            `^(?=agent_)agent_${agentId}$`,
            "(a|aa)+$",
            "\\Aagent_",
            "(?P<x>agent_)",
            "",
            ".*",
            `^agent_${agentId.slice(0, 8)}`,
            "^[0-9]+$",
        );
    const config = fc
        .tuple(fc.shuffledSubarray(AGENTS, { minLength: 1 }), fc.boolean(), fc.boolean())
        .chain(([agents, allowAll, fallback]) =>
            fc.tuple(...agents.map((agentId) => patternFor(agentId))).map((patterns) =>
                sipConfig({
                    allowAllAgents: allowAll,
                    allowedAgents: agents.map((agentId, index) => ({ agentId, toUserPattern: patterns[index] ?? "" })),
                    fallbackHandler: fallback ? { url: "https://pbx.example.com/fallback", secrets: ["s"] } : null,
                }),
            ),
        );

    it("a uri (and a trunk dial string) exactly where explainInboundCall accepts agent_<id> for that agent, with no caveat", () => {
        fc.assert(
            fc.property(config, (generated) => {
                const targets = agentDialTargets(generated);
                const pjsip = asteriskPjsip(generated);
                const carrier = carrierTrunkUris(generated);
                for (const target of targets) {
                    const explained = explainInboundCall(generated, {
                        sourceIp: "192.0.2.9",
                        toUser: `agent_${target.agentId}`,
                    });
                    const certain =
                        explained.accepted && explained.agentId === target.agentId && explained.warnings.length === 0;
                    expect(target.uri !== null, JSON.stringify({ generated, target, explained })).to.equal(certain);
                    expect(target.agentId in pjsip.dialStrings).to.equal(certain);
                    expect(carrier.agents.some((agent) => agent.agentId === target.agentId)).to.equal(certain);
                    // Where there is no uri, the note says why; a pattern that decided is named in it.
                    if (!certain) expect(target.note).to.be.a("string").and.not.equal("");
                    if (explained.route === "unknown") {
                        const index = generated.allowedAgents.findIndex((agent) => agent.agentId === explained.agentId);
                        expect(target.note).to.contain(JSON.stringify(generated.allowedAgents[index]?.toUserPattern));
                    }
                }
            }),
            { numRuns: 400, seed: 21 },
        );
    });

    it("the reported examples: an agent's own lookahead, and an earlier Python-only pattern", () => {
        const lookahead = sipConfig({ allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^(?=support)support$" }] });
        const [own] = agentDialTargets(lookahead);
        expect(own?.uri).to.equal(null);
        expect(own?.note).to.match(
            new RegExp(
                `^whether agent_${AGENT_B} reaches agent ${AGENT_B} cannot be told: allowedAgents\\[0\\]\\.toUserPattern "\\^\\(\\?=support\\)support\\$" \\(agent ${AGENT_B}\\) `,
            ),
        );
        expect(explainInboundCall(lookahead, { sourceIp: "192.0.2.9", toUser: `agent_${AGENT_B}` }).route).to.equal(
            "unknown",
        );
        const earlier = sipConfig({
            allowedAgents: [
                { agentId: AGENT_C, toUserPattern: "(?i)AGENT_" },
                { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            ],
        });
        const [, second] = agentDialTargets(earlier);
        expect(second?.uri).to.equal(null);
        expect(second?.note).to.contain(
            `agent_${AGENT_A} may not reach agent ${AGENT_A}: allowedAgents[0].toUserPattern "(?i)AGENT_" (agent ${AGENT_C}) comes first and cannot be evaluated faithfully here`,
        );
    });
});
