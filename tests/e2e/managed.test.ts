/**
 * The managed form through the real engine: examples/pbx-allowlist (given its PBX address, so no
 * AWS resource is needed) created, updated, drifted, set back, refreshed and destroyed, with the
 * emulator's account checked after each step; then a write that lands but is answered too late.
 */
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { type Emulator, type EmulatorSipConfig, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { Engine, failureOf, occurrences, programAt, requirePulumi, stateResource, Transcript } from "./helpers/engine";

const PROJECT = "uv-pbx-allowlist";
const FALLBACK_URL = "https://pbx.example.com/ultravox/fallback-managed";
const FALLBACK_SECRET = "managed-e2e-fallback-secret-0123456789";
const ORIGINAL = rawSipConfig() as unknown as EmulatorSipConfig;
// What delete writes back: the fields as they were read before the take-over, canonical.
const RESTORED = {
    allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
    allowedAgents: ORIGINAL.allowedAgents.map((agent) => ({
        agentId: agent.agentId,
        toUserPattern: agent.toUserPattern ?? `^agent_${agent.agentId}$`,
    })),
    fallbackHandler: ORIGINAL.fallbackHandler,
};

describe("e2e: the managed SipConfig (examples/pbx-allowlist) in the real engine", function () {
    this.timeout(180_000);
    let engine: Engine;
    let emulator: Emulator;
    let workDir: string;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        emulator = await startEmulator({ account: account() });
        workDir = engine.projectDir(PROJECT);
    });

    after(async () => {
        await emulator?.close();
        engine?.cleanup();
    });

    async function pbxStack(name: string, pbxPublicIp: string): Promise<automation.Stack> {
        const stack = await engine.stack(name, workDir, programAt("examples/pbx-allowlist/index.js"));
        await stack.setAllConfig({
            "ultravox:apiKey": { value: TEST_API_KEY, secret: true },
            "ultravox:baseUrl": { value: emulator.url },
            [`${PROJECT}:agentId`]: { value: AGENT_A },
            [`${PROJECT}:fallbackUrl`]: { value: FALLBACK_URL },
            [`${PROJECT}:fallbackSecret`]: { value: FALLBACK_SECRET, secret: true },
            [`${PROJECT}:pbxPublicIp`]: { value: pbxPublicIp },
        });
        return stack;
    }

    function managedFields(): Record<string, unknown> {
        const { allowedCidrRanges, allowedAgents, fallbackHandler } = emulator.account.sip;
        return { allowedCidrRanges, allowedAgents, fallbackHandler };
    }

    const WRITTEN = (ip: string) => ({
        allowedCidrRanges: [`${ip}/32`],
        // As written: the pattern left out is the API's default, not stored.
        allowedAgents: [{ agentId: AGENT_A }],
        fallbackHandler: { url: FALLBACK_URL, secrets: [FALLBACK_SECRET] },
    });

    describe("create, update, drift, refresh, destroy", () => {
        let stack: automation.Stack;

        it("up creates: the account gets the PBX's /32, the agent and the handler; allowAllAgents is untouched", async () => {
            stack = await pbxStack("lifecycle", "203.0.113.50");
            const up = await stack.up();
            expect(up.summary.resourceChanges).to.deep.include({ create: 2 });
            expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.50"));
            expect(emulator.account.sip.allowAllAgents).to.equal(false);
            expect(up.outputs.agentSipUri?.value).to.equal(`sip:agent_${AGENT_A}@acme-test.sip.ultravox.invalid`);
            // The handler's secret and the key are encrypted in every file of the backend.
            for (const { file, bytes } of engine.backendFiles()) {
                expect(occurrences(bytes, FALLBACK_SECRET), file).to.equal(0);
                expect(occurrences(bytes, TEST_API_KEY), file).to.equal(0);
            }
        });

        it("a changed address is an update of the account", async () => {
            await stack.setConfig(`${PROJECT}:pbxPublicIp`, { value: "203.0.113.51" });
            const up = await stack.up();
            expect(up.summary.resourceChanges).to.deep.include({ update: 1 });
            expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.51"));
        });

        it("an edit in the console shows as drift at preview, and up sets it back", async () => {
            emulator.replaceSip({ ...emulator.account.sip, allowedCidrRanges: ["198.51.100.99/32"] });
            const preview = new Transcript();
            const result = await stack.preview(preview);
            expect(result.changeSummary.update).to.equal(1);
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["198.51.100.99/32"]);
            await stack.up();
            expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.51"));
        });

        it("refresh succeeds and changes nothing in the account", async () => {
            const before = emulator.requests.filter((request) => request.method === "PATCH").length;
            expect((await stack.refresh()).summary.result).to.equal("succeeded");
            expect(emulator.requests.filter((request) => request.method === "PATCH")).to.have.length(before);
            expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.51"));
        });

        it("destroy sets the fields back to what they were before the stack took them over", async () => {
            expect((await stack.destroy()).summary.result).to.equal("succeeded");
            expect(managedFields()).to.deep.equal(RESTORED);
            expect(emulator.account.sip.domain).to.equal(ORIGINAL.domain);
        });
    });

    describe("a failed write", () => {
        it("a PATCH applied but answered after the deadline still leaves a state from which destroy restores", async () => {
            emulator.replaceSip(rawSipConfig() as unknown as EmulatorSipConfig);
            const stack = await pbxStack("late-answer", "203.0.113.60");
            // Longer than the client's 30 s deadline: the write lands, the answer never arrives in time.
            emulator.addFault({ method: "PATCH", answerDelayMs: 40_000 });
            const run = new Transcript();
            await failureOf(() => stack.up(run));
            expect(run.all).to.match(/UltravoxError \[timeout\]: PATCH .* did not complete within 30000 ms/);
            expect(run.all).to.contain("The stack recorded the account's values from before this write");
            expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.60"));

            // The engine recorded the resource despite the failure, with the values read before the write.
            const exported = await stack.exportStack();
            const recorded = exported.deployment.resources.filter(
                (resource: { type: string }) => resource.type === "pulumi-nodejs:dynamic/ultravox:SipConfig",
            );
            expect(recorded).to.have.length(1);

            emulator.clearFaults();
            expect((await stack.destroy()).summary.result).to.equal("succeeded");
            expect(managedFields()).to.deep.equal(RESTORED);
        });
    });

    describe("account identity and operator edits", () => {
        const SIP_CONFIG = "pulumi-nodejs:dynamic/ultravox:SipConfig";
        const patches = (em: Emulator) => em.requests.filter((request) => request.method === "PATCH").length;

        beforeEach(() => emulator.replaceSip(rawSipConfig() as unknown as EmulatorSipConfig));

        it("switching ultravox:baseUrl to another account replaces: the first is restored, the second written", async () => {
            const secondSip = { ...ORIGINAL, domain: "second-account.sip.ultravox.invalid" };
            const second = await startEmulator({ account: account(TEST_API_KEY, secondSip) });
            try {
                const stack = await pbxStack("switch-account", "203.0.113.70");
                await stack.up();
                expect(managedFields()).to.deep.equal(WRITTEN("203.0.113.70"));
                const first = stateResource(await stack.exportStack(), SIP_CONFIG);
                expect(first.outputs.accountBaseUrl).to.equal(emulator.url);
                expect(first.outputs.accountDomain).to.equal("acme-test.sip.ultravox.invalid");

                await stack.setConfig("ultravox:baseUrl", { value: second.url });
                const up = await stack.up();
                expect(up.summary.resourceChanges).to.deep.include({ replace: 1 });
                // The first account got its values back; the second was taken over.
                expect(managedFields()).to.deep.equal(RESTORED);
                const { allowedCidrRanges, allowedAgents, fallbackHandler } = second.account.sip;
                expect({ allowedCidrRanges, allowedAgents, fallbackHandler }).to.deep.equal(WRITTEN("203.0.113.70"));
                const replaced = stateResource(await stack.exportStack(), SIP_CONFIG);
                expect(replaced.outputs.accountBaseUrl).to.equal(second.url);
                expect(replaced.outputs.accountDomain).to.equal("second-account.sip.ultravox.invalid");

                expect((await stack.destroy()).summary.result).to.equal("succeeded");
                expect(second.account.sip.allowedCidrRanges).to.deep.equal(RESTORED.allowedCidrRanges);
                expect(managedFields()).to.deep.equal(RESTORED);
            } finally {
                await second.close();
            }
        });

        it("the same key and URL reaching another account: refresh and destroy refuse with a conflict", async () => {
            const stack = await pbxStack("other-domain", "203.0.113.71");
            await stack.up();
            const other = { ...emulator.account.sip, domain: "someone-else.sip.ultravox.invalid" };
            emulator.replaceSip(other);
            const before = patches(emulator);
            const message =
                'was written to the account with domain "acme-test.sip.ultravox.invalid", but the key and base URL now reach the account with domain "someone-else.sip.ultravox.invalid"';
            const refresh = new Transcript();
            await failureOf(() => stack.refresh(refresh));
            expect(refresh.all).to.contain(`${message}; refresh refused`);
            const destroy = new Transcript();
            await failureOf(() => stack.destroy(destroy));
            expect(destroy.all).to.contain(`${message}; delete refused`);
            expect(patches(emulator)).to.equal(before);
            expect(emulator.account.sip).to.deep.equal(other);

            // The first account back behind the URL: destroy restores it.
            emulator.replaceSip({ ...other, domain: ORIGINAL.domain });
            expect((await stack.destroy()).summary.result).to.equal("succeeded");
            expect(managedFields()).to.deep.equal(RESTORED);
        });

        it("destroy keeps a field an operator changed since the last up, and warns naming it", async () => {
            const stack = await pbxStack("operator-edit", "203.0.113.72");
            await stack.up();
            emulator.replaceSip({ ...emulator.account.sip, allowedCidrRanges: ["198.51.100.123/32"] });
            const destroy = new Transcript();
            expect((await stack.destroy(destroy)).summary.result).to.equal("succeeded");
            expect(managedFields()).to.deep.equal({ ...RESTORED, allowedCidrRanges: ["198.51.100.123/32"] });
            expect(destroy.all).to.contain(
                "allowedCidrRanges was changed outside this stack since its last write, so delete keeps the current value",
            );
        });
    });
});
