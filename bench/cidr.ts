/**
 * 3. CIDR canonicalize + aggregate (`aggregateCidrs`) of 1k, 10k and 100k seeded random CIDRs,
 * against Python's `ipaddress.collapse_addresses` (python3 on the same input from a temp file)
 * and the `cidr-tools` npm package's `mergeCidr`, checking that all three give the same set.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { aggregateCidrs } from "pulumi-ultravox";
import { type BenchResult, type BenchRow, median, ms, runIfMain, seededRandom } from "./common";

const SIZES = [1_000, 10_000, 100_000];
const SEED = 0x5eed;
const GOAL_VS_PYTHON = 10;

/**
 * Allowlist-like input: addresses in 16 random /8s, prefixes /16 to /32, host bits mostly set,
 * so that canonicalization, nesting, duplicates and adjacent merges all occur.
 */
export function randomCidrs(count: number, seed = SEED): string[] {
    const random = seededRandom(seed + count);
    const blocks = Array.from({ length: 16 }, () => Math.floor(random() * 224));
    const list: string[] = [];
    for (let index = 0; index < count; index++) {
        const first = blocks[Math.floor(random() * blocks.length)] as number;
        const rest = Math.floor(random() * 2 ** 24);
        const prefix = 16 + Math.floor(random() * 17);
        list.push(`${first}.${rest >>> 16}.${(rest >>> 8) & 255}.${rest & 255}/${prefix}`);
    }
    return list;
}

const PYTHON = `
import ipaddress, json, sys, time
lines = open(sys.argv[1]).read().split()
parse, collapse = [], []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    nets = [ipaddress.ip_network(s, strict=False) for s in lines]
    t1 = time.perf_counter()
    out = list(ipaddress.collapse_addresses(nets))
    t2 = time.perf_counter()
    parse.append((t1 - t0) * 1000)
    collapse.append((t2 - t1) * 1000)
open(sys.argv[2], "w").write("\\n".join(str(n) for n in out))
print(json.dumps({"parse": parse, "collapse": collapse}))
`;

/** Runs `action` for at least `minMs` and `minRuns` times: both implementations get the JIT's full attention. */
function warmUp(action: () => unknown, minMs = 300, minRuns = 3): void {
    const started = performance.now();
    for (let runs = 0; runs < minRuns || performance.now() - started < minMs; runs++) action();
}

function timeRuns(runs: number, action: () => unknown): number[] {
    const times: number[] = [];
    for (let index = 0; index < runs; index++) {
        const started = performance.now();
        action();
        times.push(performance.now() - started);
    }
    return times;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
    if (a.length !== b.length) return false;
    const sortedA = [...a].sort();
    const sortedB = [...b].sort();
    return sortedA.every((value, index) => value === sortedB[index]);
}

export async function run(): Promise<BenchResult> {
    const { mergeCidr } = (await import("cidr-tools")) as { mergeCidr: (nets: string[]) => string[] };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ultravox-bench-cidr-"));
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const perCidr: number[] = [];
    try {
        const script = path.join(dir, "collapse.py");
        fs.writeFileSync(script, PYTHON);
        for (const size of SIZES) {
            // Flat strings, as JSON.parse makes them from an API answer (a template literal makes ropes).
            const list = JSON.parse(JSON.stringify(randomCidrs(size))) as string[];
            const runs = size >= 100_000 ? 9 : size >= 10_000 ? 21 : 51;
            warmUp(() => aggregateCidrs(list));
            const ours = median(timeRuns(runs, () => aggregateCidrs(list)));
            const oursResult = aggregateCidrs(list);

            const toolRuns = size >= 100_000 ? 5 : runs;
            warmUp(() => mergeCidr(list));
            const tool = median(timeRuns(toolRuns, () => mergeCidr(list)));
            const toolResult = mergeCidr(list);

            const input = path.join(dir, `in-${size}.txt`);
            const output = path.join(dir, `out-${size}.txt`);
            fs.writeFileSync(input, list.join("\n"));
            const started = performance.now();
            const python = spawnSync("python3", [script, input, output, "3"], { encoding: "utf8", timeout: 300_000 });
            const processMs = performance.now() - started;
            if (python.status !== 0) throw new Error(`python3 failed: ${python.stderr}`);
            const timings = JSON.parse(python.stdout) as { parse: number[]; collapse: number[] };
            const pythonCollapse = median(timings.collapse);
            const pythonParse = median(timings.parse);
            const pythonResult = fs.readFileSync(output, "utf8").split("\n").filter(Boolean);

            const agree = sameSet(oursResult, pythonResult) && sameSet(oursResult, toolResult);
            if (!agree) {
                throw new Error(
                    `results differ at ${size}: ours ${oursResult.length}, python ${pythonResult.length}, cidr-tools ${toolResult.length}`,
                );
            }
            const nsPerCidr = (ours * 1e6) / size;
            perCidr.push(nsPerCidr);
            const vsPython = pythonCollapse / ours;
            const vsTool = tool / ours;
            rows.push(
                {
                    name: `3. CIDR aggregate ${size.toLocaleString("en")} → ${oursResult.length.toLocaleString("en")} vs Python`,
                    figure: `${ms(ours, 2)} (${nsPerCidr.toFixed(0)} ns/CIDR)`,
                    baseline: `${ms(pythonCollapse, 1)} collapse only (+${ms(pythonParse, 1)} parse; ${ms(processMs, 0)} process ×3 runs)`,
                    comparison: `×${vsPython.toFixed(1)} faster (×${((pythonCollapse + pythonParse) / ours).toFixed(1)} with parse)`,
                    goal: `≥ ×${GOAL_VS_PYTHON}`,
                    met: vsPython >= GOAL_VS_PYTHON,
                },
                {
                    name: `3. CIDR aggregate ${size.toLocaleString("en")} vs cidr-tools`,
                    figure: ms(ours, 2),
                    baseline: `${ms(tool, 1)} (cidr-tools mergeCidr)`,
                    comparison: `×${vsTool.toFixed(1)} faster`,
                    goal: "faster (> ×1)",
                    met: vsTool > 1,
                },
            );
        }
        const growth = (perCidr.at(-1) as number) / (perCidr[0] as number);
        rows.push({
            name: "3. CIDR growth 1k → 100k (ns/CIDR ratio)",
            figure: `${perCidr.map((value) => value.toFixed(0)).join(" → ")} ns/CIDR`,
            baseline: "linear: ×1; n log n: ×1.67",
            comparison: `×${growth.toFixed(2)}`,
            goal: "near-linear (≤ ×2)",
            met: growth <= 2,
        });
        notes.push(
            `CIDR input: seeded (seed ${SEED}), 16 random /8s, prefixes /16–/32, host bits set; all three tools gave the same set at every size.`,
        );
        return { rows, notes };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

runIfMain(module, run);
