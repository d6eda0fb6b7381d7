/**
 * What only the engine decides: the order of a read after a write (dependsOn), unknown connection
 * settings at preview, and the Automation API as platform teams use it.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, OTHER_API_KEY, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { Engine, programAt, requirePulumi } from "./helpers/engine";

describe("e2e: engine semantics", function () {
    this.timeout(120_000);
    let engine: Engine;
    let emulator: Emulator;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        emulator = await startEmulator({ account: { ...account(), apiKeys: [TEST_API_KEY, OTHER_API_KEY] } });
    });

    beforeEach(() => emulator.replaceSip(rawSipConfig() as never));

    after(async () => {
        await emulator?.close();
        engine?.cleanup();
    });

    function requestsSince(count: number): string[] {
        return emulator.requests.slice(count).map((request) => `${request.method} ${request.headers["x-api-key"]}`);
    }

    it("getSipConfigOutput with dependsOn on a managed SipConfig: nothing read at the first preview, read after the write at up", async () => {
        const dir = engine.projectDir("uv-read-after-write");
        const stack = await engine.stack("dev", dir, programAt("tests/e2e/programs/readAfterWrite.js"));
        await stack.setAllConfig({
            "ultravox:apiKey": { value: TEST_API_KEY, secret: true },
            "ultravox:baseUrl": { value: emulator.url },
        });
        const seen = emulator.requests.length;
        const preview = await stack.preview();
        expect(preview.changeSummary.create).to.equal(2);
        // The owner is still to be created, so its id is unknown: the function sends no request.
        expect(requestsSince(seen)).to.deep.equal([]);

        const up = await stack.up();
        expect(up.outputs.cidrsReadAfterWrite?.value).to.deep.equal(["192.0.2.10/32"]);
        expect(requestsSince(seen).map((line) => line.split(" ")[0])).to.deep.equal([
            "GET", // create: the values before the write
            "PATCH",
            "GET", // create: the read-back
            "GET", // getSipConfigOutput, after the write
        ]);
        await stack.destroy();
    });

    it("SipConfig.get given a key that is another resource's output reads no account at preview, then reads with that key", async () => {
        const dir = engine.projectDir("uv-key-from-resource");
        const stack = await engine.stack("dev", dir, programAt("tests/e2e/programs/keyFromResource.js"));
        await stack.setAllConfig({
            // The stack's own key: the read must never fall back to it.
            "ultravox:apiKey": { value: TEST_API_KEY, secret: true },
            "ultravox:baseUrl": { value: emulator.url },
            "uv-key-from-resource:otherKey": { value: OTHER_API_KEY, secret: true },
        });
        const seen = emulator.requests.length;
        const preview = await stack.preview();
        expect(preview.changeSummary.create).to.equal(2);
        expect(requestsSince(seen)).to.deep.equal([]);

        const up = await stack.up();
        expect(up.outputs.otherDomain?.value).to.equal("acme-test.sip.ultravox.invalid");
        expect(requestsSince(seen)).to.deep.equal([`GET ${OTHER_API_KEY}`]);
        // Known now: the next preview reads, with the other key still.
        const previewSeen = emulator.requests.length;
        await stack.preview();
        expect(requestsSince(previewSeen)).to.deep.equal([`GET ${OTHER_API_KEY}`]);
    });

    it("an inline program through LocalWorkspace, as a platform team runs it", async () => {
        const { SipConfig } = await import("pulumi-ultravox");
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                projectName: "uv-platform",
                stackName: "tenant-a",
                program: async () => {
                    const sip = SipConfig.get("ultravox-sip", "sip");
                    return { domain: sip.domain, cidrCount: sip.allowedCidrRanges.apply((c) => c.length) };
                },
            },
            {
                workDir: engine.projectDir("uv-platform"),
                envVars: engine.env,
                pulumiCommand: await engine.command(),
            },
        );
        await stack.setConfig("ultravox:apiKey", { value: TEST_API_KEY, secret: true });
        await stack.setConfig("ultravox:baseUrl", { value: emulator.url });
        const up = await stack.up();
        expect(up.summary.result).to.equal("succeeded");
        expect(await stack.outputs()).to.deep.equal({
            domain: { value: "acme-test.sip.ultravox.invalid", secret: false },
            cidrCount: { value: 4, secret: false },
        });
        expect((await stack.destroy()).summary.result).to.equal("succeeded");
    });
});
