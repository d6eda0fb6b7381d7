/**
 * `npm run bench`: runs every benchmark in turn (one at a time, so they do not disturb each
 * other) and prints one table of figures, baselines measured in the same run, goals and
 * whether each is met. The rows also go to .build/bench/results.json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { run as cidr } from "./cidr";
import { run as coldStart } from "./coldStart";
import type { BenchResult, BenchRow } from "./common";
import { run as enginePreview } from "./enginePreview";
import { run as packageColdStart } from "./packageColdStart";
import { run as providerSize } from "./providerSize";
import { run as release } from "./release";
import { run as requireTime } from "./requireTime";
import { run as warmRead } from "./warmRead";

const BENCHMARKS: [string, () => Promise<BenchResult>][] = [
    ["cold start", coldStart],
    ["warm read", warmRead],
    ["cidr", cidr],
    ["require time", requireTime],
    ["provider size", providerSize],
    ["engine preview", enginePreview],
    ["package cold start", packageColdStart],
    ["release", release],
];

function table(rows: BenchRow[]): string {
    const header = ["benchmark", "figure", "baseline (same run)", "comparison", "goal", "met"];
    const cells = rows.map((row) => [
        row.name,
        row.figure,
        row.baseline,
        row.comparison,
        row.goal,
        row.met === undefined ? "" : row.met ? "yes" : "NO",
    ]);
    const widths = header.map((title, column) =>
        Math.max(title.length, ...cells.map((line) => (line[column] ?? "").length)),
    );
    const line = (values: string[]) =>
        `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
    return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

async function main(): Promise<void> {
    const only = process.argv.slice(2);
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    console.log(
        `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    );
    for (const [name, bench] of BENCHMARKS) {
        if (only.length > 0 && !only.includes(name.replaceAll(" ", "-"))) continue;
        const started = Date.now();
        process.stdout.write(`running ${name}… `);
        const result = await bench();
        console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
        rows.push(...result.rows);
        notes.push(...result.notes);
    }
    console.log(`\n${table(rows)}\n`);
    for (const note of notes) console.log(`- ${note}`);
    fs.writeFileSync(
        path.join(__dirname, "results.json"),
        `${JSON.stringify({ node: process.version, rows, notes }, null, 2)}\n`,
    );
    const missed = rows.filter((row) => row.met === false);
    console.log(
        missed.length === 0
            ? "\nevery goal met"
            : `\n${missed.length} goal(s) missed: ${missed.map((row) => row.name).join("; ")}`,
    );
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
