/**
 * The read path with the oldest @pulumi/pulumi that the peer range admits, installed from the
 * registry into a consumer folder of its own next to the package from `npm pack`, so that the
 * program, the Automation API and the dynamic-provider plugin all run that SDK.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { getConsumer } from "../helpers/consumer";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { Engine, requirePulumi } from "./helpers/engine";

const peerRange: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).peerDependencies[
    "@pulumi/pulumi"
];
const FLOOR = /^>=(\d+\.\d+\.\d+)$/.exec(peerRange)?.[1];

async function exec(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
    const result = await run(command, args, { cwd, env, timeoutMs: 240_000 });
    if (result.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed (${result.code ?? result.signal}):\n${result.stderr}`);
    }
    return result.stdout;
}

describe(`e2e: the oldest @pulumi/pulumi in the peer range (${peerRange})`, function () {
    this.timeout(300_000);
    let engine: Engine;
    let emulator: Emulator;
    let dir: string;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        emulator = await startEmulator({ account: account() });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "uv-sdk-floor-"));
    });

    after(async () => {
        await emulator?.close();
        engine?.cleanup();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`reads the account at preview and up with @pulumi/pulumi ${FLOOR}`, async () => {
        expect(FLOOR, "the peer range is a plain >=X.Y.Z floor").to.be.a("string");
        const { tarball } = await getConsumer();
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "uv-sdk-floor", private: true }));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: uv-sdk-version\nruntime: nodejs\n");
        await exec("npm", ["install", "--no-audit", "--no-fund", `@pulumi/pulumi@${FLOOR}`, tarball], dir, process.env);
        fs.copyFileSync(path.join(REPO_ROOT, ".build/tests/e2e/programs/sdkDriver.js"), path.join(dir, "driver.js"));

        const stdout = await exec(process.execPath, ["driver.js"], dir, {
            ...process.env,
            ...engine.env,
            DRIVER_PULUMI: engine.pulumi,
            DRIVER_WORKDIR: dir,
            DRIVER_API_KEY: TEST_API_KEY,
            DRIVER_BASE_URL: emulator.url,
        });
        const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
        expect(result).to.deep.equal({
            sdk: FLOOR,
            previewCreates: 1,
            outputs: {
                domain: "acme-test.sip.ultravox.invalid",
                allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
                fingerprint: "9a7598eff6b4e7ba04546f2ea794f0747c2a6d5423cdd7eb0bc1f31160b728f6",
                functionDomain: "acme-test.sip.ultravox.invalid",
            },
        });
    });
});
