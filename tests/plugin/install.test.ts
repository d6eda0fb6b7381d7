/**
 * Installing from source, with the real npm, as the README tells users to.
 *
 * From git: `npm install git+file://<repo>`, where the repo is a snapshot of this working tree
 * (tracked files and untracked ones not ignored, as they are now, committed into a fresh repo):
 * so the change under test counts before it is committed, and the install sees what a clone
 * holds (no dist/, no node_modules). npm clones it, installs its devDependencies in the clone,
 * runs `prepare` there, packs the clone and installs that.
 *
 * From a tarball: `npm pack`, then `npm install <tgz>`: npm never runs `prepare` (nor anything
 * else of ours) for it, though the packed package.json declares it.
 *
 * A probe (`NODE_OPTIONS=--require probe.js`) records every Node process npm starts, so the
 * tests see which scripts ran, where, and on which Node.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { type Consumer, getConsumer, npmRun, PULUMI_TEMPLATE_TSCONFIG, typeCheckProject } from "../helpers/consumer";
import { run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

/** One Node process npm started, as the probe saw it. */
interface ProbedProcess {
    version: string;
    execPath: string;
    argv: string[];
    cwd: string;
}

const PROBE = `const fs = require("node:fs");
fs.appendFileSync(process.env.INSTALL_PROBE_LOG, JSON.stringify({
    version: process.version, execPath: process.execPath, argv: process.argv.slice(1), cwd: process.cwd(),
}) + "\\n");
`;

const repoVersion = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
    .version;

const INSTALL_FLAGS = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--legacy-peer-deps"];

/** The machine's own `node` (first on PATH outside any node_modules/.bin), else this process's. */
function machineNode(): string {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (dir.includes(`node_modules${path.sep}.bin`)) continue;
        const candidate = path.join(dir, "node");
        if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
    }
    return process.execPath;
}

/** The working tree as it is now, committed into a fresh repo at `dir`. */
async function snapshotRepo(dir: string): Promise<void> {
    const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: REPO_ROOT,
        timeoutMs: 30_000,
    });
    expect(listed.code, listed.stderr).to.equal(0);
    for (const file of listed.stdout.split("\0").filter(Boolean)) {
        const from = path.join(REPO_ROOT, file);
        if (!fs.existsSync(from)) continue; // deleted in the working tree
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(from, path.join(dir, file));
        fs.chmodSync(path.join(dir, file), fs.statSync(from).mode);
    }
    const git = (args: string[]) =>
        run("git", ["-c", "user.name=install test", "-c", "user.email=install-test@invalid", ...args], {
            cwd: dir,
            timeoutMs: 60_000,
        });
    for (const args of [
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-q", "-m", "snapshot of the working tree"],
    ]) {
        const result = await git(args);
        expect(result.code, `git ${args.join(" ")}: ${result.stderr}`).to.equal(0);
    }
}

/** A consumer program folder holding only a package.json. */
function programFolder(dir: string, extra: Record<string, unknown> = {}): string {
    fs.mkdirSync(dir, { recursive: true });
    const manifest = { name: path.basename(dir), version: "1.0.0", private: true, ...extra };
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    return dir;
}

function probed(log: string): ProbedProcess[] {
    if (!fs.existsSync(log)) return [];
    return fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ProbedProcess);
}

/** `npm install <spec>` in `program`, with every Node process npm starts recorded by the probe. */
async function probedInstall(
    work: string,
    program: string,
    spec: string,
    node?: string,
): Promise<{ stderr: string; processes: ProbedProcess[] }> {
    const probe = path.join(work, "probe.js");
    const log = path.join(work, `install-${path.basename(program)}.log`);
    fs.writeFileSync(probe, PROBE);
    const { stderr } = await npmRun([...INSTALL_FLAGS, spec], program, 240_000, {
        ...(node ? { node } : {}),
        env: { NODE_OPTIONS: `--require ${probe}`, INSTALL_PROBE_LOG: log },
    });
    return { stderr, processes: probed(log) };
}

/** Each `[major, minor]` of a `v22.12.0`-style version. */
const versionOf = (version: string) => version.slice(1).split(".").map(Number) as [number, number, number];

describe("install from git: npm install git+file://<snapshot>, with the real npm", function () {
    this.timeout(300_000);
    let work: string;
    let spec: string;
    let program: string;
    let installed: string;
    let npmNode: string;
    let stderr: string;
    let processes: ProbedProcess[];

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ultravox-git-install-"));
        const repo = path.join(work, "pulumi-ultravox");
        await snapshotRepo(repo);
        spec = `git+file://${repo}`;
        // The README's advice for npm ≥ 11.16: the git source listed in allowScripts.
        program = programFolder(path.join(work, "program"), { allowScripts: { [spec]: true } });
        // npm run by the machine's Node (20 here), as a user's shell runs it.
        npmNode = machineNode();
        ({ stderr, processes } = await probedInstall(work, program, spec, npmNode));
        installed = path.join(program, "node_modules", "pulumi-ultravox");
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("runs prepare in npm's clone, on the Node 22 of the node devDependency, whatever Node runs npm", () => {
        const prepare = processes.filter((p) =>
            p.argv.some((arg) => /scripts[\\/](link-self|build-if-missing)\.js$/.test(arg)),
        );
        const scripts = prepare.map((p) => path.basename(p.argv[0] ?? ""));
        // npm runs prepare twice: in the clone's own `npm install`, and again before packing the clone.
        expect(scripts).to.deep.equal(["link-self.js", "build-if-missing.js", "link-self.js", "build-if-missing.js"]);
        for (const p of prepare) {
            const [major, minor] = versionOf(p.version);
            expect(major === 22 ? minor >= 12 : major > 22, `${p.version} ran ${p.argv[0]}`).to.equal(true);
            expect(p.execPath).to.match(/[\\/]node_modules[\\/]node[\\/]bin[\\/]node$/);
            expect(p.cwd.startsWith(program), "prepare ran in npm's clone, not in the program").to.equal(false);
        }
        // The build (tsc) ran once: the second prepare finds dist/ built.
        expect(processes.filter((p) => p.argv.some((arg) => /typescript[\\/]bin[\\/]tsc$/.test(arg)))).to.have.length(
            1,
        );
        // npm itself ran on the machine's Node.
        expect(processes[0]?.execPath).to.equal(npmNode);
    });

    it("installs a built copy: dist/ there, no scripts/, no self-link, the repo's version", () => {
        expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(false);
        for (const file of [
            "index.js",
            "index.d.ts",
            "pulumi/providerImpl.js",
            "testing/index.js",
            "emulator/main.js",
        ]) {
            expect(fs.existsSync(path.join(installed, "dist", file)), file).to.equal(true);
        }
        expect(fs.existsSync(path.join(installed, "scripts"))).to.equal(false);
        expect(fs.existsSync(path.join(installed, "node_modules", "pulumi-ultravox"))).to.equal(false);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
            version: string;
        };
        expect(manifest.version).to.equal(repoVersion);
        const saved = JSON.parse(fs.readFileSync(path.join(program, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
        };
        expect(saved.dependencies).to.deep.equal({ "pulumi-ultravox": spec });
    });

    it("resolves pulumi-ultravox/provider-impl, the subpath every state file loads, to dist/", () => {
        const programRequire = createRequire(path.join(program, "index.js"));
        expect(path.relative(installed, programRequire.resolve("pulumi-ultravox/provider-impl"))).to.equal(
            path.join("dist", "pulumi", "providerImpl.js"),
        );
    });

    it("prints no allowScripts warning: the allowScripts entry the README gives covers the git install", () => {
        expect(stderr).to.not.match(/install-scripts|allowScripts/);
    });

    it("npm on a Node older than the package's floor only warns (EBADENGINE); the install still succeeds", () => {
        const npmVersion = processes[0]?.version ?? "";
        const [major, minor] = versionOf(npmVersion);
        const belowFloor = major < 22 || (major === 22 && minor < 12);
        expect(/EBADENGINE[\s\S]*package: 'pulumi-ultravox@/.test(stderr), `npm ran on ${npmVersion}`).to.equal(
            belowFloor,
        );
    });

    it("a program using it compiles with Pulumi's template tsconfig and runs", async () => {
        // The peer SDK, linked as the other consumer tests do (what is under test is our package).
        fs.mkdirSync(path.join(program, "node_modules", "@pulumi"), { recursive: true });
        fs.symlinkSync(
            fs.realpathSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi")),
            path.join(program, "node_modules", "@pulumi", "pulumi"),
            "dir",
        );
        const consumer = { dir: program } as Consumer;
        const compiled = await typeCheckProject(consumer, "from-git", {
            tsconfig: PULUMI_TEMPLATE_TSCONFIG,
            files: {
                "index.ts": [
                    'import * as ultravox from "pulumi-ultravox";',
                    'import { mockUltravox } from "pulumi-ultravox/testing";',
                    'const impl = require("pulumi-ultravox/provider-impl") as Record<string, unknown>;',
                    "console.log(typeof ultravox.SipConfig.get, typeof mockUltravox, typeof impl.create);",
                    "",
                ].join("\n"),
            },
            emit: true,
        });
        expect(compiled.output.trim()).to.equal("");
        expect(compiled.code).to.equal(0);
        const ran = await run(process.execPath, [path.join(compiled.dir, "bin", "index.js")], {
            cwd: compiled.dir,
            timeoutMs: 30_000,
        });
        expect(ran.stdout, ran.stderr).to.equal("function function function\n");
    });
});

describe("install from a tarball: npm runs no script of ours", function () {
    this.timeout(240_000);
    let work: string;
    let packed: Consumer;
    let program: string;
    let stderr: string;
    let processes: ProbedProcess[];

    before(async () => {
        packed = await getConsumer(); // `npm pack` of this repo, once per process
        work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-ultravox-tgz-install-"));
        program = programFolder(path.join(work, "program"));
        ({ stderr, processes } = await probedInstall(work, program, packed.tarball));
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("the packed package.json declares prepare, and no preinstall, install or postinstall", () => {
        const manifest = JSON.parse(
            fs.readFileSync(path.join(program, "node_modules", "pulumi-ultravox", "package.json"), "utf8"),
        ) as { scripts: Record<string, string> };
        expect(manifest.scripts.prepare).to.equal("node scripts/link-self.js && node scripts/build-if-missing.js");
        expect(Object.keys(manifest.scripts).filter((name) => /^(pre|post)?install$/.test(name))).to.deep.equal([]);
    });

    it("npm started no process but itself: prepare did not run", () => {
        // One Node process, npm's own, in the program folder.
        expect(processes.map((p) => p.cwd)).to.deep.equal([program]);
        expect(processes[0]?.argv[0]).to.match(/npm-cli\.js$/);
        expect(fs.existsSync(path.join(program, "node_modules", "pulumi-ultravox", "dist", "index.js"))).to.equal(true);
    });

    it("npm ≥ 11.16 still lists the unrun prepare as unreviewed; `npm install-scripts deny` silences it", async () => {
        // npm's allowScripts check counts `prepare` for any source but the registry, though npm
        // runs it for git and folder installs only (above: it did not run). The README says so.
        expect(stderr).to.include(
            `npm warn install-scripts   pulumi-ultravox@${repoVersion} (prepare: node scripts/link-self.js && node scripts/build-if-missing.js)`,
        );
        await npmRun(["install-scripts", "deny", "pulumi-ultravox"], program, 60_000);
        const saved = JSON.parse(fs.readFileSync(path.join(program, "package.json"), "utf8")) as {
            allowScripts: Record<string, boolean>;
        };
        expect(saved.allowScripts).to.deep.equal({ [`file:${packed.tarball}`]: false });
        fs.rmSync(path.join(program, "node_modules"), { recursive: true, force: true });
        const again = await npmRun(
            ["install", "--prefer-offline", "--no-audit", "--no-fund", "--legacy-peer-deps"],
            program,
            120_000,
        );
        expect(again.stderr).to.not.match(/install-scripts|allowScripts/);
    });
});
