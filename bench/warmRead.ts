/**
 * 2. A warm Read through the plugin (process started, provider loaded, sockets pooled) against a
 * raw `http.get` of the same emulator URL from this process: the time the plugin path adds.
 * The do-nothing provider's warm Read through a second plugin splits that into the gRPC round
 * trip and our provider's own work.
 */
import * as http from "node:http";
import { performance } from "node:perf_hooks";
import { startEmulator } from "pulumi-ultravox/emulator";
import { getConsumer } from "../tests/helpers/consumer";
import { SIP_CONFIG_URN, serializedProvider, startPlugin } from "../tests/helpers/plugin";
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

const READS = Number(process.env.BENCH_WARM_READS ?? 200);
const WARM_UP = 30;
const GOAL_ADDED_MS = 2;

/** GET url with the key; resolves when the whole body has arrived. */
function rawGet(url: string, agent: http.Agent): Promise<number> {
    return new Promise((resolve, reject) => {
        const request = http.get(
            url,
            { agent, headers: { "x-api-key": BENCH_KEY, accept: "application/json" } },
            (response) => {
                let size = 0;
                response.on("data", (chunk: Buffer) => {
                    size += chunk.length;
                });
                response.on("end", () =>
                    response.statusCode === 200 ? resolve(size) : reject(new Error(`HTTP ${response.statusCode}`)),
                );
                response.on("error", reject);
            },
        );
        request.on("error", reject);
    });
}

async function timed(action: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await action();
    return performance.now() - started;
}

export async function run(): Promise<BenchResult> {
    const consumer = await getConsumer();
    const emulator = await startEmulator({ account: { apiKeys: [BENCH_KEY], sip: BENCH_SIP } });
    const ours = await startPlugin(consumer);
    const noop = await startPlugin(consumer);
    const agent = new http.Agent({ keepAlive: true });
    try {
        const config = { "ultravox:apiKey": BENCH_KEY, "ultravox:baseUrl": emulator.url };
        await ours.configure(config);
        await noop.configure(config);
        const oursText = (await serializedProvider(consumer, {})).text;
        const noopText = (await serializeInConsumer(consumer, DO_NOTHING_PROGRAM, ["do-nothing"]))[
            "do-nothing"
        ] as string;
        const url = `${emulator.url}/api/sip`;
        const readOurs = () => ours.read("sip", SIP_CONFIG_URN, undefined, { __provider: oursText });
        const readNoop = () => noop.read("sip", SIP_CONFIG_URN, undefined, { __provider: noopText });
        const readRaw = () => rawGet(url, agent);
        for (let index = 0; index < WARM_UP; index++) {
            await readOurs();
            await readNoop();
            await readRaw();
        }
        const samples = { ours: [] as number[], noop: [] as number[], raw: [] as number[] };
        // Interleaved, one of each per round: drift of the machine hits all three alike.
        for (let index = 0; index < READS; index++) {
            samples.raw.push(await timed(readRaw));
            samples.ours.push(await timed(readOurs));
            samples.noop.push(await timed(readNoop));
            emulator.requests.length = 0;
        }
        const oursMs = median(samples.ours);
        const rawMs = median(samples.raw);
        const noopMs = median(samples.noop);
        const added = oursMs - rawMs;
        return {
            rows: [
                {
                    name: `2. warm Read through the plugin (median of ${READS})`,
                    figure: ms(oursMs, 2),
                    baseline: `${ms(rawMs, 2)} (raw http.get)`,
                    comparison: `+${ms(added, 2)} per read`,
                    goal: `≤ +${GOAL_ADDED_MS} ms`,
                    met: added <= GOAL_ADDED_MS,
                },
            ],
            notes: [
                `warm Read split, median ms: gRPC round trip with a do-nothing provider ${noopMs.toFixed(2)}; ` +
                    `our provider's own work (client, HTTP, validation) ≈ ${(oursMs - noopMs).toFixed(2)} ` +
                    `against ${rawMs.toFixed(2)} for the raw GET`,
            ],
        };
    } finally {
        agent.destroy();
        await Promise.all([ours.stop(), noop.stop()]);
        await emulator.close();
    }
}

runIfMain(module, run);
