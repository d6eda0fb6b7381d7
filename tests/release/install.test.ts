/**
 * The release, proven offline: `npm run release` builds every artifact with the plugin's download
 * URL pointing at a static server on 127.0.0.1; they are published to real registries on
 * 127.0.0.1 (verdaccio, pypiserver, a file-system Go module proxy); fresh projects install the
 * package by name, each with a fresh PULUMI_HOME and automatic plugin acquisition on, and
 * `pulumi up` reads the emulated account. Python, Go and YAML run with no `node` and no plugin on
 * PATH: the engine downloads the self-contained plugin by itself.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { type SipConfigData, UltravoxClient } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { childEnv, type RunResult, run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { removeDir, skipBecause, tempDir, which } from "../helpers/tools";
import {
    type Server,
    type StaticServer,
    startPypiserver,
    startStaticServer,
    startVerdaccio,
    TOOLS_PYTHON,
    uploadToPypi,
    VERDACCIO,
} from "./helpers/registries";

const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
const PROGRAMS = path.join(REPO_ROOT, "tests", "release", "programs");
const PASSPHRASE = "release-proof-passphrase-not-a-secret";
const MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
    devDependencies: Record<string, string>;
};
const VERSION = MANIFEST.version;
const TARGETS = ["linux-amd64", "linux-arm64", "windows-amd64"];
const HOST_TARBALL = `pulumi-resource-ultravox-v${VERSION}-linux-amd64.tar.gz`;

/** What the proof needs: npm run pulumi-cli makes all of it; a skip says which is missing (a failure under CI=true). */
function requireReleaseTools(context: Mocha.Context): void {
    const missing = [
        [path.join(TOOLS_BIN, "pulumi"), "the Pulumi CLI"],
        [path.join(TOOLS_BIN, "pulumi-language-yaml"), "the YAML language host"],
        [path.join(TOOLS_BIN, "ultravox-sdkgen"), "the SDK generator"],
        [path.join(TOOLS_BIN, "gomodzip"), "the Go module-proxy writer"],
        [VERDACCIO, "verdaccio"],
        [TOOLS_PYTHON, "the Python venv with build and pypiserver"],
    ]
        .filter(([file]) => !fs.existsSync(file as string))
        .map(([, what]) => what as string);
    for (const tool of ["go", "python3", "tar", "gzip"]) if (which(tool) === undefined) missing.push(tool);
    if (process.platform !== "linux" || process.arch !== "x64")
        missing.push("a linux-amd64 machine (the executable it runs)");
    if (missing.length === 0) return;
    const reason = `missing ${missing.join(", ")}: run npm run pulumi-cli`;
    if (process.env.CI === "true") throw new Error(`CI=true and ${reason}.`);
    skipBecause(context, reason);
}

function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function lastLine(text: string): string {
    return text.trimEnd().split("\n").at(-1) ?? "";
}

function expectSucceeded(result: RunResult, what: string): void {
    expect(result.code, `${what} failed:\n${result.stdout}\n${result.stderr}`).to.equal(0);
}

/**
 * A user's machine for one project: a fresh PULUMI_HOME and file backend, and a PATH holding only
 * what the user installed: the CLI (and the YAML host), plus `extraPath`. Nothing named
 * pulumi-resource-ultravox and no `node` is on it unless extraPath brings node (TypeScript).
 */
class UserMachine {
    readonly dir: string;
    readonly home: string;
    readonly env: NodeJS.ProcessEnv;
    readonly path: string[];

    constructor(name: string, extraPath: string[] = []) {
        this.dir = tempDir(`uv-release-${name}-`);
        this.home = path.join(this.dir, "pulumi-home");
        const bin = path.join(this.dir, "bin");
        fs.mkdirSync(bin);
        for (const tool of ["pulumi", "pulumi-language-yaml"])
            fs.symlinkSync(path.join(TOOLS_BIN, tool), path.join(bin, tool));
        fs.mkdirSync(path.join(this.dir, "backend"));
        this.path = [bin, ...extraPath];
        this.env = childEnv({
            PATH: this.path.join(path.delimiter),
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        });
        expect(this.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).to.equal(undefined);
    }

    /** Whether any folder of this machine's PATH holds `command`. */
    onPath(command: string): boolean {
        return this.path.some((dir) => fs.existsSync(path.join(dir, command)));
    }

    run(command: string, args: readonly string[], cwd: string, timeoutMs = 300_000): Promise<RunResult> {
        return run(command, args, { cwd, env: this.env, timeoutMs });
    }

    pulumi(args: readonly string[], cwd: string, timeoutMs = 300_000): Promise<RunResult> {
        return this.run(path.join(TOOLS_BIN, "pulumi"), [...args, "--non-interactive"], cwd, timeoutMs);
    }

    /** A project folder with a Pulumi.yaml, and its stack set up with the CLI as a user sets it up. */
    async project(name: string, runtime: string, emulator: Emulator, yaml?: string): Promise<string> {
        const dir = path.join(this.dir, name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml ?? `name: ${name}\nruntime: ${runtime}\n`);
        for (const args of [
            ["stack", "init", "release"],
            ["config", "set", "--secret", "ultravox:apiKey", TEST_API_KEY],
            ["config", "set", "ultravox:baseUrl", emulator.url],
        ]) {
            expectSucceeded(await this.pulumi(args, dir), `pulumi ${args.slice(0, 2).join(" ")}`);
        }
        return dir;
    }

    /** The plugin as the engine installed it in this machine's PULUMI_HOME. */
    installedPlugin(version = VERSION): string {
        return path.join(this.home, "plugins", `resource-ultravox-v${version}`, "pulumi-resource-ultravox");
    }

    cleanup(): void {
        removeDir(this.dir);
    }
}

describe("release: every artifact installs by name from registries on 127.0.0.1", function () {
    this.timeout(900_000);
    let out: string;
    let releaseOutput: string;
    let modulePath: string;
    let plugins: StaticServer;
    let emulator: Emulator;
    let normalized: SipConfigData;
    const machines: UserMachine[] = [];
    const servers: Server[] = [];

    function machine(name: string, extraPath: string[] = []): UserMachine {
        const created = new UserMachine(name, extraPath);
        machines.push(created);
        return created;
    }

    /** Exactly what the emulated account holds, as the program exported it. */
    function expectAccount(outputs: Record<string, unknown>): void {
        expect(outputs).to.deep.equal({ domain: normalized.domain, allowedCidrRanges: normalized.allowedCidrRanges });
    }

    /** The engine fetched the plugin from the release's server into the fresh home, by itself. */
    function expectDownloaded(user: UserMachine, requestsBefore: number): void {
        expect(user.onPath("node"), "node on the user's PATH").to.equal(false);
        expect(user.onPath("pulumi-resource-ultravox"), "a plugin on the user's PATH").to.equal(false);
        expect(plugins.requests.slice(requestsBefore)).to.include(`GET /release/${HOST_TARBALL}`);
        const installed = user.installedPlugin();
        expect(fs.existsSync(installed), `${installed} installed by the engine`).to.equal(true);
        const executable = fs.readFileSync(installed);
        expect(executable.subarray(0, 4).toString("latin1")).to.equal("\x7fELF");
    }

    before(async function () {
        this.timeout(900_000);
        requireReleaseTools(this);
        out = tempDir("uv-release-out-");
        plugins = await startStaticServer({
            release: path.join(out, "plugin"),
            tampered: path.join(out, "tampered"),
            mismatch: path.join(out, "mismatch"),
        });
        servers.push(plugins);
        // The exact interface a release check calls, with this run's node (22 or 24) first on PATH.
        const release = await run(
            "npm",
            ["run", "release", "--silent", "--", "--out", out, "--plugin-url", `${plugins.url}/release`],
            {
                cwd: REPO_ROOT,
                env: childEnv({ PATH: [path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter) }),
                timeoutMs: 600_000,
            },
        );
        expectSucceeded(release, "npm run release");
        releaseOutput = release.stdout;
        modulePath = lastLine(release.stdout);
        emulator = await startEmulator({ account: account() });
        normalized = await new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url }).getSipConfig();
    });

    after(async () => {
        for (const server of servers) await server.close();
        await emulator?.close();
        for (const user of machines) user.cleanup();
        removeDir(out);
    });

    it("lays out npm/, python/, goproxy/ and plugin/ at one version, and prints the Go module path last", () => {
        expect(modulePath).to.equal("github.com/pulumi-ultravox/pulumi-ultravox/provider/package/sdk/go");
        expect(fs.readdirSync(path.join(out, "npm"))).to.deep.equal([`pulumi-ultravox-${VERSION}.tgz`]);
        expect(fs.readdirSync(path.join(out, "python")).sort()).to.deep.equal([
            `pulumi_ultravox-${VERSION}-py3-none-any.whl`,
            `pulumi_ultravox-${VERSION}.tar.gz`,
        ]);
        const proxy = path.join(out, "goproxy", modulePath, "@v");
        expect(fs.readdirSync(proxy).sort()).to.deep.equal([
            "list",
            `v${VERSION}.info`,
            `v${VERSION}.mod`,
            `v${VERSION}.zip`,
        ]);
        expect(fs.readFileSync(path.join(proxy, "list"), "utf8")).to.equal(`v${VERSION}\n`);
        expect(JSON.parse(fs.readFileSync(path.join(proxy, `v${VERSION}.info`), "utf8")).Version).to.equal(
            `v${VERSION}`,
        );
        expect(fs.readFileSync(path.join(proxy, `v${VERSION}.mod`), "utf8")).to.match(
            new RegExp(`^module ${modulePath}\\n`),
        );
        expect(fs.readdirSync(path.join(out, "plugin")).sort()).to.deep.equal(
            ["SHA256SUMS", ...TARGETS.map((target) => `pulumi-resource-ultravox-v${VERSION}-${target}.tar.gz`)].sort(),
        );
        expect(releaseOutput).to.contain(`npm/pulumi-ultravox-${VERSION}.tgz`);
    });

    it("publishes checksums that match the tarballs the server serves, each a self-contained executable at its root", async () => {
        const sums = fs.readFileSync(path.join(out, "plugin", "SHA256SUMS"), "utf8");
        const lines = sums.trimEnd().split("\n");
        expect(lines).to.have.length(TARGETS.length);
        for (const target of TARGETS) {
            const name = `pulumi-resource-ultravox-v${VERSION}-${target}.tar.gz`;
            const served = Buffer.from(await (await fetch(`${plugins.url}/release/${name}`)).arrayBuffer());
            expect(lines).to.include(`${crypto.createHash("sha256").update(served).digest("hex")}  ${name}`);
            const listing = await run("tar", ["-tzf", path.join(out, "plugin", name)]);
            const exe = target.startsWith("windows") ? "pulumi-resource-ultravox.exe" : "pulumi-resource-ultravox";
            expect(listing.stdout.trim().split("\n").sort()).to.deep.equal(["LICENSE", "NODE-LICENSE", exe]);
        }
        // The user's own check, sha256sum -c, passes on the published files.
        const check = await run("sha256sum", ["-c", "SHA256SUMS"], { cwd: path.join(out, "plugin") });
        expectSucceeded(check, "sha256sum -c SHA256SUMS");
    });

    it("TypeScript: npm install pulumi-ultravox from verdaccio, and pulumi up reads the emulated account", async () => {
        const uplink = (await run("npm", ["config", "get", "registry"])).stdout.trim() || "https://registry.npmjs.org/";
        const registry = await startVerdaccio(uplink);
        servers.push(registry);
        const publish = await run(
            "npm",
            ["publish", path.join(out, "npm", `pulumi-ultravox-${VERSION}.tgz`), "--userconfig", registry.userconfig],
            {
                timeoutMs: 120_000,
            },
        );
        expectSucceeded(publish, "npm publish");

        // node is the TypeScript user's runtime; the dynamic provider's launcher sits beside the CLI.
        const user = machine("typescript", [TOOLS_BIN, path.dirname(process.execPath), "/usr/bin", "/bin"]);
        const dir = await user.project("release-typescript", "nodejs", emulator);
        fs.writeFileSync(
            path.join(dir, "package.json"),
            `${JSON.stringify({ name: "release-typescript", private: true }, null, 2)}\n`,
        );
        const sdkVersion = MANIFEST.devDependencies["@pulumi/pulumi"]?.replace(/^\^/, "") as string;
        const install = await user.run(
            "npm",
            [
                "install",
                `pulumi-ultravox@${VERSION}`,
                `@pulumi/pulumi@${sdkVersion}`,
                "--userconfig",
                registry.userconfig,
                "--no-audit",
                "--no-fund",
            ],
            dir,
            300_000,
        );
        expectSucceeded(install, "npm install from verdaccio");
        const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version?: string; resolved?: string }>;
        };
        expect(lock.packages["node_modules/pulumi-ultravox"]?.version).to.equal(VERSION);
        expect(lock.packages["node_modules/pulumi-ultravox"]?.resolved).to.equal(
            `${registry.url}pulumi-ultravox/-/pulumi-ultravox-${VERSION}.tgz`,
        );
        fs.copyFileSync(path.join(PROGRAMS, "typescript", "run.js"), path.join(dir, "run.js"));
        const up = await user.run(process.execPath, ["run.js", dir, "release"], dir);
        expectSucceeded(up, "the TypeScript program's up");
        expectAccount(JSON.parse(lastLine(up.stdout)));
    });

    it("Python: pip install pulumi_ultravox from pypiserver; the engine downloads the plugin; no node on PATH", async () => {
        const pypi = await startPypiserver();
        servers.push(pypi);
        for (const file of fs.readdirSync(path.join(out, "python"))) {
            await uploadToPypi(pypi, path.join(out, "python", file), "pulumi_ultravox", VERSION);
        }

        const user = machine("python");
        const venv = path.join(user.dir, "venv");
        expectSucceeded(await run("python3", ["-m", "venv", venv], { timeoutMs: 120_000 }), "python3 -m venv");
        // The package only from this index; its dependencies (the Pulumi SDK) from this machine's,
        // at the versions the repo pins.
        const install = await run(
            path.join(venv, "bin", "python"),
            [
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "--index-url",
                `${pypi.url}/simple/`,
                "--extra-index-url",
                process.env.PIP_INDEX_URL ?? "https://pypi.org/simple/",
                "-c",
                path.join(REPO_ROOT, "tools", "python", "requirements.txt"),
                `pulumi_ultravox==${VERSION}`,
            ],
            { timeoutMs: 300_000 },
        );
        expectSucceeded(install, "pip install pulumi_ultravox");
        const pluginJson = await run(path.join(venv, "bin", "python"), [
            "-c",
            "import importlib.resources, json; print(importlib.resources.files('pulumi_ultravox').joinpath('pulumi-plugin.json').read_text())",
        ]);
        expect(JSON.parse(pluginJson.stdout)).to.deep.equal({
            resource: true,
            name: "ultravox",
            version: VERSION,
            server: `${plugins.url}/release`,
        });

        const dir = await user.project("release-python", "python", emulator);
        const requestsBefore = plugins.requests.length;
        const up = await user.run(
            path.join(venv, "bin", "python"),
            [path.join(PROGRAMS, "python", "driver.py"), dir, "release"],
            dir,
        );
        expectSucceeded(up, "the Python program's up");
        expectAccount(JSON.parse(lastLine(up.stdout)));
        expectDownloaded(user, requestsBefore);
    });

    it("Go: go get the module through the module proxy; the engine downloads the plugin; no node on PATH", async () => {
        const user = machine("go");
        const dir = await user.project("release-go", "go", emulator);
        fs.writeFileSync(
            path.join(dir, "main.go"),
            fs.readFileSync(path.join(PROGRAMS, "go", "main.go"), "utf8").replace("MODULE_PATH", modulePath),
        );
        const cliVersion = fs.readFileSync(path.join(TOOLS_BIN, ".pulumi-version"), "utf8").trim();
        const usualProxy = (await run("go", ["env", "GOPROXY"])).stdout.trim();
        const goEnv = childEnv({
            GOPROXY: `file://${path.join(out, "goproxy")},${usualProxy}`,
            // The checksum database does not know a module that was never published.
            GONOSUMDB: modulePath,
            GOFLAGS: "-mod=mod",
        });
        const go = (args: string[]) => run("go", args, { cwd: dir, env: goEnv, timeoutMs: 600_000 });
        // The module cache keeps a version once fetched, as versions never change; each run of
        // this proof builds the same version anew (its plugin URL names this run's server), so
        // what an earlier run left of this module is removed first.
        const modCache = (await run("go", ["env", "GOMODCACHE"])).stdout.trim();
        for (const cached of [
            path.join(modCache, `${modulePath}@v${VERSION}`),
            path.join(modCache, "cache", "download", modulePath),
        ]) {
            if (!fs.existsSync(cached)) continue;
            expectSucceeded(await run("chmod", ["-R", "u+w", cached]), `chmod -R u+w ${cached}`);
            fs.rmSync(cached, { recursive: true, force: true });
        }
        expectSucceeded(await go(["mod", "init", "example.com/release-go"]), "go mod init");
        expectSucceeded(
            await go(["get", `${modulePath}@v${VERSION}`, `github.com/pulumi/pulumi/sdk/v3@${cliVersion}`]),
            "go get",
        );
        expectSucceeded(await go(["mod", "tidy"]), "go mod tidy");
        expect(fs.readFileSync(path.join(dir, "go.mod"), "utf8")).to.contain(`\t${modulePath} v${VERSION}\n`);
        expectSucceeded(await go(["build", "-o", "release-go", "."]), "go build");

        const requestsBefore = plugins.requests.length;
        const up = await user.run(path.join(dir, "release-go"), [dir, "release"], dir);
        expectSucceeded(up, "the Go program's up");
        expectAccount(JSON.parse(lastLine(up.stdout)));
        expectDownloaded(user, requestsBefore);
    });

    /** The YAML program of tests/release/programs, asking for `version` from `server`. */
    function yamlProject(version: string, server: string): string {
        return fs
            .readFileSync(path.join(PROGRAMS, "yaml", "Pulumi.yaml"), "utf8")
            .replace("PLUGIN_VERSION", JSON.stringify(version))
            .replace("PLUGIN_DOWNLOAD_URL", JSON.stringify(server));
    }

    it("YAML: the package by name and version; the engine downloads the plugin; no node on PATH", async () => {
        const user = machine("yaml");
        const dir = await user.project(
            "release-yaml",
            "yaml",
            emulator,
            yamlProject(VERSION, `${plugins.url}/release`),
        );
        const requestsBefore = plugins.requests.length;
        expectSucceeded(await user.pulumi(["up", "--yes", "--stack", "release"], dir), "pulumi up (YAML)");
        const outputs = await user.pulumi(["stack", "output", "--json", "--stack", "release"], dir);
        expectSucceeded(outputs, "pulumi stack output");
        expectAccount(JSON.parse(outputs.stdout));
        expectDownloaded(user, requestsBefore);
    });

    it("refuses a tampered tarball: its checksum is not the one the release published", async () => {
        const published = sha256(path.join(out, "plugin", HOST_TARBALL));
        // A valid archive whose executable has one byte more: it would still run.
        const unpacked = tempDir("uv-release-tamper-");
        try {
            expectSucceeded(
                await run("tar", ["-xzf", path.join(out, "plugin", HOST_TARBALL), "-C", unpacked]),
                "tar -x",
            );
            fs.appendFileSync(path.join(unpacked, "pulumi-resource-ultravox"), "\n");
            fs.mkdirSync(path.join(out, "tampered"), { recursive: true });
            const tampered = path.join(out, "tampered", HOST_TARBALL);
            expectSucceeded(await run("sh", ["-c", `tar -C "$1" -czf "$2" .`, "sh", unpacked, tampered]), "tar -c");
            expect(sha256(tampered)).to.not.equal(published);
        } finally {
            removeDir(unpacked);
        }
        fs.copyFileSync(path.join(out, "plugin", "SHA256SUMS"), path.join(out, "tampered", "SHA256SUMS"));
        const check = await run("sha256sum", ["-c", "--ignore-missing", "SHA256SUMS"], {
            cwd: path.join(out, "tampered"),
        });
        expect(check.code).to.equal(1);
        expect(check.stdout).to.contain(`${HOST_TARBALL}: FAILED`);

        // The engine itself, given the published checksum, refuses it and installs nothing.
        const user = machine("tampered");
        const install = await user.pulumi(
            [
                "plugin",
                "install",
                "resource",
                "ultravox",
                VERSION,
                "--server",
                `${plugins.url}/tampered`,
                "--checksum",
                published,
            ],
            user.dir,
        );
        expect(install.code).to.not.equal(0);
        expect(install.stderr).to.contain("invalid checksum");
        expect(fs.existsSync(user.installedPlugin())).to.equal(false);
        // ...and takes the untampered one with the same checksum.
        const good = await user.pulumi(
            [
                "plugin",
                "install",
                "resource",
                "ultravox",
                VERSION,
                "--server",
                `${plugins.url}/release`,
                "--checksum",
                published,
            ],
            user.dir,
        );
        expectSucceeded(good, "pulumi plugin install with the published checksum");
        expect(fs.existsSync(user.installedPlugin())).to.equal(true);
    });

    it("fails with a clear message when the plugin's version is not the one the SDK asks for", async () => {
        // A release asset named for another version than the executable inside it.
        const other = "9.9.9";
        fs.mkdirSync(path.join(out, "mismatch"), { recursive: true });
        fs.copyFileSync(
            path.join(out, "plugin", HOST_TARBALL),
            path.join(out, "mismatch", HOST_TARBALL.replace(`-v${VERSION}-`, `-v${other}-`)),
        );
        const user = machine("mismatch");
        const dir = await user.project(
            "release-mismatch",
            "yaml",
            emulator,
            yamlProject(other, `${plugins.url}/mismatch`),
        );
        const up = await user.pulumi(["up", "--yes", "--stack", "release"], dir);
        expect(up.code).to.not.equal(0);
        const output = `${up.stdout}\n${up.stderr}`;
        expect(output).to.contain(
            `The program's ultravox SDK asks for plugin version "${other}", but this plugin (pulumi-resource-ultravox) is version ${VERSION}`,
        );
        expect(output).to.contain(`pulumi plugin rm resource ultravox ${other}`);
        expect(output).to.not.contain(TEST_API_KEY);
    });
});
