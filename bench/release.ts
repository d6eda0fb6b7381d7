/**
 * 8–10. The release (`npm run release`, served on 127.0.0.1 as the proof in tests/release/ serves it):
 * 8. the artifacts' sizes; each plugin tarball against a tarball of the bare node binary it is
 *    made from (what Node alone weighs);
 * 9. the self-contained plugin's cold start to its first answer against the npm-installed plugin
 *    (the launcher and dist/, with Node's compile cache), same machine, same run, alternating;
 * 10. a fresh project to a finished `pulumi up`, per language (install by name, then the first up,
 *    in which the engine downloads the plugin), against a second `up` of the same project.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "pulumi-ultravox/emulator";
import { startPackageProvider } from "../tests/helpers/plugin";
import { run as runProcess } from "../tests/helpers/process";
import { REPO_ROOT } from "../tests/helpers/repo";
import { removeDir, tempDir } from "../tests/helpers/tools";
import {
    type Account,
    type FreshProject,
    goProject,
    missingReleaseTools,
    publishToNpm,
    publishToPypi,
    pythonProject,
    runRelease,
    TOOLS_BIN,
    typescriptProject,
    UserMachine,
    VERSION,
    yamlProject,
} from "../tests/release/helpers/projects";
import { startPypiserver, startStaticServer, startVerdaccio } from "../tests/release/helpers/registries";
import { BENCH_KEY, BENCH_SIP, type BenchResult, type BenchRow, median, ms, runIfMain } from "./common";
import { type Call, coldAnswer, URN } from "./packageColdStart";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);

function megabytes(bytes: number): string {
    return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function kilobytes(bytes: number): string {
    return `${(bytes / 2 ** 10).toFixed(0)} KiB`;
}

/**
 * The size of a gzip'd tar of the bare node binary of `target`: the release's own, unpacked
 * from its checked cache (scripts/release/plugin.js; the running Node's version).
 */
async function bareNodeTarball(target: string, dir: string): Promise<number | undefined> {
    const plugin = require(path.join(REPO_ROOT, "scripts", "release", "plugin.js")) as {
        nodeBinary(options: { target: string; work: string; say: (message: string) => void }): string;
    };
    let node: string;
    try {
        node = plugin.nodeBinary({ target, work: dir, say: () => undefined });
    } catch {
        return undefined;
    }
    const tarball = path.join(dir, `bare-${target}.tar.gz`);
    await runProcess(
        "sh",
        ["-c", 'tar -C "$1" -cf - "$2" | gzip -n > "$3"', "sh", path.dirname(node), path.basename(node), tarball],
        { timeoutMs: 300_000 },
    );
    return fs.statSync(tarball).size;
}

async function sizes(out: string, scratch: string): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    for (const folder of ["npm", "python"]) {
        for (const name of fs.readdirSync(path.join(out, folder)).sort()) {
            rows.push({
                name: `8. ${folder}/${name}`,
                figure: kilobytes(fs.statSync(path.join(out, folder, name)).size),
                baseline: "",
                comparison: "",
                goal: "",
                met: undefined,
            });
        }
    }
    const proxy = path.join(out, "goproxy");
    const zip = fs
        .readdirSync(proxy, { recursive: true, encoding: "utf8" })
        .find((file) => file.endsWith(`v${VERSION}.zip`)) as string;
    rows.push({
        name: "8. goproxy module zip",
        figure: kilobytes(fs.statSync(path.join(proxy, zip)).size),
        baseline: "",
        comparison: "",
        goal: "",
        met: undefined,
    });
    for (const name of fs
        .readdirSync(path.join(out, "plugin"))
        .filter((file) => file.endsWith(".tar.gz"))
        .sort()) {
        const size = fs.statSync(path.join(out, "plugin", name)).size;
        const target = /-(\w+-\w+)\.tar\.gz$/.exec(name)?.[1] as string;
        const bare = await bareNodeTarball(target, scratch);
        rows.push({
            name: `8. plugin/${name}`,
            figure: megabytes(size),
            baseline: bare === undefined ? "" : `${megabytes(bare)} (node ${process.versions.node} alone, tar.gz)`,
            comparison:
                bare === undefined
                    ? ""
                    : `×${(size / bare).toFixed(3)} (${size >= bare ? "+" : "−"}${megabytes(Math.abs(size - bare))})`,
            goal: "",
            met: undefined,
        });
    }
    return rows;
}

async function coldStarts(executable: string, notes: string[]): Promise<BenchRow[]> {
    const emulator = await startEmulator({ account: { apiKeys: [BENCH_KEY], sip: BENCH_SIP } });
    try {
        const adopter = await startPackageProvider();
        await adopter.configure({ apiKey: BENCH_KEY, baseUrl: emulator.url }, { secretKeys: ["apiKey"] });
        const state = (await adopter.read("sip", URN, undefined)).properties;
        await adopter.stop();
        // One unmeasured start of each: the file cache and Node's compile cache are warm for both.
        await coldAnswer(executable, "invoke", emulator.url, state);
        await coldAnswer(undefined, "invoke", emulator.url, state);
        const rows: BenchRow[] = [];
        for (const call of ["invoke", "read"] as Call[]) {
            const sea: number[] = [];
            const npm: number[] = [];
            for (let index = 0; index < RUNS; index++) {
                const pair = [
                    async () => sea.push(await coldAnswer(executable, call, emulator.url, state)),
                    async () => npm.push(await coldAnswer(undefined, call, emulator.url, state)),
                ];
                for (const step of index % 2 === 0 ? pair : pair.reverse()) await step();
            }
            const ratio = median(sea) / median(npm);
            rows.push({
                name: `9. self-contained plugin cold start → first ${call === "read" ? "managed read (refresh)" : "function answer"} (median of ${RUNS})`,
                figure: ms(median(sea), 0),
                baseline: `${ms(median(npm), 0)} (npm-installed plugin, node ${process.versions.node})`,
                comparison: `×${ratio.toFixed(2)}`,
                goal: "≤ ×1.00",
                met: ratio <= 1,
            });
            notes.push(
                `cold ${call}, ms: self-contained [${sea.map((t) => t.toFixed(0)).join(", ")}], npm-installed [${npm.map((t) => t.toFixed(0)).join(", ")}]`,
            );
        }
        return rows;
    } finally {
        await emulator.close();
    }
}

async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
    const t0 = performance.now();
    const value = await step();
    return [value, performance.now() - t0];
}

export async function run(): Promise<BenchResult> {
    const missing = missingReleaseTools();
    if (missing.length > 0)
        throw new Error(`the release benchmark needs ${missing.join(", ")}: run npm run pulumi-cli`);
    const out = tempDir("uv-bench-release-");
    const scratch = tempDir("uv-bench-release-scratch-");
    const plugins = await startStaticServer({ release: path.join(out, "plugin") });
    const closing: { close(): Promise<void> }[] = [plugins];
    const machines: UserMachine[] = [];
    const notes: string[] = [];
    try {
        const [release, releaseMs] = await timed(() => runRelease(out, `${plugins.url}/release`));
        notes.push(`npm run release (3 platforms): ${ms(releaseMs, 0)}`);
        const rows = await sizes(out, scratch);

        const executable = path.join(scratch, "pulumi-resource-ultravox");
        await runProcess("tar", [
            "-xzf",
            path.join(out, "plugin", `pulumi-resource-ultravox-v${VERSION}-linux-amd64.tar.gz`),
            "-C",
            scratch,
        ]);
        rows.push(...(await coldStarts(executable, notes)));

        const emulator = await startEmulator({ account: { apiKeys: [BENCH_KEY], sip: BENCH_SIP } });
        closing.push(emulator);
        const account: Account = { url: emulator.url, apiKey: BENCH_KEY };
        const registry = await startVerdaccio((await runProcess("npm", ["config", "get", "registry"])).stdout.trim());
        closing.push(registry);
        await publishToNpm(release, registry);
        const pypi = await startPypiserver();
        closing.push(pypi);
        await publishToPypi(release, pypi);
        const machine = (name: string, extraPath: string[] = []) => {
            const created = new UserMachine(name, extraPath);
            machines.push(created);
            return created;
        };
        const languages: [string, () => Promise<FreshProject>][] = [
            [
                "TypeScript",
                () =>
                    typescriptProject(
                        machine("typescript", [TOOLS_BIN, path.dirname(process.execPath), "/usr/bin", "/bin"]),
                        account,
                        registry,
                    ),
            ],
            ["Python", () => pythonProject(machine("python"), account, pypi)],
            ["Go", () => goProject(machine("go"), account, release)],
            ["YAML", () => yamlProject(machine("yaml"), account, release)],
        ];
        for (const [language, fresh] of languages) {
            const [project, installMs] = await timed(fresh);
            const [first, firstUpMs] = await timed(() => project.up());
            const [second, secondUpMs] = await timed(() => project.up());
            if (first.domain !== BENCH_SIP.domain || second.domain !== BENCH_SIP.domain) {
                throw new Error(`${language}: unexpected outputs ${JSON.stringify(first)}`);
            }
            const total = installMs + firstUpMs;
            rows.push({
                name: `10. ${language}: fresh project → install by name → first pulumi up`,
                figure: ms(total, 0),
                baseline: `${ms(secondUpMs, 0)} (a second up, all installed)`,
                comparison: `×${(total / secondUpMs).toFixed(1)}`,
                goal: "",
                met: undefined,
            });
            notes.push(
                `${language}: install ${ms(installMs, 0)}, first up ${ms(firstUpMs, 0)}, second up ${ms(secondUpMs, 0)}`,
            );
        }
        return { rows, notes };
    } finally {
        for (const server of closing) await server.close();
        for (const created of machines) created.cleanup();
        removeDir(out);
        removeDir(scratch);
    }
}

runIfMain(module, run);
