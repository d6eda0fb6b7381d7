#!/usr/bin/env node
// Runs the suite in groups: everything but setMocks in one mocha process, then each setMocks
// file in a process of its own (setMocks is process-wide state). Each mocha prints one line per
// test as it ends (scripts/mocha-progress.js) and writes a JSON report to a file; the failures
// and the last line, `tests: N passed, N failed, N skipped`, are built from those files, not
// from mocha's text.
// Extra arguments go to every mocha (`npm test -- --grep cidr`); the reporter is this script's.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const REPORTER = path.join(__dirname, "mocha-progress.js");
// Warnings printed by code under test are shown only with a failing test (tests/helpers/quietWarnings.ts).
const QUIET = ["--require", ".build/tests/helpers/quietWarnings.js"];
const mocha = require.resolve("mocha/bin/mocha.js", { paths: [root] });
const extra = process.argv.slice(2);
const mocksDir = path.join(root, ".build/tests/mocks");
const mockFiles = fs.existsSync(mocksDir)
    ? fs
          .readdirSync(mocksDir)
          .filter((f) => f.endsWith(".test.js"))
          .sort()
    : [];

const groups = [
    { name: "unit, http, plugin, proof", args: ["--config", ".mocharc.json"] },
    ...mockFiles.map((file) => ({
        name: `mocks/${file}`,
        args: ["--no-config", ...QUIET, "--timeout", "30000", "--exit", path.join(".build/tests/mocks", file)],
    })),
    // The real Pulumi CLI (npm run pulumi-cli): inline programs run in this process, so it gets its own.
    { name: "e2e", args: ["--no-config", ...QUIET, "--timeout", "180000", "--exit", ".build/tests/e2e/**/*.test.js"] },
    // npm run release, published to registries on 127.0.0.1 and installed by fresh projects.
    {
        name: "release",
        args: ["--no-config", ...QUIET, "--timeout", "900000", "--exit", ".build/tests/release/**/*.test.js"],
    },
];

/** Runs one group; returns mocha's JSON report, or undefined when mocha wrote none (it crashed first). */
function runGroup(group, index) {
    const output = path.join(os.tmpdir(), `pulumi-ultravox-mocha-${process.pid}-${index}.json`);
    fs.rmSync(output, { force: true });
    // The tests' own console output goes straight to this terminal.
    const run = spawnSync(
        process.execPath,
        [mocha, ...group.args, ...extra, "--reporter", REPORTER, "--reporter-option", `output=${output}`],
        { cwd: root, stdio: "inherit" },
    );
    let report;
    try {
        report = JSON.parse(fs.readFileSync(output, "utf8"));
    } catch {
        report = undefined;
    } finally {
        fs.rmSync(output, { force: true });
    }
    return { status: run.status ?? run.signal, report };
}

/** Each failure (hooks included) with its message and stack; the tests' own lines came as they ran. */
function print(report) {
    report.failures.forEach((failure, index) => {
        console.log(`\n  ${index + 1}) ${failure.fullTitle}`);
        console.log(`     ${failure.file ?? ""}`);
        const stack = failure.err?.stack ?? failure.err?.message ?? JSON.stringify(failure.err);
        console.log(String(stack).replace(/^/gm, "     "));
    });
}

/**
 * The real engine the e2e suite runs (the Pulumi CLI, the YAML host, the Python venv: what
 * `npm run pulumi-cli` builds, cached under ~/.cache/pulumi-ultravox), built here when missing and
 * Go is present, so that the README's test command runs the e2e suite on a fresh clone too.
 * With Go on PATH the engine is required: a failed build fails the run, and the tests that need
 * it fail rather than skip (PULUMI_ULTRAVOX_ENGINE_REQUIRED=1, tests/helpers/tools.ts). Only
 * without Go do they skip, saying so. PULUMI_ULTRAVOX_NO_ENGINE_BUILD=1 leaves the build out.
 * Returns whether the engine could not be built.
 */
function ensureEngine() {
    const go = spawnSync("go", ["version"], { stdio: "ignore" });
    if (go.status !== 0) {
        console.log("\n=== the real engine: not built (no Go on PATH); the e2e and release tests skip, saying why");
        return false;
    }
    process.env.PULUMI_ULTRAVOX_ENGINE_REQUIRED = "1";
    const needed = [
        ".tools/bin/pulumi",
        ".tools/bin/pulumi-language-yaml",
        ".tools/python/bin/python",
        ".tools/bin/gomodzip",
        ".tools/verdaccio/node_modules/verdaccio/bin/verdaccio",
    ];
    const missing = needed.filter((file) => !fs.existsSync(path.join(root, file)));
    if (missing.length === 0 || process.env.PULUMI_ULTRAVOX_NO_ENGINE_BUILD === "1") return false;
    console.log(`\n=== the real engine: ${missing.join(", ")} missing; building it once (npm run pulumi-cli, cached)`);
    const built = spawnSync("bash", [path.join(__dirname, "pulumi-cli.sh")], { cwd: root, stdio: "inherit" });
    if (built.status === 0) return false;
    console.log(
        `the real engine: the build failed (exit ${built.status ?? built.signal}, above) with Go on PATH: this run fails, and the tests that need the engine fail`,
    );
    return true;
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log(`node ${process.version}`);
const engineBroken = ensureEngine();
let broken = engineBroken;
groups.forEach((group, index) => {
    console.log(`\n=== ${group.name}`);
    const { status, report } = runGroup(group, index);
    if (!report) {
        broken = true;
        console.log(`${group.name}: mocha exited with ${status} and wrote no JSON report (it failed before running)`);
        return;
    }
    print(report);
    const { passes, failures, pending } = report.stats;
    console.log(`  ${passes} passed, ${failures} failed, ${pending} skipped (${report.stats.duration} ms)`);
    total.passed += passes;
    total.failed += failures;
    total.skipped += pending;
    if (status !== 0 && failures === 0) {
        broken = true;
        console.log(`${group.name}: mocha exited with ${status} before reporting failures`);
    }
});
if (engineBroken) console.log("\nthe real engine could not be built with Go on PATH (see its output above): failing");
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken || total.passed === 0 ? 1 : 0);
