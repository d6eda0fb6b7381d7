/** The package's CLI (`dist/cli/main.js`) as a real process, for the tests that drive it. */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type RunResult, run } from "./process";
import { REPO_ROOT } from "./repo";

export const CLI = path.join(REPO_ROOT, "dist/cli/main.js");

/**
 * Runs the CLI asynchronously (an emulator answering it may live in the calling process), with
 * only PATH and `env`, bounded by 20 s; `elapsedMs` is its wall time.
 */
export async function runCli(
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
