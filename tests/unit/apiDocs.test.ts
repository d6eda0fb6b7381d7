/**
 * The API reference: `npm run docs:api` (TypeDoc over the three public entry points, from their
 * TSDoc) builds with no warning, and the main entry points carry an example.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { runNode } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

describe("API reference: generated from the TSDoc by one command", function () {
    this.timeout(120_000);

    it("builds with no warning (every type the public surface names is documented), with the examples", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "uv-api-"));
        try {
            const typedoc = path.join(REPO_ROOT, "node_modules", "typedoc", "bin", "typedoc");
            const result = await runNode([typedoc, "--out", out], { cwd: REPO_ROOT, timeoutMs: 110_000 });
            // Without the colours' escape sequences.
            const printed = `${result.stdout}${result.stderr}`.replace(
                new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"),
                "",
            );
            expect(printed).to.not.contain("[warning]");
            expect(printed).to.not.contain("[error]");
            expect(result.code, printed).to.equal(0);
            for (const [page, example] of [
                ["classes/index.SipConfig.html", "SipConfig.get"],
                ["classes/index.SipConfig.html", "pbx-allowlist"],
                ["functions/index.getSipConfigOutput.html", "getSipConfigOutput"],
                ["functions/index.nftablesRuleset.html", "nftablesRuleset"],
                ["functions/testing.mockUltravox.html", "setMocks"],
            ] as const) {
                const html = fs.readFileSync(path.join(out, page), "utf8");
                expect(html, page).to.contain("Example");
                expect(html, page).to.contain(example);
            }
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
