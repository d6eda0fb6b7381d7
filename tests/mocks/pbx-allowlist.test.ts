import { expect } from "chai";
import { AGENT_A, DOMAIN, TEST_API_KEY } from "../helpers/fixtures";
import { installMockEngine, isRpcSecret, type MockEngine, settle, unwrapRpcSecret } from "../helpers/mockEngine";

const PBX_IP = "203.0.113.50";
const FALLBACK_URL = "https://pbx.example.com/ultravox/fallback";
const FALLBACK_SECRET = "pbx-allowlist-fallback-secret-0123456789";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
// This checks what the program registers. The create is not run here (so no emulator is needed):
// the managed form's real lifecycle is proven through the plugin in tests/plugin/managed.test.ts.
describe("setMocks: examples/pbx-allowlist (the managed SipConfig)", () => {
    let engine: MockEngine;
    let program: typeof import("../../examples/pbx-allowlist/index");

    before(async () => {
        engine = await installMockEngine({
            config: {
                "ultravox:apiKey": TEST_API_KEY,
                "mock-project:agentId": AGENT_A,
                "mock-project:fallbackUrl": FALLBACK_URL,
                "mock-project:fallbackSecret": FALLBACK_SECRET,
            },
            secretKeys: ["ultravox:apiKey", "mock-project:fallbackSecret"],
            otherResource: (args) => ({
                id: "eipalloc-0123456789abcdef0",
                state: { ...args.inputs, publicIp: PBX_IP },
            }),
            // Outputs as the provider would give them for an account whose domain is DOMAIN.
            dynamicCreate: (_args, inputs) => {
                const handler = inputs.fallbackHandler as { url: string; secrets: string[] };
                return {
                    id: "sip",
                    state: {
                        domain: DOMAIN,
                        allowedCidrRanges: inputs.allowedCidrRanges,
                        allowAllAgents: false,
                        allowedAgents: (inputs.allowedAgents as { agentId: string }[]).map(({ agentId }) => ({
                            agentId,
                            toUserPattern: `^agent_${agentId}$`,
                        })),
                        fallbackHandler: handler,
                        fallbackHandlerUrl: handler.url,
                    },
                };
            },
        });
        program = await import("../../examples/pbx-allowlist/index.js");
        await settle(program.agentSipUri);
    });

    it("registers the Elastic IP, then the managed SipConfig (a create: no id)", () => {
        expect(engine.resources.map(({ type, name, id }) => ({ type, name, id }))).to.deep.equal([
            { type: "aws:ec2/eip:Eip", name: "pbx", id: "" },
            { type: "pulumi-nodejs:dynamic/ultravox:SipConfig", name: "ultravox-sip", id: "" },
        ]);
        expect(engine.resources[0]?.inputs).to.deep.equal({ domain: "vpc" });
    });

    it("gives the SipConfig the Elastic IP as a /32, the agent, and the fallback handler as a secret input", () => {
        const sip = engine.resources[1];
        const { __provider, fallbackHandler, ...plain } = sip?.inputs ?? {};
        // Only the fields given: the others stay unmanaged, and no key was passed explicitly.
        expect(plain).to.deep.equal({
            allowedCidrRanges: [`${PBX_IP}/32`],
            allowedAgents: [{ agentId: AGENT_A }],
        });
        expect(isRpcSecret(fallbackHandler)).to.equal(true);
        expect(unwrapRpcSecret(fallbackHandler)).to.deep.equal({ url: FALLBACK_URL, secrets: [FALLBACK_SECRET] });
        expect(JSON.stringify(plain)).to.not.contain(FALLBACK_SECRET);
        expect(__provider).to.be.a("string");
    });

    it("asks the engine to store the handler, an explicit key, the prior values and the key's fingerprint as secrets", () => {
        expect(engine.resources[1]?.additionalSecretOutputs).to.deep.equal([
            "fallbackHandler",
            "apiKey",
            "priorValues",
            "writtenValues",
            "attemptedValues",
            "keyFingerprint",
        ]);
    });

    it("uses the managed provider, whose text holds no credential", () => {
        const text = engine.resources[1]?.inputs.__provider as string;
        expect(text).to.contain('require("pulumi-ultravox/provider-impl").create(inputs)');
        expect(text).to.contain('require("pulumi-ultravox/provider-impl").deleteResource(id, props)');
        expect(text).to.not.contain(FALLBACK_SECRET);
        expect(text).to.not.contain(TEST_API_KEY);
    });

    it("exports the PBX's address, the SIP domain and the agent's SIP URI", async () => {
        expect(await settle(program.pbxPublicIp)).to.deep.equal({ value: PBX_IP, secret: false });
        expect(await settle(program.sipDomain)).to.deep.equal({ value: DOMAIN, secret: false });
        expect(await settle(program.agentSipUri)).to.deep.equal({
            value: `sip:agent_${AGENT_A}@${DOMAIN}`,
            secret: false,
        });
    });
});
