/**
 * scripts/run-tests.js, the README's test command: with Go on PATH the engine is required, so a
 * failed build fails the run instead of letting the e2e and release tests skip; without Go it
 * says so. Run in a copy of the scripts whose pulumi-cli.sh fails, with a `go` that answers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { childEnv, run } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";
import { removeDir, tempDir } from "../helpers/tools";

describe("npm test: a failed engine build fails the run when Go is present", function () {
    this.timeout(60_000);
    let root: string;
    let fakeGo: string;

    before(() => {
        root = tempDir("uv-run-tests-");
        fs.mkdirSync(path.join(root, "scripts"));
        for (const file of ["run-tests.js", "mocha-progress.js"]) {
            fs.copyFileSync(path.join(REPO_ROOT, "scripts", file), path.join(root, "scripts", file));
        }
        fs.writeFileSync(
            path.join(root, "scripts", "pulumi-cli.sh"),
            'echo "pulumi-cli: cannot build (test)" >&2\nexit 3\n',
        );
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
        // One passing test in the first group, so only the engine can fail the run.
        fs.mkdirSync(path.join(root, "t"));
        fs.writeFileSync(path.join(root, "t", "one.test.js"), 'it("passes", () => {});\n');
        fs.writeFileSync(path.join(root, ".mocharc.json"), JSON.stringify({ spec: ["t/*.test.js"] }));
        fakeGo = path.join(root, "fake-go");
        fs.mkdirSync(fakeGo);
        fs.writeFileSync(path.join(fakeGo, "go"), "#!/bin/sh\necho go version go1.26.0 linux/amd64\n", { mode: 0o755 });
    });

    after(() => removeDir(root));

    function runTests(pathDirs: string[]) {
        return run(process.execPath, [path.join(root, "scripts", "run-tests.js"), "--grep", "passes"], {
            cwd: root,
            env: childEnv({ PATH: pathDirs.join(path.delimiter) }),
            timeoutMs: 50_000,
        });
    }

    it("with Go on PATH and the build failing: says so and exits non-zero", async () => {
        const result = await runTests([fakeGo, path.dirname(process.execPath), "/usr/bin", "/bin"]);
        expect(result.stdout).to.contain(
            "the real engine: the build failed (exit 3, above) with Go on PATH: this run fails, and the tests that need the engine fail",
        );
        expect(result.stdout).to.contain(
            "the real engine could not be built with Go on PATH (see its output above): failing",
        );
        expect(result.code).to.equal(1);
    });

    it("without Go: the engine is not built, saying why, and only that does not fail the run", async () => {
        const result = await runTests([path.dirname(process.execPath), "/bin"]);
        expect(result.stdout).to.contain("the real engine: not built (no Go on PATH)");
        expect(result.stdout).to.not.contain("could not be built");
    });
});
