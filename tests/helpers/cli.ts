/**
 * The package's CLI, for the tests that drive it: in this process (the same `runCli` the binary
 * calls, with its own environment and output streams), or as a real process where the process is
 * the point (a closed pipe, runs that overlap, the binary's wiring).
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { cliMain } from "./internal";
import { type RunResult, run } from "./process";
import { REPO_ROOT } from "./repo";

export const CLI = path.join(REPO_ROOT, "dist/cli/main.js");

export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** One CLI run in this process, with only PATH and `env` as its environment. */
export async function runCli(args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await cliMain.runCli([...args], {
        env: { PATH: process.env.PATH, ...env },
        out: (text) => {
            stdout += text;
        },
        err: (text) => {
            stderr += text;
        },
    });
    return { code, stdout, stderr };
}

/**
 * Runs the CLI as a real process, asynchronously (an emulator answering it may live in the
 * calling process), with only PATH and `env`, bounded by 20 s; `elapsedMs` is its wall time.
 */
export async function runCliProcess(
    args: readonly string[],
    env: Record<string, string | undefined>,
): Promise<RunResult & { elapsedMs: number }> {
    const started = performance.now();
    const result = await run(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH, ...env },
        timeoutMs: 20_000,
    });
    return { ...result, elapsedMs: performance.now() - started };
}
