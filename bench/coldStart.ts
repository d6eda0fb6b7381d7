/**
 * 1. Plugin cold start to the first Read answered: spawn the real dynamic-provider plugin in the
 * consumer folder, Configure, then Read, for SipConfig.get's provider against the emulator and
 * for a do-nothing provider (fixed props, serialized the same way) through the same plugin.
 */
import { performance } from "node:perf_hooks";
import { startEmulator } from "pulumi-ultravox/emulator";
import { type Consumer, getConsumer } from "../tests/helpers/consumer";
import { SIP_CONFIG_URN, serializedProvider, startPlugin } from "../tests/helpers/plugin";
import { childEnv, runNode } from "../tests/helpers/process";
import {
    BENCH_KEY,
    BENCH_SIP,
    type BenchResult,
    DO_NOTHING_PROGRAM,
    median,
    ms,
    runIfMain,
    serializeInConsumer,
} from "./common";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const GOAL_RATIO = 1.3;

interface Phases {
    total: number;
    /** Spawn until the gRPC channel is ready (the port printed). */
    started: number;
    configure: number;
    read: number;
}

async function coldRead(consumer: Consumer, text: string, config: Record<string, string>): Promise<Phases> {
    const t0 = performance.now();
    const plugin = await startPlugin(consumer);
    const t1 = performance.now();
    try {
        await plugin.configure(config);
        const t2 = performance.now();
        const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, { __provider: text });
        const t3 = performance.now();
        if (read.properties.domain !== BENCH_SIP.domain) throw new Error(`unexpected read: ${JSON.stringify(read)}`);
        return { total: t3 - t0, started: t1 - t0, configure: t2 - t1, read: t3 - t2 };
    } finally {
        await plugin.stop();
    }
}

/**
 * What the first Read loads beyond the do-nothing provider, each measured in a fresh process in
 * the consumer folder after @pulumi/pulumi (already loaded in the plugin): explains the gap.
 */
const DEPENDENCY_LOAD = `
const path = require("node:path");
const { performance } = require("node:perf_hooks");
require("@pulumi/pulumi");
const t0 = performance.now();
const impl = require.resolve("pulumi-ultravox/provider-impl");
require(impl);
const t1 = performance.now();
require(path.join(path.dirname(impl), "..", "api", "validation.js"));
const t2 = performance.now();
process.stdout.write(JSON.stringify({ providerImpl: t1 - t0, schema: t2 - t1 }));
`;

async function dependencyLoad(consumer: Consumer): Promise<Record<string, number>> {
    const samples: Record<string, number>[] = [];
    for (let index = 0; index < 5; index++) {
        const result = await runNode(["-e", DEPENDENCY_LOAD], {
            cwd: consumer.dir,
            env: childEnv(),
            timeoutMs: 30_000,
        });
        samples.push(JSON.parse(result.stdout) as Record<string, number>);
    }
    return Object.fromEntries(
        Object.keys(samples[0] ?? {}).map((key) => [key, median(samples.map((sample) => sample[key] as number))]),
    );
}

export async function run(): Promise<BenchResult> {
    const consumer = await getConsumer();
    const emulator = await startEmulator({ account: { apiKeys: [BENCH_KEY], sip: BENCH_SIP } });
    try {
        const ours = (await serializedProvider(consumer, {})).text;
        const baseline = (await serializeInConsumer(consumer, DO_NOTHING_PROGRAM, ["do-nothing"]))[
            "do-nothing"
        ] as string;
        const config = { "ultravox:apiKey": BENCH_KEY, "ultravox:baseUrl": emulator.url };
        // One unmeasured start of each warms the OS file cache.
        await coldRead(consumer, ours, config);
        await coldRead(consumer, baseline, config);
        const oursRuns: Phases[] = [];
        const baselineRuns: Phases[] = [];
        for (let index = 0; index < RUNS; index++) {
            // Alternating which goes first spreads any drift of the machine over both.
            if (index % 2 === 0) {
                oursRuns.push(await coldRead(consumer, ours, config));
                baselineRuns.push(await coldRead(consumer, baseline, config));
            } else {
                baselineRuns.push(await coldRead(consumer, baseline, config));
                oursRuns.push(await coldRead(consumer, ours, config));
            }
        }
        const loads = await dependencyLoad(consumer);
        const phase = (runs: Phases[], key: keyof Phases) => median(runs.map((r) => r[key]));
        const oursTotal = phase(oursRuns, "total");
        const baselineTotal = phase(baselineRuns, "total");
        const ratio = oursTotal / baselineTotal;
        return {
            rows: [
                {
                    name: `1. plugin cold start → first Read (median of ${RUNS})`,
                    figure: ms(oursTotal, 0),
                    baseline: `${ms(baselineTotal, 0)} (do-nothing provider)`,
                    comparison: `×${ratio.toFixed(2)} (+${ms(oursTotal - baselineTotal, 0)})`,
                    goal: `≤ ×${GOAL_RATIO}`,
                    met: ratio <= GOAL_RATIO,
                },
            ],
            notes: [
                `cold start phases, median ms (ours / do-nothing): spawn→ready ${phase(oursRuns, "started").toFixed(0)} / ${phase(baselineRuns, "started").toFixed(0)}, ` +
                    `Configure ${phase(oursRuns, "configure").toFixed(1)} / ${phase(baselineRuns, "configure").toFixed(1)}, ` +
                    `first Read ${phase(oursRuns, "read").toFixed(1)} / ${phase(baselineRuns, "read").toFixed(1)}`,
                `first Read's loads, median of 5 fresh processes after @pulumi/pulumi: pulumi-ultravox/provider-impl ${loads.providerImpl?.toFixed(1)} ms, ` +
                    `the schemas (api/validation.js, zod bundled in) ${loads.schema?.toFixed(1)} ms`,
                `cold start totals, ms: ours [${oursRuns.map((r) => r.total.toFixed(0)).join(", ")}], do-nothing [${baselineRuns.map((r) => r.total.toFixed(0)).join(", ")}]`,
            ],
        };
    } finally {
        await emulator.close();
    }
}

runIfMain(module, run);
