/**
 * Fresh projects that install a release by name, as users do, one per language, each on a "user
 * machine" of its own: a fresh PULUMI_HOME and file backend, automatic plugin acquisition on, and
 * a PATH with only the CLI (and the YAML host), plus node for TypeScript. Used by the release
 * proof (tests/release/) and by its benchmark (bench/releaseInstall.ts), which times the same steps.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { childEnv, type RunResult, run } from "../../helpers/process";
import { REPO_ROOT } from "../../helpers/repo";
import { removeDir, tempDir, which } from "../../helpers/tools";
import { type NpmRegistry, type Server, TOOLS_PYTHON, uploadToPypi, VERDACCIO } from "./registries";

export const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
export const PROGRAMS = path.join(REPO_ROOT, "tests", "release", "programs");
const PASSPHRASE = "release-proof-passphrase-not-a-secret";
const MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
    devDependencies: Record<string, string>;
};
export const VERSION = MANIFEST.version;
export { importCommands } from "./importCommands";

/** What the release and its proof need that is missing: npm run pulumi-cli makes all of it. */
export function missingReleaseTools(): string[] {
    const missing = [
        [path.join(TOOLS_BIN, "pulumi"), "the Pulumi CLI"],
        [path.join(TOOLS_BIN, "pulumi-language-yaml"), "the YAML language host"],
        [path.join(TOOLS_BIN, "ultravox-sdkgen"), "the SDK generator"],
        [path.join(TOOLS_BIN, "gomodzip"), "the Go module-proxy writer"],
        [path.join(TOOLS_BIN, "rcodesign"), "rcodesign (cargo)"],
        [VERDACCIO, "verdaccio"],
        [TOOLS_PYTHON, "the Python venv with build and pypiserver"],
    ]
        .filter(([file]) => !fs.existsSync(file as string))
        .map(([, what]) => what as string);
    for (const tool of ["go", "python3", "tar", "gzip", "sha256sum"]) if (which(tool) === undefined) missing.push(tool);
    if (process.platform !== "linux" || process.arch !== "x64")
        missing.push("a linux-amd64 machine (the executable it runs)");
    return missing;
}

/** What a release gave and where it is served. */
export interface Release {
    /** The folder `npm run release --out` wrote. */
    readonly out: string;
    readonly modulePath: string;
    /** The static server's URL of the release's plugin tarballs (the --plugin-url). */
    readonly pluginUrl: string;
}

/** The emulated account a stack reads: its URL and a key it takes. */
export interface Account {
    readonly url: string;
    readonly apiKey: string;
}

export function lastLine(text: string): string {
    return text.trimEnd().split("\n").at(-1) ?? "";
}

/** Throws with everything the command printed when it failed. */
export function succeeded(result: RunResult, what: string): RunResult {
    if (result.code !== 0) {
        throw new Error(`${what} failed (${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    return result;
}

/**
 * A user's machine for one project. Nothing named pulumi-resource-ultravox and no `node` is on its
 * PATH unless `extraPath` brings node (TypeScript).
 */
export class UserMachine {
    readonly dir: string;
    readonly home: string;
    readonly env: NodeJS.ProcessEnv;
    readonly path: string[];

    constructor(name: string, extraPath: string[] = []) {
        this.dir = tempDir(`uv-release-${name}-`);
        this.home = path.join(this.dir, "pulumi-home");
        const bin = path.join(this.dir, "bin");
        fs.mkdirSync(bin);
        for (const tool of ["pulumi", "pulumi-language-yaml"]) {
            fs.symlinkSync(path.join(TOOLS_BIN, tool), path.join(bin, tool));
        }
        fs.mkdirSync(path.join(this.dir, "backend"));
        this.path = [bin, ...extraPath];
        // childEnv drops every PULUMI_* of this process: PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION included.
        this.env = childEnv({
            PATH: this.path.join(path.delimiter),
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        });
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
    async project(name: string, runtime: string, account: Account, yaml?: string): Promise<string> {
        const dir = path.join(this.dir, name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml ?? `name: ${name}\nruntime: ${runtime}\n`);
        for (const args of [
            ["stack", "init", "release"],
            ["config", "set", "--secret", "ultravox:apiKey", account.apiKey],
            ["config", "set", "ultravox:baseUrl", account.url],
        ]) {
            succeeded(await this.pulumi(args, dir), `pulumi ${args.slice(0, 2).join(" ")}`);
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

/** A fresh project with the package installed: `up` runs `pulumi up` its way and gives the stack's outputs. */
export interface FreshProject {
    readonly user: UserMachine;
    readonly dir: string;
    up(): Promise<Record<string, unknown>>;
}

/** The outputs a driver printed as JSON on its last line. */
function printedOutputs(result: RunResult, what: string): Record<string, unknown> {
    return JSON.parse(lastLine(succeeded(result, what).stdout)) as Record<string, unknown>;
}

/** npm publish of the release's tarball to the registry. */
export async function publishToNpm(release: Release, registry: NpmRegistry): Promise<void> {
    const tarball = path.join(release.out, "npm", `pulumi-ultravox-${VERSION}.tgz`);
    succeeded(
        await run("npm", ["publish", tarball, "--userconfig", registry.userconfig], { timeoutMs: 120_000 }),
        "npm publish",
    );
}

/** TypeScript: `npm install pulumi-ultravox` (and the Pulumi SDK) from the registry; an Automation API inline program. */
export async function typescriptProject(
    user: UserMachine,
    account: Account,
    registry: NpmRegistry,
): Promise<FreshProject> {
    const dir = await user.project("release-typescript", "nodejs", account);
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
    );
    succeeded(install, "npm install from the registry");
    fs.copyFileSync(path.join(PROGRAMS, "typescript", "run.js"), path.join(dir, "run.js"));
    return {
        user,
        dir,
        up: async () =>
            printedOutputs(
                await user.run(process.execPath, ["run.js", dir, "release"], dir),
                "the TypeScript program's up",
            ),
    };
}

/** Uploads the release's wheel and sdist to the index, as twine does. */
export async function publishToPypi(release: Release, pypi: Server): Promise<void> {
    for (const file of fs.readdirSync(path.join(release.out, "python"))) {
        await uploadToPypi(pypi, path.join(release.out, "python", file), "pulumi_ultravox", VERSION);
    }
}

/**
 * Python: a venv, `pip install pulumi_ultravox` from the index (its dependencies from this
 * machine's index, at the versions the repo pins); an Automation API inline program.
 */
export async function pythonProject(
    user: UserMachine,
    account: Account,
    pypi: Server,
): Promise<FreshProject & { python: string; upWith(program: string): Promise<Record<string, unknown>> }> {
    const venv = path.join(user.dir, "venv");
    succeeded(await run("python3", ["-m", "venv", venv], { timeoutMs: 120_000 }), "python3 -m venv");
    const python = path.join(venv, "bin", "python");
    const install = await run(
        python,
        [
            ...["-m", "pip", "install", "--disable-pip-version-check", "--quiet"],
            ...["--index-url", `${pypi.url}/simple/`],
            ...["--extra-index-url", process.env.PIP_INDEX_URL ?? "https://pypi.org/simple/"],
            ...["-c", path.join(REPO_ROOT, "tools", "python", "requirements.txt")],
            `pulumi_ultravox==${VERSION}`,
        ],
        { timeoutMs: 300_000 },
    );
    succeeded(install, "pip install pulumi_ultravox");
    const dir = await user.project("release-python", "python", account);
    const driver = path.join(PROGRAMS, "python", "driver.py");
    return {
        user,
        dir,
        python,
        up: async () =>
            printedOutputs(await user.run(python, [driver, dir, "release"], dir), "the Python program's up"),
        upWith: async (program: string) =>
            printedOutputs(
                await user.run(python, [driver, dir, "release", program], dir),
                `the Python ${program}'s up`,
            ),
    };
}

/** Go: `go get <module>@v<version>` through the release's module proxy, built; an Automation API inline program. */
export async function goProject(user: UserMachine, account: Account, release: Release): Promise<FreshProject> {
    const dir = await user.project("release-go", "go", account);
    const { modulePath } = release;
    fs.writeFileSync(
        path.join(dir, "main.go"),
        fs.readFileSync(path.join(PROGRAMS, "go", "main.go"), "utf8").replace("MODULE_PATH", modulePath),
    );
    const cliVersion = fs.readFileSync(path.join(TOOLS_BIN, ".pulumi-version"), "utf8").trim();
    const usualProxy = (await run("go", ["env", "GOPROXY"])).stdout.trim();
    const goEnv = childEnv({
        GOPROXY: `file://${path.join(release.out, "goproxy")},${usualProxy}`,
        // The checksum database does not know a module that was never published.
        GONOSUMDB: modulePath,
        GOFLAGS: "-mod=mod",
    });
    const go = async (args: string[]) =>
        succeeded(await run("go", args, { cwd: dir, env: goEnv, timeoutMs: 600_000 }), `go ${args[0]}`);
    // The module cache keeps a version once fetched, as versions never change; each release proof
    // builds the same version anew (its plugin URL names that run's server), so what an earlier
    // run left of this module is removed first.
    const modCache = (await run("go", ["env", "GOMODCACHE"])).stdout.trim();
    for (const cached of [
        path.join(modCache, `${modulePath}@v${VERSION}`),
        path.join(modCache, "cache", "download", modulePath),
    ]) {
        if (!fs.existsSync(cached)) continue;
        succeeded(await run("chmod", ["-R", "u+w", cached]), `chmod -R u+w ${cached}`);
        fs.rmSync(cached, { recursive: true, force: true });
    }
    await go(["mod", "init", "example.com/release-go"]);
    await go(["get", `${modulePath}@v${VERSION}`, `github.com/pulumi/pulumi/sdk/v3@${cliVersion}`]);
    await go(["mod", "tidy"]);
    await go(["build", "-o", "release-go", "."]);
    return {
        user,
        dir,
        up: async () =>
            printedOutputs(await user.run(path.join(dir, "release-go"), [dir, "release"], dir), "the Go program's up"),
    };
}

/** The YAML program of tests/release/programs, asking for plugin `version` from `server`. */
export function yamlProgram(version: string, server: string): string {
    return fs
        .readFileSync(path.join(PROGRAMS, "yaml", "Pulumi.yaml"), "utf8")
        .replace("PLUGIN_VERSION", JSON.stringify(version))
        .replace("PLUGIN_DOWNLOAD_URL", JSON.stringify(server));
}

/** YAML: the package by name and version in the program; `pulumi up` through the YAML host. */
export async function yamlProject(user: UserMachine, account: Account, release: Release): Promise<FreshProject> {
    const dir = await user.project("release-yaml", "yaml", account, yamlProgram(VERSION, release.pluginUrl));
    return {
        user,
        dir,
        up: async () => {
            succeeded(await user.pulumi(["up", "--yes", "--stack", "release"], dir), "pulumi up (YAML)");
            const outputs = succeeded(
                await user.pulumi(["stack", "output", "--json", "--stack", "release"], dir),
                "pulumi stack output",
            );
            return JSON.parse(outputs.stdout) as Record<string, unknown>;
        },
    };
}

/** `npm run release` into `out`, with this run's node first on PATH; the Go module path is its last line. */
export async function runRelease(
    out: string,
    pluginUrl: string,
): Promise<Release & { stdout: string; stderr: string }> {
    const release = await run("npm", ["run", "release", "--silent", "--", "--out", out, "--plugin-url", pluginUrl], {
        cwd: REPO_ROOT,
        env: childEnv({ PATH: [path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter) }),
        timeoutMs: 600_000,
    });
    succeeded(release, "npm run release");
    const goModule = /^goproxy\/(.+)\/@v\/v[^/\s]+\.zip {2}\d+$/m.exec(release.stdout);
    if (!goModule)
        throw new Error(`npm run release printed no goproxy/<module>/@v/<version>.zip line:\n${release.stdout}`);
    return { out, modulePath: goModule[1] ?? "", pluginUrl, stdout: release.stdout, stderr: release.stderr };
}
