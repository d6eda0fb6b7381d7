/**
 * docs/cli.md's worked example, run as written: the emulator's sample account, the two exports,
 * and each `npx pulumi-ultravox` line through the real CLI.
 */
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { runCliProcess } from "../helpers/cli";
import { shellBlocks } from "../helpers/readme";
import { REPO_ROOT } from "../helpers/repo";

describe("docs/cli.md: the worked example on the emulator", function () {
    this.timeout(60_000);
    let emulator: Emulator;

    before(async () => {
        // The sample account, as `pulumi-ultravox-emulator --sample` serves it (a test keeps the two equal).
        emulator = await startEmulator({ account: path.join(REPO_ROOT, "examples/accounts/sample-account.json") });
    });
    after(async () => emulator?.close());

    it("runs every line: show exits 0, the allowed call is accepted (0), the other rejected (1)", async () => {
        const block = shellBlocks("docs/cli.md").find((code) => code.includes("export ULTRAVOX_BASE_URL="));
        expect(block, "the worked example's block").to.be.a("string");
        const lines = (block ?? "").trim().split("\n");
        const env: Record<string, string> = {};
        const codes: number[] = [];
        for (const line of lines) {
            const exported = /^export (\w+)=(\S+)$/.exec(line);
            if (exported) {
                env[exported[1] ?? ""] = exported[2] ?? "";
                continue;
            }
            const command = /^npx pulumi-ultravox (.+)$/.exec(line);
            expect(command, line).to.not.equal(null);
            // The docs' port is 8790; the test's emulator listens where it was given a free port.
            const run = await runCliProcess((command?.[1] ?? "").split(" "), {
                ...env,
                ULTRAVOX_BASE_URL: emulator.url,
            });
            codes.push(run.code ?? -1);
            if (line.includes("show"))
                expect(run.stdout).to.contain("domain             demo-account.sip.ultravox.invalid\n");
            if (line.includes("198.51.100.20")) {
                expect(run.stdout.split("\n")[0]).to.equal(
                    "accepted via agent (agent 31502aee-411d-47c1-a2eb-f8ca732e19b6)",
                );
            }
        }
        expect(env).to.deep.equal({
            ULTRAVOX_BASE_URL: "http://127.0.0.1:8790",
            ULTRAVOX_API_KEY: "demo1234.demodemodemodemodemodemodemodemo",
        });
        expect(codes).to.deep.equal([0, 0, 1]);
    });
});
