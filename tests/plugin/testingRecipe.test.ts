/**
 * docs/testing.md's example, as a user runs it: its files written into a program
 * folder with the packed package installed, compiled with Pulumi's template tsconfig, and its
 * mocha tests run. A change to `pulumi-ultravox/testing` that breaks the recipe fails here.
 */
import * as path from "node:path";
import { expect } from "chai";
import { getConsumer, PULUMI_TEMPLATE_TSCONFIG, typeCheckProject } from "../helpers/consumer";
import { runNode } from "../helpers/process";
import { pageFiles } from "../helpers/readme";
import { REPO_ROOT } from "../helpers/repo";

describe("docs/testing.md: testing a stack, run as a user runs it", function () {
    this.timeout(240_000);

    it("compiles with Pulumi's template tsconfig, and its mocha tests pass against the packed package", async () => {
        const files = pageFiles("docs/testing.md");
        expect(Object.keys(files)).to.deep.equal(["index.ts", "index.test.ts", "allowlist.ts", "allowlist.test.ts"]);
        const consumer = await getConsumer();
        const compiled = await typeCheckProject(consumer, "test-your-stack", {
            tsconfig: { ...PULUMI_TEMPLATE_TSCONFIG, files: Object.keys(files) },
            files,
            types: ["mocha"],
            emit: true,
        });
        expect(compiled.output.trim()).to.equal("");
        expect(compiled.code).to.equal(0);
        const mocha = path.join(REPO_ROOT, "node_modules", "mocha", "bin", "mocha.js");
        // One mocha per test file, as setMocks is process-wide: the read stack, then the managed one.
        for (const [file, passing] of [
            ["bin/index.test.js", 3],
            ["bin/allowlist.test.js", 2],
        ] as const) {
            const result = await runNode([mocha, "--no-config", "--reporter", "dot", file], {
                cwd: compiled.dir,
                timeoutMs: 120_000,
            });
            expect(result.code, `${file}\n${result.stdout}\n${result.stderr}`).to.equal(0);
            expect(result.stdout).to.match(new RegExp(`\\b${passing} passing`));
            expect(result.stdout).to.not.match(/failing|pending/);
        }
    });
});
