/**
 * `pulumi package add` with the real CLI, as a YAML user does it after `npm install
 * pulumi-ultravox`: the package is added to Pulumi.yaml (the CLI condenses a local executable to
 * `ultravox@<version>`), and `pulumi up` finds the plugin through the `pulumi-resource-ultravox`
 * that npm links into node_modules/.bin. Python and Go need their own language hosts for
 * `package add` (they generate and link the SDK), which cannot be built here (README: "From
 * Python, Go and YAML").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { type Consumer, getConsumer } from "../helpers/consumer";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";
import { engineMissing } from "../helpers/tools";
import { Engine, requirePulumi, TOOLS_BIN } from "./helpers/engine";
import { run } from "./helpers/languages";

const { releasePluginDownloadUrl } = require(
    path.join(DIST_DIR, "package/distribution"),
) as typeof import("../../dist/package/distribution");

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
    .version;

const PROGRAM = `resources:
  sip:
    type: ultravox:SipConfig
    get:
      id: sip
outputs:
  sipDomain: \${sip.domain}
  allowedCidrRanges: \${sip.allowedCidrRanges}
`;

describe("e2e: pulumi package add, from a YAML project", function () {
    this.timeout(240_000);
    let engine: Engine;
    let emulator: Emulator;
    let consumer: Consumer;
    let projectDir: string;
    /** The plugin executable inside the installed npm package. */
    let pluginPath: string;

    before(async function () {
        engine = new Engine(requirePulumi(this));
        if (!fs.existsSync(path.join(TOOLS_BIN, "pulumi-language-yaml"))) {
            engineMissing(this, "the YAML language host is missing: run npm run pulumi-cli");
        }
        emulator = await startEmulator({ account: account() });
        consumer = await getConsumer();
        pluginPath = path.join(consumer.packageDir, "provider", "package", "plugin", "pulumi-resource-ultravox");
        projectDir = fs.mkdtempSync(path.join(consumer.dir, "yaml-app-"));
        fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: yaml-app\nruntime: yaml\n");
    });

    after(async () => {
        await emulator?.close();
        engine?.cleanup();
        if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
    });

    /** PATH as after `npm install`: the consumer's node_modules/.bin first, as `npm exec` or a user's PATH has it. */
    function withNpmBin(): Record<string, string> {
        return { PATH: [path.join(consumer.dir, "node_modules", ".bin"), engine.env.PATH].join(path.delimiter) };
    }

    function cli(args: string[], env: Record<string, string> = {}) {
        return run(engine, engine.pulumi, [...args, "--non-interactive"], projectDir, env, 120_000);
    }

    it("npm links the plugin executable into node_modules/.bin", () => {
        const linked = path.join(consumer.dir, "node_modules", ".bin", "pulumi-resource-ultravox");
        expect(fs.realpathSync(linked)).to.equal(fs.realpathSync(pluginPath));
        fs.accessSync(linked, fs.constants.X_OK);
    });

    it("`pulumi package add <plugin>` records ultravox@<version> in Pulumi.yaml and exits 0", async () => {
        const added = await cli(["package", "add", pluginPath]);
        expect(added.code, `${added.stdout}\n${added.stderr}`).to.equal(0);
        expect(added.stderr).to.contain("Added package Ultravox");
        expect(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).to.equal(
            `name: yaml-app\nruntime: yaml\npackages:\n  ultravox: ultravox@${VERSION}\n`,
        );
        // The SDK YAML programs use: the package's name and version, nothing to import, and where the
        // engine downloads the plugin (the schema's pluginDownloadURL) when it is not installed.
        expect(fs.readFileSync(path.join(projectDir, "sdks", "ultravox", `ultravox-${VERSION}.yaml`), "utf8")).to.equal(
            `packageDeclarationVersion: 1\nname: ultravox\nversion: ${VERSION}\ndownloadUrl: ${releasePluginDownloadUrl()}\n`,
        );
    });

    it("`pulumi up` then reads the account through the plugin found in node_modules/.bin", async () => {
        fs.appendFileSync(path.join(projectDir, "Pulumi.yaml"), PROGRAM);
        for (const args of [
            ["stack", "init", "dev"],
            ["config", "set", "--secret", "ultravox:apiKey", TEST_API_KEY],
            ["config", "set", "ultravox:baseUrl", emulator.url],
        ]) {
            const result = await cli(args);
            expect(result.code, result.stderr).to.equal(0);
        }
        const up = await cli(["up", "--yes", "--skip-preview"], withNpmBin());
        expect(up.code, `${up.stdout}\n${up.stderr}`).to.equal(0);
        const outputs = await cli(["stack", "output", "--json"]);
        expect(JSON.parse(outputs.stdout)).to.deep.equal({
            sipDomain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
        });
    });

    it("without the plugin on PATH, `up` fails naming the plugin, and reads nothing", async () => {
        const requestsBefore = emulator.requests.length;
        const up = await cli(["up", "--yes", "--skip-preview"]);
        expect(up.code).to.not.equal(0);
        expect(up.stdout).to.contain(
            `no resource plugin 'pulumi-resource-ultravox' found in the workspace at version v${VERSION} or on your $PATH`,
        );
        expect(emulator.requests.length).to.equal(requestsBefore);
    });
});
