/**
 * 4. What `require("pulumi-ultravox")` adds to a program that already loads `@pulumi/pulumi`,
 * measured in fresh Node processes in the consumer folder (the installed package, its own got
 * and zod), interleaved with processes that load `@pulumi/pulumi` alone.
 */
import { getConsumer } from "../tests/helpers/consumer";
import { childEnv, runNode } from "../tests/helpers/process";
import { type BenchResult, median, ms, runIfMain } from "./common";

const RUNS = Number(process.env.BENCH_REQUIRE_RUNS ?? 9);
const GOAL_MS = 30;

const ALONE = `
const { performance } = require("node:perf_hooks");
const t0 = performance.now();
require("@pulumi/pulumi");
const t1 = performance.now();
process.stdout.write(JSON.stringify({ pulumi: t1 - t0 }));
`;

const BOTH = `
const { performance } = require("node:perf_hooks");
const t0 = performance.now();
require("@pulumi/pulumi");
const t1 = performance.now();
const ultravox = require("pulumi-ultravox");
const t2 = performance.now();
if (typeof ultravox.SipConfig.get !== "function") throw new Error("no SipConfig.get");
process.stdout.write(JSON.stringify({ pulumi: t1 - t0, ultravox: t2 - t1 }));
`;

export async function run(): Promise<BenchResult> {
    const consumer = await getConsumer();
    const measure = async (script: string) => {
        const result = await runNode(["-e", script], { cwd: consumer.dir, env: childEnv(), timeoutMs: 30_000 });
        if (result.code !== 0) throw new Error(`require benchmark failed: ${result.stderr}`);
        return JSON.parse(result.stdout) as { pulumi: number; ultravox?: number };
    };
    // Unmeasured: fills the OS file cache for both.
    await measure(BOTH);
    const alone: number[] = [];
    const both: { pulumi: number; ultravox: number }[] = [];
    for (let index = 0; index < RUNS; index++) {
        alone.push((await measure(ALONE)).pulumi);
        const run = await measure(BOTH);
        both.push({ pulumi: run.pulumi, ultravox: run.ultravox ?? Number.NaN });
    }
    const added = median(both.map((run) => run.ultravox));
    const aloneMs = median(alone);
    const totalBoth = median(both.map((run) => run.pulumi + run.ultravox));
    return {
        rows: [
            {
                name: `4. require("pulumi-ultravox") after @pulumi/pulumi (median of ${RUNS} fresh processes)`,
                figure: `+${ms(added, 1)}`,
                baseline: `${ms(aloneMs, 0)} (require("@pulumi/pulumi") alone)`,
                comparison: `+${ms(added, 1)} (both: ${ms(totalBoth, 0)})`,
                goal: `≤ +${GOAL_MS} ms`,
                met: added <= GOAL_MS,
            },
        ],
        notes: [
            `require samples, ms: pulumi-ultravox added [${both.map((run) => run.ultravox.toFixed(1)).join(", ")}]`,
        ],
    };
}

runIfMain(module, run);
