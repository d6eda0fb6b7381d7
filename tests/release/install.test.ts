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
import { engineMissing, removeDir, tempDir } from "../helpers/tools";
import {
    type Account,
    goProject,
    importCommands,
    missingReleaseTools,
    publishToNpm,
    publishToPypi,
    pythonProject,
    type Release,
    runRelease,
    TOOLS_BIN,
    typescriptProject,
    UserMachine,
    VERSION,
    yamlProgram,
    yamlProject,
} from "./helpers/projects";
import {
    type Server,
    type StaticServer,
    startPypiserver,
    startStaticServer,
    startVerdaccio,
    TOOLS_PYTHON,
} from "./helpers/registries";

const TARGETS = ["darwin-amd64", "darwin-arm64", "linux-amd64", "linux-arm64", "windows-amd64"];
const HOST_TARBALL = `pulumi-resource-ultravox-v${VERSION}-linux-amd64.tar.gz`;

/** A skip that says what is missing (a failure under CI=true: CI builds it all first). */
function requireReleaseTools(context: Mocha.Context): void {
    const missing = missingReleaseTools();
    if (missing.length === 0) return;
    engineMissing(context, `missing ${missing.join(", ")}: run npm run pulumi-cli`);
}

function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function expectSucceeded(result: RunResult, what: string): void {
    expect(result.code, `${what} failed:\n${result.stdout}\n${result.stderr}`).to.equal(0);
}

describe("release: every artifact installs by name from registries on 127.0.0.1", function () {
    this.timeout(900_000);
    let release: Release & { stdout: string; stderr: string };
    let out: string;
    let plugins: StaticServer;
    let emulator: Emulator;
    let user: Account;
    let normalized: SipConfigData;
    const machines: UserMachine[] = [];
    const servers: Server[] = [];

    let pypi: Server | undefined;
    /** pypiserver with the release's Python dists, started by the first test that needs it. */
    async function publishedPypi(): Promise<Server> {
        if (pypi === undefined) {
            pypi = await startPypiserver();
            servers.push(pypi);
            await publishToPypi(release, pypi);
        }
        return pypi;
    }

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
    function expectDownloaded(machine: UserMachine, requestsBefore: number): void {
        expect(machine.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).to.equal(undefined);
        expect(machine.onPath("node"), "node on the user's PATH").to.equal(false);
        expect(machine.onPath("pulumi-resource-ultravox"), "a plugin on the user's PATH").to.equal(false);
        expect(plugins.requests.slice(requestsBefore)).to.include(`GET /release/${HOST_TARBALL}`);
        const installed = machine.installedPlugin();
        expect(fs.existsSync(installed), `${installed} installed by the engine`).to.equal(true);
        expect(fs.readFileSync(installed).subarray(0, 4).toString("latin1")).to.equal("\x7fELF");
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
        // The exact interface a release check calls.
        release = await runRelease(out, `${plugins.url}/release`);
        emulator = await startEmulator({ account: account() });
        user = { url: emulator.url, apiKey: TEST_API_KEY };
        normalized = await new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url }).getSipConfig();
    });

    after(async () => {
        for (const server of servers) await server.close();
        await emulator?.close();
        for (const created of machines) created.cleanup();
        removeDir(out);
    });

    it("lays out npm/, python/, goproxy/ and plugin/ at one version", () => {
        const { modulePath } = release;
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
        expect(release.stdout).to.contain(`npm/pulumi-ultravox-${VERSION}.tgz`);
    });

    it("the sdist and the wheel both carry pulumi-plugin.json, naming the release's download URL", async () => {
        const expected = { resource: true, name: "ultravox", version: VERSION, server: `${plugins.url}/release` };
        const python = path.join(out, "python");
        const sdist = await run("tar", [
            "-xzOf",
            path.join(python, `pulumi_ultravox-${VERSION}.tar.gz`),
            `pulumi_ultravox-${VERSION}/pulumi_ultravox/pulumi-plugin.json`,
        ]);
        expectSucceeded(sdist, "tar -xzOf (sdist)");
        expect(JSON.parse(sdist.stdout)).to.deep.equal(expected);
        const wheel = await run("python3", [
            "-c",
            "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
            path.join(python, `pulumi_ultravox-${VERSION}-py3-none-any.whl`),
            "pulumi_ultravox/pulumi-plugin.json",
        ]);
        expectSucceeded(wheel, "reading the wheel");
        expect(JSON.parse(wheel.stdout)).to.deep.equal(expected);
    });

    it("publishes checksums that match the tarballs the server serves, each a self-contained executable at its root", async () => {
        const lines = fs
            .readFileSync(path.join(out, "plugin", "SHA256SUMS"), "utf8")
            .trimEnd()
            .split("\n");
        expect(lines).to.have.length(TARGETS.length);
        for (const target of TARGETS) {
            const name = `pulumi-resource-ultravox-v${VERSION}-${target}.tar.gz`;
            const served = Buffer.from(await (await fetch(`${plugins.url}/release/${name}`)).arrayBuffer());
            expect(lines).to.include(`${crypto.createHash("sha256").update(served).digest("hex")}  ${name}`);
            const listing = await run("tar", ["-tzf", path.join(out, "plugin", name)]);
            const exe = target.startsWith("windows") ? "pulumi-resource-ultravox.exe" : "pulumi-resource-ultravox";
            expect(listing.stdout.trim().split("\n").sort()).to.deep.equal(["LICENSE", "NODE-LICENSE", exe]);
        }
        // The user's own check passes on the published files.
        expectSucceeded(
            await run("sha256sum", ["-c", "SHA256SUMS"], { cwd: path.join(out, "plugin") }),
            "sha256sum -c",
        );
    });

    it("builds each platform's executable: its format and machine, and the provider injected (the SEA fuse flipped)", async () => {
        // ELF e_machine (62 x86-64, 183 AArch64); PE's "MZ" then, at its PE header, machine 0x8664;
        // Mach-O 64's magic 0xfeedfacf then its CPU type (0x1000007 x86_64, 0x100000c arm64).
        const elf = (binary: Buffer) => `ELF ${binary.readUInt16LE(18)}`;
        const macho = (binary: Buffer) =>
            `MachO ${binary.readUInt32LE(0).toString(16)} ${binary.readUInt32LE(4).toString(16)}`;
        const machines: Record<string, (binary: Buffer) => string> = {
            "darwin-amd64": macho,
            "darwin-arm64": macho,
            "linux-amd64": elf,
            "linux-arm64": elf,
            "windows-amd64": (binary) => `MZ ${binary.readUInt16LE(binary.readUInt32LE(0x3c) + 4).toString(16)}`,
        };
        const expected: Record<string, string> = {
            "darwin-amd64": "MachO feedfacf 1000007",
            "darwin-arm64": "MachO feedfacf 100000c",
            "linux-amd64": "ELF 62",
            "linux-arm64": "ELF 183",
            "windows-amd64": "MZ 8664",
        };
        for (const target of TARGETS) {
            const unpacked = tempDir(`uv-release-${target}-`);
            try {
                const name = `pulumi-resource-ultravox-v${VERSION}-${target}.tar.gz`;
                expectSucceeded(await run("tar", ["-xzf", path.join(out, "plugin", name), "-C", unpacked]), "tar -x");
                const exe = target.startsWith("windows") ? "pulumi-resource-ultravox.exe" : "pulumi-resource-ultravox";
                const binary = fs.readFileSync(path.join(unpacked, exe));
                expect(machines[target]?.(binary), target).to.equal(expected[target]);
                // postject flips the fuse's last character from 0 to 1 when it injects the blob.
                expect(binary.includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1"), `${target} fuse`).to.equal(
                    true,
                );
                expect(binary.includes(`${plugins.url}/release`), `${target} carries the release's URL`).to.equal(true);
            } finally {
                removeDir(unpacked);
            }
        }
    });

    it("the Windows executable is a sound PE file with no signature left over (pefile): removed before the injection", async () => {
        const unpacked = tempDir("uv-release-pe-");
        try {
            const name = `pulumi-resource-ultravox-v${VERSION}-windows-amd64.tar.gz`;
            expectSucceeded(await run("tar", ["-xzf", path.join(out, "plugin", name), "-C", unpacked]), "tar -x");
            // A full parse of a 90 MB executable takes pefile a while.
            const checked = await run(
                TOOLS_PYTHON,
                [
                    path.join(REPO_ROOT, "tests", "release", "helpers", "pe_check.py"),
                    path.join(unpacked, "pulumi-resource-ultravox.exe"),
                ],
                { timeoutMs: 300_000 },
            );
            expectSucceeded(checked, "pe_check.py");
            const pe = JSON.parse(checked.stdout) as {
                machine: string;
                security: number[];
                length: number;
                sectionsEnd: number;
                checksum: { header: number; computed: number };
                resources: string[];
                warnings: string[];
            };
            expect(pe.machine).to.equal("0x8664");
            // No certificate table named, and no bytes of one left after the last section.
            expect(pe.security).to.deep.equal([0, 0]);
            expect(pe.length).to.equal(pe.sectionsEnd);
            expect(pe.checksum.header).to.equal(pe.checksum.computed);
            expect(pe.resources).to.deep.equal(["NODE_SEA_BLOB"]);
            expect(pe.warnings).to.deep.equal([]);
        } finally {
            removeDir(unpacked);
        }
    });

    it("the macOS executables are signed ad hoc, and the signature's page hashes are the file's (rcodesign)", async () => {
        const rcodesign = (args: string[]) => run(path.join(TOOLS_BIN, "rcodesign"), args, { timeoutMs: 180_000 });
        /** The code directory's page digests and flags, as the signature records them. */
        async function signed(executable: string): Promise<{ flags: string; digests: string[] }> {
            const extracted = await rcodesign(["extract", "code-directory", executable]);
            expectSucceeded(extracted, "rcodesign extract code-directory");
            const block = /code_digests: \[\n([\s\S]*?)\n\s*\],/.exec(extracted.stdout)?.[1] ?? "";
            return {
                flags: /flags: CodeSignatureFlags\(\s*([A-Z_ |]+?),?\s*\)/.exec(extracted.stdout)?.[1] ?? "",
                digests: [...block.matchAll(/([0-9a-f]{64})/g)].map((match) => match[1] ?? ""),
            };
        }
        /** The page digests of the file as it is now (what macOS checks each page against). */
        async function computed(executable: string): Promise<string[]> {
            const hashes = await rcodesign(["compute-code-hashes", "--hash", "sha256", executable]);
            expectSucceeded(hashes, "rcodesign compute-code-hashes");
            return hashes.stdout.trim().split("\n");
        }
        for (const target of ["darwin-amd64", "darwin-arm64"]) {
            const unpacked = tempDir(`uv-release-${target}-`);
            try {
                const name = `pulumi-resource-ultravox-v${VERSION}-${target}.tar.gz`;
                expectSucceeded(await run("tar", ["-xzf", path.join(out, "plugin", name), "-C", unpacked]), "tar -x");
                const executable = path.join(unpacked, "pulumi-resource-ultravox");
                const signature = await signed(executable);
                expect(signature.flags, target).to.equal("ADHOC");
                expect(signature.digests.length, target).to.be.greaterThan(1000);
                expect(await computed(executable), target).to.deep.equal(signature.digests);
                // One byte changed in the injected program: a page no longer matches its digest.
                const binary = fs.readFileSync(executable);
                const at = binary.indexOf(`${plugins.url}/release`);
                expect(at, target).to.be.greaterThan(0);
                binary.writeUInt8(binary.readUInt8(at) ^ 0x20, at);
                fs.writeFileSync(executable, binary);
                expect(await computed(executable), `${target}, changed`).to.not.deep.equal(signature.digests);
            } finally {
                removeDir(unpacked);
            }
        }
    });

    it("both Python dists carry LICENSE, and the README as their long description", async () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "provider", "package", "sdk-README.md"), "utf8");
        const license = fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8");
        const read = await run("python3", [
            "-c",
            [
                "import email, json, sys, tarfile, zipfile",
                "wheel, sdist, v = sys.argv[1], sys.argv[2], sys.argv[3]",
                "w = zipfile.ZipFile(wheel)",
                "s = tarfile.open(sdist)",
                "info = f'pulumi_ultravox-{v}.dist-info'",
                "root = f'pulumi_ultravox-{v}'",
                "def meta(text):",
                "    m = email.message_from_string(text)",
                "    return {'type': m['Description-Content-Type'], 'files': m.get_all('License-File'), 'body': m.get_payload()}",
                "print(json.dumps({",
                "  'wheel': meta(w.read(f'{info}/METADATA').decode()),",
                "  'wheelLicense': w.read(f'{info}/licenses/LICENSE').decode(),",
                "  'sdist': meta(s.extractfile(f'{root}/PKG-INFO').read().decode()),",
                "  'sdistLicense': s.extractfile(f'{root}/LICENSE').read().decode(),",
                "  'sdistReadme': s.extractfile(f'{root}/README.md').read().decode(),",
                "}))",
            ].join("\n"),
            path.join(out, "python", `pulumi_ultravox-${VERSION}-py3-none-any.whl`),
            path.join(out, "python", `pulumi_ultravox-${VERSION}.tar.gz`),
            VERSION,
        ]);
        expectSucceeded(read, "reading the Python dists");
        const dists = JSON.parse(read.stdout) as Record<string, { type: string; files: string[]; body: string }> & {
            wheelLicense: string;
            sdistLicense: string;
            sdistReadme: string;
        };
        for (const kind of ["wheel", "sdist"]) {
            expect(dists[kind]?.type, kind).to.equal("text/markdown");
            expect(dists[kind]?.files, kind).to.deep.equal(["LICENSE"]);
            expect(dists[kind]?.body.trim(), kind).to.equal(readme.trim());
        }
        expect(dists.wheelLicense).to.equal(license);
        expect(dists.sdistLicense).to.equal(license);
        expect(dists.sdistReadme).to.equal(readme);
    });

    it("prints one line per artifact and nothing else", () => {
        const artifacts = [
            `npm/pulumi-ultravox-${VERSION}.tgz`,
            ...fs
                .readdirSync(path.join(out, "python"))
                .sort()
                .map((file) => `python/${file}`),
            ...fs
                .readdirSync(path.join(out, "plugin"))
                .sort()
                .map((file) => `plugin/${file}`),
            `goproxy/${release.modulePath}/@v/v${VERSION}.zip`,
        ];
        expect(release.stdout).to.equal(
            artifacts.map((file) => `${file}  ${fs.statSync(path.join(out, file)).size}\n`).join(""),
        );
        expect(release.stderr).to.equal("");
    });

    it("the executable serves the engine a schema at the release's version and download URL, with no node on PATH", async () => {
        const unpacked = tempDir("uv-release-schema-");
        try {
            expectSucceeded(
                await run("tar", ["-xzf", path.join(out, "plugin", HOST_TARBALL), "-C", unpacked]),
                "tar -x",
            );
            const schemaUser = machine("schema");
            expect(schemaUser.onPath("node")).to.equal(false);
            const result = await schemaUser.pulumi(
                ["package", "get-schema", path.join(unpacked, "pulumi-resource-ultravox")],
                schemaUser.dir,
            );
            expectSucceeded(result, "pulumi package get-schema");
            const schema = JSON.parse(result.stdout) as { name: string; version: string; pluginDownloadURL: string };
            expect(schema).to.include({
                name: "ultravox",
                version: VERSION,
                pluginDownloadURL: `${plugins.url}/release`,
            });
        } finally {
            removeDir(unpacked);
        }
    });

    it("TypeScript: npm install pulumi-ultravox from verdaccio, and pulumi up reads the emulated account", async () => {
        const uplink = (await run("npm", ["config", "get", "registry"])).stdout.trim() || "https://registry.npmjs.org/";
        const registry = await startVerdaccio(uplink);
        servers.push(registry);
        await publishToNpm(release, registry);
        // node is the TypeScript user's runtime; the dynamic provider's launcher sits beside the CLI.
        const typescript = machine("typescript", [TOOLS_BIN, path.dirname(process.execPath), "/usr/bin", "/bin"]);
        const project = await typescriptProject(typescript, user, registry);
        // The registry serves what was published (no uplink for this name), and npm installed that tarball.
        const published = (await (await fetch(`${registry.url}pulumi-ultravox`)).json()) as {
            versions: Record<string, { dist: { integrity: string; tarball: string } }>;
        };
        const tarball = fs.readFileSync(path.join(out, "npm", `pulumi-ultravox-${VERSION}.tgz`));
        const integrity = `sha512-${crypto.createHash("sha512").update(tarball).digest("base64")}`;
        expect(Object.keys(published.versions)).to.deep.equal([VERSION]);
        expect(published.versions[VERSION]?.dist.integrity).to.equal(integrity);
        const lock = JSON.parse(fs.readFileSync(path.join(project.dir, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version?: string; integrity?: string }>;
        };
        expect(lock.packages["node_modules/pulumi-ultravox"]).to.include({ version: VERSION, integrity });
        expectAccount(await project.up());
    });

    it("Python: pip install pulumi_ultravox from pypiserver; the engine downloads the plugin; no node on PATH", async () => {
        const project = await pythonProject(machine("python"), user, await publishedPypi());
        const pluginJson = await run(project.python, [
            "-c",
            "import importlib.resources; print(importlib.resources.files('pulumi_ultravox').joinpath('pulumi-plugin.json').read_text())",
        ]);
        expect(JSON.parse(pluginJson.stdout)).to.deep.equal({
            resource: true,
            name: "ultravox",
            version: VERSION,
            server: `${plugins.url}/release`,
        });
        const requestsBefore = plugins.requests.length;
        expectAccount(await project.up());
        expectDownloaded(project.user, requestsBefore);
    });

    it("Go: go get the module through the module proxy; the engine downloads the plugin; no node on PATH", async () => {
        const project = await goProject(machine("go"), user, release);
        expect(fs.readFileSync(path.join(project.dir, "go.mod"), "utf8")).to.contain(
            `\t${release.modulePath} v${VERSION}\n`,
        );
        const requestsBefore = plugins.requests.length;
        expectAccount(await project.up());
        expectDownloaded(project.user, requestsBefore);
    });

    it("YAML: the package by name and version; the engine downloads the plugin; no node on PATH", async () => {
        const project = await yamlProject(machine("yaml"), user, release);
        const requestsBefore = plugins.requests.length;
        expectAccount(await project.up());
        expectDownloaded(project.user, requestsBefore);
    });

    it("YAML: pulumi import of SipConfig and SipRegistration on a fresh PULUMI_HOME, by the docs; the code runs as pasted on another fresh machine", async () => {
        const registrationId = "00000000-0000-4000-8000-0000000000be";
        const password = "adopted-pbx-password-1";
        emulator.replaceRegistrations([
            {
                registrationId,
                created: "2026-12-01T10:00:00Z",
                username: "adopted",
                password: "what-the-pbx-had",
                proxy: "pbx.example.test",
                outboundProxy: null,
                authUser: null,
            },
        ]);
        const importer = machine("import");
        const dir = await importer.project("release-import", "yaml", user);
        const requestsBefore = plugins.requests.length;
        for (const command of importCommands(VERSION, `${plugins.url}/release`, registrationId)) {
            // As typed in the project's folder, whose one stack is selected.
            const args = command.split(" ").slice(1);
            expectSucceeded(await importer.pulumi(args, dir), command);
        }
        expectDownloaded(importer, requestsBefore);
        const sipCode = fs.readFileSync(path.join(dir, "sip.yaml"), "utf8");
        const registrationCode = fs.readFileSync(path.join(dir, "registration.yaml"), "utf8");
        expect(sipCode).to.match(/^resources:\n {2}sip:\n {4}type: ultravox:SipConfig\n/);
        expect(registrationCode).to.match(/^resources:\n {2}registration:\n {4}type: ultravox:SipRegistration\n/);
        // The API never gives a password back: the generator writes "", which keeps the
        // registration's own password. The code runs as pasted: nothing to change.
        expect(registrationCode).to.contain('      password: ""\n');
        const pasted = [sipCode.trimEnd(), registrationCode.replace(/^resources:\n/, "").trimEnd()].join("\n");
        const projectFile = path.join(dir, "Pulumi.yaml");
        const header = fs.readFileSync(projectFile, "utf8");
        fs.writeFileSync(projectFile, `${header}${pasted}\n`);
        expectSucceeded(
            await importer.pulumi(["preview", "--expect-no-changes", "--stack", "release"], dir),
            "pulumi preview --expect-no-changes of the code as pasted",
        );
        expectSucceeded(await importer.pulumi(["up", "--yes", "--stack", "release"], dir), "pulumi up as pasted");
        expect(emulator.account.registrations?.map((registration) => registration.password)).to.deep.equal([
            "what-the-pbx-had",
        ]);
        // Then the stack's own secret in its place, as the docs say: the next up writes it, then nothing changes.
        fs.writeFileSync(
            projectFile,
            `${header}config:\n  pbxPassword:\n    type: string\n${pasted.replace(
                '      password: ""',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pulumi YAML interpolation, as the docs write it.
                "      password: ${pbxPassword}",
            )}\n`,
        );
        expectSucceeded(
            await importer.pulumi(["config", "set", "--secret", "pbxPassword", password, "--stack", "release"], dir),
            "pulumi config set pbxPassword",
        );
        expectSucceeded(await importer.pulumi(["up", "--yes", "--stack", "release"], dir), "pulumi up after import");
        expect(emulator.account.registrations?.map((registration) => registration.password)).to.deep.equal([password]);
        expectSucceeded(
            await importer.pulumi(["preview", "--expect-no-changes", "--stack", "release"], dir),
            "pulumi preview --expect-no-changes",
        );

        // Another fresh machine (CI) with the same state and program: the docs' first line, then a preview.
        const ci = machine("import-ci");
        ci.env.PULUMI_BACKEND_URL = importer.env.PULUMI_BACKEND_URL;
        const ciDir = path.join(ci.dir, "release-import");
        fs.cpSync(dir, ciDir, { recursive: true });
        const [install = ""] = importCommands(VERSION, `${plugins.url}/release`, registrationId);
        expectSucceeded(await ci.pulumi(install.split(" ").slice(1), ciDir), install);
        expectSucceeded(
            await ci.pulumi(["preview", "--expect-no-changes", "--stack", "release"], ciDir),
            "pulumi preview on a fresh machine",
        );
        expect(fs.existsSync(ci.installedPlugin())).to.equal(true);
    });

    it("Python: the import option adopts SipConfig and SipRegistration on a fresh PULUMI_HOME; the engine downloads the plugin", async () => {
        const registrationId = "00000000-0000-4000-8000-0000000000bf";
        const password = "adopted-pbx-password-2";
        emulator.replaceRegistrations([
            {
                registrationId,
                created: "2026-12-01T10:00:00Z",
                username: "adopted",
                password: "what-the-pbx-had",
                proxy: "pbx.example.test",
                outboundProxy: null,
                authUser: null,
            },
        ]);
        const project = await pythonProject(machine("python-import"), user, await publishedPypi());
        for (const args of [
            ["config", "set", "cidrs", JSON.stringify(normalized.allowedCidrRanges)],
            ["config", "set", "--secret", "pbxPassword", password],
            ["config", "set", "registrationId", registrationId],
        ]) {
            expectSucceeded(
                await project.user.pulumi([...args, "--stack", "release"], project.dir),
                `pulumi ${args[0]} ${args[2]}`,
            );
        }
        const requestsBefore = plugins.requests.length;
        expect(await project.upWith("adopt.py")).to.deep.equal({
            allowedCidrRanges: normalized.allowedCidrRanges,
            registrationId,
        });
        expectDownloaded(project.user, requestsBefore);
        // Imported, then the one thing the API never gives back written.
        expect(emulator.account.registrations?.map((registration) => registration.password)).to.deep.equal([password]);
        const state = await project.user.pulumi(["stack", "export", "--stack", "release"], project.dir);
        expectSucceeded(state, "pulumi stack export");
        const types = (
            JSON.parse(state.stdout) as { deployment: { resources: { type: string; id?: string }[] } }
        ).deployment.resources
            .filter((resource) => resource.type.startsWith("ultravox:index:"))
            .map((resource) => `${resource.type} ${resource.id}`)
            .sort();
        expect(types).to.deep.equal([
            "ultravox:index:SipConfig sip",
            `ultravox:index:SipRegistration ${registrationId}`,
        ]);
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
            expectSucceeded(await run("sh", ["-c", 'tar -C "$1" -czf "$2" .', "sh", unpacked, tampered]), "tar -c");
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

        // The engine itself, given the published checksum, refuses it and installs nothing...
        const tamperedUser = machine("tampered");
        const installFrom = (route: string) =>
            tamperedUser.pulumi(
                [
                    "plugin",
                    "install",
                    "resource",
                    "ultravox",
                    VERSION,
                    "--server",
                    `${plugins.url}/${route}`,
                    "--checksum",
                    published,
                ],
                tamperedUser.dir,
            );
        const install = await installFrom("tampered");
        expect(install.code).to.not.equal(0);
        expect(install.stderr).to.contain("invalid checksum");
        expect(fs.existsSync(tamperedUser.installedPlugin())).to.equal(false);
        // ...and takes the published one with the same checksum.
        const good = await installFrom("release");
        expectSucceeded(good, "pulumi plugin install with the published checksum");
        expect(fs.existsSync(tamperedUser.installedPlugin())).to.equal(true);
    });

    it("fails with a clear message when the plugin's version is not the one the SDK asks for", async () => {
        // A release asset named for another version than the executable inside it.
        const other = "9.9.9";
        fs.mkdirSync(path.join(out, "mismatch"), { recursive: true });
        fs.copyFileSync(
            path.join(out, "plugin", HOST_TARBALL),
            path.join(out, "mismatch", HOST_TARBALL.replace(`-v${VERSION}-`, `-v${other}-`)),
        );
        const mismatched = machine("mismatch");
        const dir = await mismatched.project(
            "release-mismatch",
            "yaml",
            user,
            yamlProgram(other, `${plugins.url}/mismatch`),
        );
        const up = await mismatched.pulumi(["up", "--yes", "--stack", "release"], dir);
        expect(up.code).to.not.equal(0);
        const output = `${up.stdout}\n${up.stderr}`;
        expect(output).to.contain(
            `The program's ultravox SDK asks for plugin version "${other}", but this plugin (pulumi-resource-ultravox) is version ${VERSION}`,
        );
        expect(output).to.contain(`pulumi plugin rm resource ultravox ${other}`);
        expect(output).to.not.contain(TEST_API_KEY);
    });

    it("a release that fails halfway leaves the output folder as it was", async () => {
        const listing = () =>
            ["npm", "python", "goproxy", "plugin"].flatMap((folder) =>
                fs
                    .readdirSync(path.join(out, folder), { recursive: true, encoding: "utf8" })
                    .sort()
                    .map((file) => `${folder}/${file}`),
            );
        const before = listing();
        const sums = fs.readFileSync(path.join(out, "plugin", "SHA256SUMS"), "utf8");
        // npm, Python and Go are built; then the node binary cannot be fetched (an empty cache, a
        // registry that refuses connections).
        const emptyCache = tempDir("uv-release-empty-cache-");
        try {
            const failed = await run(
                "npm",
                [
                    "run",
                    "release",
                    "--silent",
                    "--",
                    "--out",
                    out,
                    "--plugin-url",
                    `${plugins.url}/other`,
                    "--targets",
                    "linux-amd64",
                ],
                {
                    cwd: REPO_ROOT,
                    env: childEnv({
                        PATH: [path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
                        PULUMI_ULTRAVOX_CACHE: emptyCache,
                        npm_config_registry: "http://127.0.0.1:1/",
                        npm_config_fetch_retries: "0",
                    }),
                    timeoutMs: 600_000,
                },
            );
            expect(failed.code).to.not.equal(0);
            // The first thing it asks the registry: which node versions it publishes for each platform.
            expect(failed.stderr).to.match(/^release: npm view node-[a-z0-9-]+ versions failed: /m);
        } finally {
            removeDir(emptyCache);
        }
        expect(listing()).to.deep.equal(before);
        expect(fs.readFileSync(path.join(out, "plugin", "SHA256SUMS"), "utf8")).to.equal(sums);
        expect(fs.readdirSync(out).filter((name) => name.startsWith(".staging-"))).to.deep.equal([]);
    });
});
