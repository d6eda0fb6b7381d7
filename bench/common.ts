/**
 * Shared pieces of the benchmarks: statistics, the result rows `run.ts` prints, and provider
 * texts serialized by the SDK itself in the consumer folder (tests/helpers/consumer.ts).
 */
import type { Consumer } from "../tests/helpers/consumer";
import { childEnv, runNode } from "../tests/helpers/process";

export interface BenchRow {
    /** The benchmark, e.g. "cold start to first Read". */
    name: string;
    /** The figure measured, with its unit. */
    figure: string;
    /** The baseline measured in the same run, with its unit. */
    baseline: string;
    /** The comparison the goal is about: a ratio or an added time. */
    comparison: string;
    goal: string;
    /** Undefined for rows that only inform (no goal). */
    met: boolean | undefined;
}

export interface BenchResult {
    rows: BenchRow[];
    /** Anything worth printing under the table (breakdowns, raw samples). */
    notes: string[];
}

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of nothing");
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function ms(value: number, digits = 1): string {
    return `${value.toFixed(digits)} ms`;
}

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same inputs in every run. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const MARK = "@@bench-provider@@";

/**
 * Runs `program` (JavaScript; `pulumi` and `ultravox` are in scope) under `pulumi.runtime.setMocks`
 * in the consumer folder and returns the `__provider` text the SDK serialized for each dynamic
 * resource, by resource name. This is the SDK's own serialization path, as in a real program.
 */
export async function serializeInConsumer(
    consumer: Consumer,
    program: string,
    expected: readonly string[],
): Promise<Record<string, string>> {
    const script = `
const pulumi = require("@pulumi/pulumi");
const expected = new Set(${JSON.stringify(expected)});
const timer = setTimeout(() => { console.error("not every resource was registered"); process.exit(3); }, 20000);
pulumi.runtime.setMocks({
    newResource(request) {
        if (request.type.startsWith("pulumi-nodejs:dynamic/")) {
            process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify({ name: request.name, text: request.inputs.__provider }) + "\\n");
            expected.delete(request.name);
            if (expected.size === 0) clearTimeout(timer);
        }
        return { id: request.id || request.name + "-id", state: {} };
    },
    call: () => ({}),
}, "proj", "dev").then(() => {
    const ultravox = require("pulumi-ultravox");
    ${program}
});
`;
    const run = await runNode(["-e", script], { cwd: consumer.dir, env: childEnv(), timeoutMs: 30_000 });
    const texts: Record<string, string> = {};
    for (const line of run.stdout.split("\n")) {
        if (!line.startsWith(MARK)) continue;
        const { name, text } = JSON.parse(line.slice(MARK.length)) as { name: string; text: string };
        texts[name] = text;
    }
    for (const name of expected) {
        if (texts[name] === undefined) {
            throw new Error(`no provider text for ${name} (${run.code ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
        }
    }
    return texts;
}

/** The outputs a read of the benchmark account gives: the do-nothing provider returns exactly these. */
export const FIXED_PROPS = {
    domain: "bench.sip.ultravox.invalid",
    allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
    allowAllAgents: false,
    allowedAgents: [
        { agentId: "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", toUserPattern: "^support$" },
        {
            agentId: "2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f",
            toUserPattern: "^agent_2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f$",
        },
    ],
    fallbackHandler: { url: "https://pbx.example.com/ultravox/fallback", secrets: ["bench-secret-0001"] },
    fallbackHandlerUrl: "https://pbx.example.com/ultravox/fallback",
    fingerprint: "0".repeat(64),
};

/** The raw account behind FIXED_PROPS, for the emulator. */
export const BENCH_SIP = {
    domain: FIXED_PROPS.domain,
    allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24", "198.51.100.7/32", "9.0.0.0/8"],
    allowAllAgents: false,
    allowedAgents: [
        { agentId: "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", toUserPattern: "^support$" },
        { agentId: "2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f" },
    ],
    fallbackHandler: FIXED_PROPS.fallbackHandler,
};

export const BENCH_KEY = "b3nchk3y.benchkeybenchkeybenchkeybenchk0";

/**
 * A program registering a dynamic resource with a provider that does nothing: configure does
 * nothing, read returns FIXED_PROPS. Serialized by the SDK as ours is, so both start alike.
 */
export const DO_NOTHING_PROGRAM = `
const fixed = ${JSON.stringify(FIXED_PROPS)};
const doNothing = {
    configure: async () => {},
    read: async (id) => ({ id, props: fixed }),
};
const props = {};
for (const key of Object.keys(fixed)) props[key] = undefined;
new pulumi.dynamic.Resource(doNothing, "do-nothing", props, { id: "sip" }, "bench", "DoNothing");
`;

/** Runs a benchmark module's `run` when the file is executed directly, and prints its rows. */
export function runIfMain(module: NodeModule, run: () => Promise<BenchResult>): void {
    if (require.main !== module) return;
    run()
        .then((result) => {
            for (const row of result.rows) console.log(JSON.stringify(row));
            for (const note of result.notes) console.log(note);
        })
        .catch((error: unknown) => {
            console.error(error);
            process.exitCode = 1;
        });
}
