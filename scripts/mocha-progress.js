// The reporter of scripts/run-tests.js: one line per test as soon as it ends, so that a long group
// shows progress, and at the end the same JSON report as mocha's `json` reporter (to the file
// named by `--reporter-option output=...`), from which run-tests.js counts and lists failures.
const fs = require("node:fs");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

function plain(test, error) {
    return {
        title: test.title,
        fullTitle: test.fullTitle(),
        file: test.file,
        duration: test.duration,
        err: error ? { message: error.message, stack: error.stack } : {},
    };
}

class ProgressReporter extends Mocha.reporters.Base {
    constructor(runner, options) {
        super(runner, options);
        const output = options?.reporterOption?.output ?? options?.reporterOptions?.output;
        const tests = [];
        const failures = [];
        const pending = [];
        const line = (mark, test) => {
            const slow = typeof test.duration === "number" && test.duration >= 1000 ? ` (${test.duration} ms)` : "";
            process.stdout.write(`  ${mark} ${test.fullTitle()}${slow}\n`);
        };
        runner.on(EVENT_TEST_PASS, (test) => {
            tests.push(plain(test));
            line("✔", test);
        });
        runner.on(EVENT_TEST_PENDING, (test) => {
            tests.push(plain(test));
            pending.push(plain(test));
            line("-", test);
        });
        runner.on(EVENT_TEST_FAIL, (test, error) => {
            const failed = plain(test, error);
            failures.push(failed);
            // A failed hook is a failure but not a test.
            if (test.type === "test") tests.push(failed);
            line("✖", test);
        });
        runner.once(EVENT_RUN_END, () => {
            if (output) fs.writeFileSync(output, JSON.stringify({ stats: this.stats, tests, failures, pending }));
        });
    }
}

module.exports = ProgressReporter;
