/**
 * 7. The `ultravox` plugin's cold start to its first answer, for the managed SipConfig's read (a
 * refresh, which reads the account) and for a function (nftablesRuleset), against a do-nothing
 * provider started the same way: a copy of the launcher (the same Node version check) running a
 * server on the same gRPC stubs that answers Configure, Read and Invoke with fixed values.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "pulumi-ultravox/emulator";
import { type Props, startPackageProvider } from "../tests/helpers/plugin";
import { REPO_ROOT } from "../tests/helpers/repo";
import { BENCH_KEY, BENCH_SIP, type BenchResult, median, ms, runIfMain } from "./common";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const GOAL_RATIO = 1.3;
export const URN = "urn:pulumi:bench::bench::ultravox:index:SipConfig::allowlist";
const LAUNCHER = path.join(REPO_ROOT, "provider", "package", "plugin", "pulumi-resource-ultravox");

/** Answers as fast as the stubs allow: what any provider on them pays before its own work. */
const DO_NOTHING_SERVER = `
const grpc = require(${JSON.stringify(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }))});
const services = require(${JSON.stringify(require.resolve("@pulumi/pulumi/proto/provider_grpc_pb"))});
const provider = require(${JSON.stringify(require.resolve("@pulumi/pulumi/proto/provider_pb"))});
const { Struct } = require(${JSON.stringify(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }))});
const fixed = Struct.fromJavaScript({ domain: ${JSON.stringify(BENCH_SIP.domain)}, text: "table inet ultravox {}" });
const server = new grpc.Server();
server.addService(services.ResourceProviderService, {
    configure: (call, callback) => callback(null, new provider.ConfigureResponse().setAcceptsecrets(true)),
    read: (call, callback) => callback(null, new provider.ReadResponse().setId("sip").setProperties(fixed)),
    invoke: (call, callback) => callback(null, new provider.InvokeResponse().setReturn(fixed)),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.stdout.write(port + "\\n");
});
`;

/** A copy of the real launcher whose last line runs the do-nothing server instead. */
function doNothingLauncher(dir: string): string {
    const server = path.join(dir, "do-nothing.js");
    fs.writeFileSync(server, DO_NOTHING_SERVER);
    const script = fs.readFileSync(LAUNCHER, "utf8").replace(/^main=.*$/m, `main=${JSON.stringify(server)}`);
    if (!script.includes(server)) throw new Error("the launcher's main= line was not found");
    const launcher = path.join(dir, "pulumi-resource-donothing");
    fs.writeFileSync(launcher, script, { mode: 0o755 });
    return launcher;
}

export type Call = "read" | "invoke";

export async function coldAnswer(
    launcher: string | undefined,
    call: Call,
    emulatorUrl: string,
    state: Props,
): Promise<number> {
    const t0 = performance.now();
    const plugin = await startPackageProvider(launcher ? { launcher } : {});
    try {
        await plugin.configure({ apiKey: BENCH_KEY, baseUrl: emulatorUrl }, { secretKeys: ["apiKey"] });
        const answer =
            call === "read"
                ? (await plugin.read("sip", URN, state)).properties
                : await plugin.invoke("ultravox:index:nftablesRuleset", {
                      allowedCidrRanges: BENCH_SIP.allowedCidrRanges,
                  });
        const t1 = performance.now();
        if (call === "read" && answer.domain !== BENCH_SIP.domain)
            throw new Error(`unexpected read: ${JSON.stringify(answer)}`);
        if (call === "invoke" && typeof answer.text !== "string")
            throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);
        return t1 - t0;
    } finally {
        await plugin.stop();
    }
}

export async function run(): Promise<BenchResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "uv-bench-cold-"));
    const emulator = await startEmulator({ account: { apiKeys: [BENCH_KEY], sip: BENCH_SIP } });
    try {
        const doNothing = doNothingLauncher(dir);
        // The managed state to refresh: what an import records (one unmeasured start, which also warms the file cache).
        const adopter = await startPackageProvider();
        await adopter.configure({ apiKey: BENCH_KEY, baseUrl: emulator.url }, { secretKeys: ["apiKey"] });
        const state = (await adopter.read("sip", URN, undefined)).properties;
        await adopter.stop();
        await coldAnswer(doNothing, "read", emulator.url, state);
        const rows: BenchResult["rows"] = [];
        const notes: string[] = [];
        for (const call of ["read", "invoke"] as const) {
            const ours: number[] = [];
            const baseline: number[] = [];
            for (let index = 0; index < RUNS; index++) {
                // Alternating which goes first spreads any drift of the machine over both.
                const pair = [
                    async () => ours.push(await coldAnswer(undefined, call, emulator.url, state)),
                    async () => baseline.push(await coldAnswer(doNothing, call, emulator.url, state)),
                ];
                for (const step of index % 2 === 0 ? pair : pair.reverse()) await step();
            }
            const oursMedian = median(ours);
            const baselineMedian = median(baseline);
            const ratio = oursMedian / baselineMedian;
            rows.push({
                name: `7. ultravox plugin cold start → first ${call === "read" ? "managed SipConfig read (refresh)" : "function answer (nftablesRuleset)"} (median of ${RUNS})`,
                figure: ms(oursMedian, 0),
                baseline: `${ms(baselineMedian, 0)} (do-nothing provider, same launcher)`,
                comparison: `×${ratio.toFixed(2)} (+${ms(oursMedian - baselineMedian, 0)})`,
                goal: `≤ ×${GOAL_RATIO}`,
                met: ratio <= GOAL_RATIO,
            });
            notes.push(
                `ultravox plugin cold ${call}, ms: ours [${ours.map((t) => t.toFixed(0)).join(", ")}], do-nothing [${baseline.map((t) => t.toFixed(0)).join(", ")}]`,
            );
        }
        return { rows, notes };
    } finally {
        await emulator.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

runIfMain(module, run);
