/**
 * The repo root is itself a runnable Pulumi project (Pulumi.yaml → examples/stack-outputs). The
 * CLI would start the plugin with the root as working directory; the provider text it reads must
 * load `pulumi-ultravox/provider-impl` from there (npm ci links the package into its own node_modules).
 */
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { getConsumer } from "../helpers/consumer";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { type Plugin, SIP_CONFIG_URN, serializedProvider, startPlugin } from "../helpers/plugin";
import { REPO_ROOT } from "../helpers/repo";

describe("plugin: the repo-root project reads through the plugin started in the repo root", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let plugin: Plugin;

    before(async () => {
        emulator = await startEmulator({ account: account() });
    });
    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });

    it("Configure → Read gives the account's domain", async () => {
        const consumer = await getConsumer();
        const { text } = await serializedProvider(consumer);
        const sdkDir = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi");
        plugin = await startPlugin({ ...consumer, dir: REPO_ROOT, sdkDir });
        await plugin.configure({ "ultravox:apiKey": TEST_API_KEY, "ultravox:baseUrl": emulator.url });
        const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, { __provider: text });
        expect(read.properties.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(read.properties.allowedCidrRanges).to.deep.equal([
            "9.0.0.0/8",
            "10.1.2.0/24",
            "198.51.100.7/32",
            "203.0.113.0/24",
        ]);
    });
});
