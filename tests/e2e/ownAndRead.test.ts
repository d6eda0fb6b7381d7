/**
 * Reading and owning in one stack (examples/own-and-read) through the real engine: the read
 * ordered after the write sees the list the same `up` wrote, the owning resource's outputs hold it
 * too, and the next preview has nothing to change.
 */
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { Engine, programAt, requirePulumi } from "./helpers/engine";

const PROJECT = "uv-own-and-read";

describe("e2e: owning and reading the SIP config in one stack (examples/own-and-read)", function () {
    this.timeout(180_000);
    let engine: Engine;
    let emulator: Emulator;
    let stack: automation.Stack;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        emulator = await startEmulator({ account: account() });
        stack = await engine.stack("dev", engine.projectDir(PROJECT), programAt("examples/own-and-read/index.js"));
        await stack.setAllConfig({
            "ultravox:apiKey": { value: TEST_API_KEY, secret: true },
            "ultravox:baseUrl": { value: emulator.url },
        });
    });
    after(async () => {
        await emulator?.close();
        engine?.cleanup();
    });

    for (const cidrs of [["192.0.2.0/24"], ["198.51.100.0/24", "203.0.113.7/32"]]) {
        it(`an up that writes ${cidrs.join(", ")} reads that list, not the one before it; the next preview changes nothing`, async () => {
            await stack.setConfig(`${PROJECT}:pbxCidrs`, { value: JSON.stringify(cidrs) });
            const up = await stack.up();
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(cidrs);
            expect(up.outputs.allowlist?.value).to.deep.equal(cidrs);
            expect(up.outputs.readAllowlist?.value).to.deep.equal(cidrs);
            expect(up.outputs.nftables?.value).to.contain(cidrs[0]);
            const preview = await stack.preview();
            expect(preview.changeSummary.update ?? 0).to.equal(0);
            expect(preview.changeSummary.create ?? 0).to.equal(0);
            expect(preview.changeSummary.replace ?? 0).to.equal(0);
        });
    }

    it("destroy gives the account back its list from before", async () => {
        await stack.destroy();
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal([
            "9.0.0.0/8",
            "10.1.2.0/24",
            "198.51.100.7/32",
            "203.0.113.0/24",
        ]);
    });
});
