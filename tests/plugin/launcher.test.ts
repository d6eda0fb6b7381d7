/**
 * The plugin's launcher (provider/package/plugin/pulumi-resource-ultravox) runs the provider with
 * the node on PATH: it refuses a missing node or one older than 22.12 with one line on stderr that
 * names what it found and what to do, and hands a good one the provider and the engine's arguments.
 * Fake `node` scripts stand in for the versions; PATH holds only them and the two tools the
 * launcher uses, so the machine's own node is never found.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { childEnv, run, start } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

const LAUNCHER = path.join(REPO_ROOT, "provider", "package", "plugin", "pulumi-resource-ultravox");
/** As the launcher writes it: relative to its own folder, links resolved. */
const MAIN = path.join(REPO_ROOT, "dist", "package", "main.js");

describe("plugin launcher: the node it runs the provider with", () => {
    let dir: string;
    /** A folder with the launcher's tools (dirname, readlink) and nothing else. */
    let tools: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "uv-launcher-"));
        tools = path.join(dir, "tools");
        fs.mkdirSync(tools);
        for (const tool of ["dirname", "readlink"]) {
            const found = ["/usr/bin", "/bin"].map((bin) => path.join(bin, tool)).find((file) => fs.existsSync(file));
            if (found === undefined) throw new Error(`${tool} not found in /usr/bin or /bin`);
            fs.symlinkSync(found, path.join(tools, tool));
        }
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A folder holding a `node` that prints `version` for --version and, otherwise, what it was given. */
    function fakeNode(version: string): string {
        const bin = fs.mkdtempSync(path.join(dir, "node-"));
        const script = [
            "#!/bin/sh",
            `if [ "$1" = --version ]; then echo ${version}; exit 0; fi`,
            'echo "ran with: $*"',
            "",
        ].join("\n");
        fs.writeFileSync(path.join(bin, "node"), script, { mode: 0o755 });
        return bin;
    }

    function launch(pathDirs: string[]) {
        return run(LAUNCHER, ["127.0.0.1:12345"], { env: childEnv({ PATH: pathDirs.join(path.delimiter) }) });
    }

    for (const version of ["v20.11.1", "v8.17.0", "v21.7.3", "v22.11.0", "v22.0.0"]) {
        it(`node ${version}: exits 1 with one line naming that node and what to do`, async () => {
            const bin = fakeNode(version);
            const result = await launch([bin, tools]);
            expect(result.code).to.equal(1);
            expect(result.stdout).to.equal("");
            expect(result.stderr).to.equal(
                `pulumi-resource-ultravox: the node on PATH (${path.join(bin, "node")}) is ${version}; it needs Node.js 22.12 or later: install it, or put it before this one on the PATH that runs pulumi.\n`,
            );
        });
    }

    it("a node whose --version is not a version: refused as of unknown version", async () => {
        const bin = fakeNode("");
        const result = await launch([bin, tools]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.equal(
            `pulumi-resource-ultravox: the node on PATH (${path.join(bin, "node")}) is of unknown version; it needs Node.js 22.12 or later: install it, or put it before this one on the PATH that runs pulumi.\n`,
        );
    });

    it("no node on PATH: exits 1 with one line saying to install Node.js 22.12 or later", async () => {
        const result = await launch([tools]);
        expect(result.code).to.equal(1);
        expect(result.stdout).to.equal("");
        expect(result.stderr).to.equal(
            "pulumi-resource-ultravox: no node on PATH; install Node.js 22.12 or later and put it on the PATH that runs pulumi.\n",
        );
    });

    for (const version of ["v22.12.0", "v22.23.3", "v24.3.1", "v100.0.0"]) {
        it(`node ${version}: runs the package's compiled provider with the engine's arguments`, async () => {
            const result = await launch([fakeNode(version), tools]);
            expect(result.stderr).to.equal("");
            expect(result.code).to.equal(0);
            expect(result.stdout).to.equal(`ran with: ${MAIN} 127.0.0.1:12345\n`);
            expect(path.resolve(MAIN)).to.equal(path.join(REPO_ROOT, "dist", "package", "main.js"));
        });
    }

    it("with the real Node of this run, the provider starts and prints its port", async () => {
        const plugin = start(LAUNCHER, [], {
            env: childEnv({ PATH: [path.dirname(process.execPath), tools].join(path.delimiter) }),
        });
        try {
            await plugin.waitForStdout(/^\d+\n/, 10_000);
            expect(plugin.stderr()).to.equal("");
        } finally {
            await plugin.stop();
        }
    });

    it("in a source checkout without dist/ (a git clone): exits 1 with one line saying to install the npm package", async () => {
        const checkout = fs.mkdtempSync(path.join(dir, "checkout-"));
        const pluginDir = path.join(checkout, "provider", "package", "plugin");
        fs.mkdirSync(pluginDir, { recursive: true });
        fs.copyFileSync(LAUNCHER, path.join(pluginDir, "pulumi-resource-ultravox"));
        fs.chmodSync(path.join(pluginDir, "pulumi-resource-ultravox"), 0o755);
        const result = await run(path.join(pluginDir, "pulumi-resource-ultravox"), ["127.0.0.1:12345"], {
            env: childEnv({ PATH: [fakeNode("v22.23.3"), tools].join(path.delimiter) }),
        });
        expect(result.code).to.equal(1);
        expect(result.stdout).to.equal("");
        const root = fs.realpathSync(checkout);
        expect(result.stderr).to.equal(
            `pulumi-resource-ultravox: ${root} has no compiled provider (dist/package/main.js): it is a source checkout, not the installed npm package. Install pulumi-ultravox with npm (from the registry, git or a tarball) and use the plugin in node_modules/pulumi-ultravox/provider/package/plugin, or run npm ci && npm run build in ${root}.\n`,
        );
    });
});
