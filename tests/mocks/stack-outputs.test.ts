import type * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, AGENT_B, account, DOMAIN, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { installMockEngine, type MockEngine, settle } from "../helpers/mockEngine";

const CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const HANDLER_URL = "https://pbx.example.com/ultravox/fallback";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
describe("setMocks: examples/stack-outputs", () => {
    let emulator: Emulator;
    let engine: MockEngine;
    let program: typeof import("../../examples/stack-outputs/index.js");

    before(async () => {
        emulator = await startEmulator({ account: account() });
        engine = await installMockEngine({
            config: { "ultravox:apiKey": TEST_API_KEY, "ultravox:baseUrl": emulator.url },
            secretKeys: ["ultravox:apiKey"],
        });
        program = await import("../../examples/stack-outputs/index.js");
    });

    after(async () => {
        await emulator?.close();
    });

    it("exports the domain, the canonical CIDRs and how to dial each agent, none of them secret", async () => {
        expect(await settle(program.sipDomain)).to.deep.equal({ value: DOMAIN, secret: false });
        expect(await settle(program.allowedCidrRanges)).to.deep.equal({ value: CIDRS, secret: false });
        // In allowedAgents order. B's custom pattern means agent_<B> does not reach B (it goes to
        // the fallback handler): no sip:agent_<B> address is given for it, its pattern is.
        expect(await settle(program.agentDialTargets)).to.deep.equal({
            value: [
                {
                    agentId: AGENT_B,
                    toUserPattern: "^support$",
                    note: `agent_${AGENT_B} goes to the fallback handler: dial a To user matching ^support$ at ${DOMAIN}.`,
                },
                {
                    agentId: AGENT_A,
                    uri: `sip:agent_${AGENT_A}@${DOMAIN}`,
                    toUserPattern: `^agent_${AGENT_A}$`,
                },
            ],
            secret: false,
        });
        expect(await settle(program.fallbackHandlerUrl)).to.deep.equal({ value: HANDLER_URL, secret: false });
    });

    it("exports the fingerprint of the normalized config without its secrets", async () => {
        // sha256 of the documented material (domain, CIDRs, allowAllAgents, [agentId, toUserPattern] pairs,
        // fallback URL) of this config, computed once outside the package: a golden value.
        expect(await settle(program.fingerprint)).to.deep.equal({
            value: "9a7598eff6b4e7ba04546f2ea794f0747c2a6d5423cdd7eb0bc1f31160b728f6",
            secret: false,
        });
    });

    it("reads through one SipConfig data source, and no export carries the fallback secrets", async () => {
        expect(engine.resources.map(({ type, name, id }) => ({ type, name, id }))).to.deep.equal([
            { type: "pulumi-nodejs:dynamic/ultravox:SipConfig", name: "ultravox-sip", id: "sip" },
        ]);
        const outputs: pulumi.Output<unknown>[] = [
            program.sipDomain,
            program.allowedCidrRanges,
            program.agentDialTargets,
            program.fallbackHandlerUrl,
        ];
        const exported = await Promise.all(outputs.map(async (output) => JSON.stringify((await settle(output)).value)));
        const secrets = (rawSipConfig().fallbackHandler as { secrets: string[] }).secrets;
        for (const secret of secrets) expect(exported.join("\n")).to.not.contain(secret);
        expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).to.deep.equal(["GET /api/sip"]);
    });
});
