/**
 * A consumer Pulumi program folder, as a user has it: `pulumi-ultravox` installed by npm from
 * the packed tarball (a real copy with its own `zod` and `re2js`, never a link to this repo),
 * next to `@pulumi/pulumi`.
 *
 * The SDK is the one exception to "no links": it is symlinked from this repo's node_modules.
 * Installing it from the registry takes ~11 s and depends on the npm cache; the link takes no
 * time and pins the exact SDK version the repo is developed against. It is a peer dependency,
 * so a user's program supplies it too; what is under test here is our package, and that is a copy.
 *
 * One consumer is built per process (packing once), keyed by the tarball's sha256, and removed
 * when the process exits (or, if it was killed, by the next test process).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { childEnv, run } from "./process";
import { DIST_DIR, REPO_ROOT } from "./repo";

export interface Consumer {
    /** The program folder: the plugin's working directory, where `require("pulumi-ultravox")` resolves. */
    dir: string;
    /** `<dir>/node_modules/@pulumi/pulumi` resolved to its real location. */
    sdkDir: string;
    /** `<dir>/node_modules/pulumi-ultravox`: an installed copy from the tarball. */
    packageDir: string;
    tarball: string;
    /** sha256 (hex) of the tarball. */
    tarballSha256: string;
    /** Milliseconds spent packing and installing. */
    buildMs: number;
}

/**
 * npm, run under this process's Node so engine checks see Node 22. `npm_execpath` is set when
 * the tests run from `npm test`; otherwise the `npm` on PATH is followed to its npm-cli.js.
 */
function npmCommand(): { command: string; prefix: string[] } {
    const fromNpm = process.env.npm_execpath;
    if (fromNpm && /npm-cli\.js$/.test(fromNpm) && fs.existsSync(fromNpm)) {
        return { command: process.execPath, prefix: [fromNpm] };
    }
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "npm");
        if (!fs.existsSync(candidate)) continue;
        const real = fs.realpathSync(candidate);
        if (real.endsWith(".js")) return { command: process.execPath, prefix: [real] };
        return { command: candidate, prefix: [] };
    }
    return { command: "npm", prefix: [] };
}

const NPM_SOURCE_SETTINGS =
    /^npm_config_(cache|registry|userconfig|globalconfig|offline|prefer_offline|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;

/** Runs npm under this process's Node in `cwd`, with only the npm settings that say where packages come from; resolves to stdout. */
export async function npm(args: readonly string[], cwd: string, timeoutMs: number): Promise<string> {
    return (await npmRun(args, cwd, timeoutMs)).stdout;
}

export interface NpmRunOptions {
    /** More environment for npm and every process it starts. */
    env?: Record<string, string>;
    /** The Node that runs npm: default this process's. */
    node?: string;
}

/** `npm`, resolving to its stdout and stderr (npm's warnings are on stderr); throws when npm fails. */
export async function npmRun(
    args: readonly string[],
    cwd: string,
    timeoutMs: number,
    options: NpmRunOptions = {},
): Promise<{ stdout: string; stderr: string }> {
    const { command, prefix } = npmCommand();
    const result = await run(command === process.execPath ? (options.node ?? command) : command, [...prefix, ...args], {
        cwd,
        // An outer `npm test` sets npm_* variables (npm_config_local_prefix=<repo>, lifecycle
        // state): only those saying where packages come from are passed on.
        env: childEnv({
            ...Object.fromEntries(
                Object.keys(process.env)
                    .filter((key) => /^npm_/i.test(key) && !NPM_SOURCE_SETTINGS.test(key))
                    .map((key) => [key, undefined]),
            ),
            ...options.env,
        }),
        timeoutMs,
    });
    if (result.code !== 0) {
        throw new Error(
            `npm ${args.join(" ")} failed (${result.code ?? result.signal}) in ${cwd}:\n${result.stderr.slice(-4000)}`,
        );
    }
    return { stdout: result.stdout, stderr: result.stderr };
}

const WORK_DIR_PREFIX = "pulumi-ultravox-consumer-";
const workDirs = new Set<string>();

/**
 * Removes consumer folders left by test processes that died without running their exit
 * handlers (killed by a signal or a CI timeout): the owner's pid is in the folder's name.
 */
function removeOrphans(): void {
    for (const name of fs.readdirSync(os.tmpdir())) {
        if (!name.startsWith(WORK_DIR_PREFIX)) continue;
        const owner = Number(/^(\d+)-/.exec(name.slice(WORK_DIR_PREFIX.length))?.[1]);
        if (!owner || owner === process.pid || isAlive(owner)) continue;
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: alive, but someone else's.
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

let packed: Promise<{ tarball: string; sha256: string; workDir: string }> | undefined;
const consumers = new Map<string, Promise<Consumer>>();

function pack(): Promise<{ tarball: string; sha256: string; workDir: string }> {
    packed ??= (async () => {
        if (!fs.existsSync(path.join(DIST_DIR, "pulumi", "providerImpl.js"))) {
            throw new Error("dist/ is not built: run `npm run build` (npm test's pretest does) before these tests.");
        }
        removeOrphans();
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `${WORK_DIR_PREFIX}${process.pid}-`));
        workDirs.add(workDir);
        const out = await npm(["pack", "--pack-destination", workDir, "--json", "--silent"], REPO_ROOT, 60_000);
        const [info] = JSON.parse(out.slice(out.indexOf("["))) as { filename: string }[];
        if (!info) throw new Error(`npm pack printed no file: ${out}`);
        const tarball = path.join(workDir, info.filename);
        const sha256 = createHash("sha256").update(fs.readFileSync(tarball)).digest("hex");
        return { tarball, sha256, workDir };
    })();
    // A failed pack is not cached: the next caller retries and sees the real error.
    packed.catch(() => {
        packed = undefined;
    });
    return packed;
}

async function build(tarball: string, sha256: string, workDir: string): Promise<Omit<Consumer, "buildMs">> {
    const dir = path.join(workDir, `program-${sha256.slice(0, 12)}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "package.json"),
        `${JSON.stringify({ name: "ultravox-consumer", version: "1.0.0", private: true, main: "index.js" }, null, 2)}\n`,
    );
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: ultravox-consumer\nruntime: nodejs\ndescription: A program that reads an Ultravox SIP config\n",
    );
    // --legacy-peer-deps: the peer @pulumi/pulumi is linked below instead of fetched.
    // --prefer-offline: zod, re2js and their dependencies come from the npm cache when it has them.
    await npm(
        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--legacy-peer-deps", "--loglevel=error", tarball],
        dir,
        120_000,
    );
    const packageDir = path.join(dir, "node_modules", "pulumi-ultravox");
    if (fs.lstatSync(packageDir).isSymbolicLink()) {
        throw new Error(`${packageDir} is a link; the consumer must hold an installed copy.`);
    }
    const scopeDir = path.join(dir, "node_modules", "@pulumi");
    fs.mkdirSync(scopeDir, { recursive: true });
    const repoSdk = fs.realpathSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"));
    fs.symlinkSync(repoSdk, path.join(scopeDir, "pulumi"), "dir");
    return {
        dir,
        sdkDir: fs.realpathSync(path.join(scopeDir, "pulumi")),
        packageDir,
        tarball,
        tarballSha256: sha256,
    };
}

/** The consumer for the package as it is packed now; built on first use, then shared by the process. */
export async function getConsumer(): Promise<Consumer> {
    const started = Date.now();
    const { tarball, sha256, workDir } = await pack();
    let consumer = consumers.get(sha256);
    if (!consumer) {
        consumer = build(tarball, sha256, workDir).then((built) => ({ ...built, buildMs: Date.now() - started }));
        consumers.set(sha256, consumer);
        // A failed build is not cached: the next caller retries and sees the real error.
        consumer.catch(() => consumers.delete(sha256));
    }
    return consumer;
}

/** Removes every consumer folder this process made. Also runs when the process exits. */
export function disposeConsumers(): void {
    for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
    workDirs.clear();
    consumers.clear();
    packed = undefined;
}

process.once("exit", disposeConsumers);

/** Pulumi's TypeScript template's tsconfig.json (`pulumi new typescript`): CommonJS, strict, no esModuleInterop, no skipLibCheck. */
export const PULUMI_TEMPLATE_TSCONFIG = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
};

/** A TypeScript project inside the consumer folder: its own package.json, tsconfig and sources. */
export interface TypeScriptProject {
    /** `{ type: "module" }` for an ES-module project; merged into a private package.json. */
    packageJson?: Record<string, unknown>;
    tsconfig: Record<string, unknown>;
    /** File name (relative) → contents. */
    files: Record<string, string>;
    /** More `@types` packages to link from this repo (`mocha`); `node` always is. */
    types?: string[];
    /** Emit JavaScript where the tsconfig says (default: type-check only). */
    emit?: boolean;
}

/**
 * Writes `project` to `<consumer>/<name>/` (so `pulumi-ultravox` and `@pulumi/pulumi` resolve
 * from the consumer's node_modules, as from a program folder) and type-checks it with this
 * repo's TypeScript (`tsc -p <dir>`, with `--noEmit` unless `emit`). `@types/node` is linked in, as the template
 * installs it. Resolves to tsc's output; `code` 0 means it compiled.
 */
export async function typeCheckProject(
    consumer: Consumer,
    name: string,
    project: TypeScriptProject,
): Promise<{ code: number | null; output: string; dir: string }> {
    const typesDir = path.join(consumer.dir, "node_modules", "@types");
    for (const types of ["node", ...(project.types ?? [])]) {
        const linked = path.join(typesDir, types);
        if (fs.existsSync(linked)) continue;
        fs.mkdirSync(typesDir, { recursive: true });
        fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, "node_modules", "@types", types)), linked, "dir");
    }
    const dir = path.join(consumer.dir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const manifest = { name, version: "1.0.0", private: true, ...project.packageJson };
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(project.tsconfig, null, 2)}\n`);
    for (const [file, text] of Object.entries(project.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = await run(
        process.execPath,
        [tsc, "-p", dir, ...(project.emit ? [] : ["--noEmit"]), "--pretty", "false"],
        {
            cwd: dir,
            timeoutMs: 120_000,
        },
    );
    return { code: result.code, output: `${result.stdout}${result.stderr}`, dir };
}
