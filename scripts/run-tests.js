#!/usr/bin/env node
// Runs the suite in groups: everything but setMocks in one mocha process, then each setMocks
// file in a process of its own (setMocks is process-wide state). Ends with one summary line.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
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
        args: ["--no-config", "--timeout", "30000", "--exit", path.join(".build/tests/mocks", file)],
    })),
    // The real Pulumi CLI (npm run pulumi-cli): inline programs run in this process, so it gets its own.
    { name: "e2e", args: ["--no-config", "--timeout", "180000", "--exit", ".build/tests/e2e/**/*.test.js"] },
];

const total = { passed: 0, failed: 0, skipped: 0 };
let broken = false;
console.log(`node ${process.version}`);
for (const group of groups) {
    console.log(`\n=== ${group.name}`);
    const run = spawnSync(process.execPath, [mocha, ...group.args, ...extra], {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(run.stdout ?? "");
    const count = (word) => Number((run.stdout ?? "").match(new RegExp(`^\\s+(\\d+) ${word}`, "m"))?.[1] ?? 0);
    const group_ = { passed: count("passing"), failed: count("failing"), skipped: count("pending") };
    total.passed += group_.passed;
    total.failed += group_.failed;
    total.skipped += group_.skipped;
    if (run.status !== 0 && group_.failed === 0) {
        broken = true;
        console.log(`${group.name}: mocha exited with ${run.status ?? run.signal} before reporting failures`);
    }
}
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken || total.passed === 0 ? 1 : 0);
