/**
 * dist/api/validation.js, the schemas bundled with the part of zod they use (scripts/bundle-validation.js):
 * what the client loads on its first read. It must be the bundle (no zod module tree to load), hold no
 * copy of our own modules (one UltravoxError class), and answer exactly as tsc's modules of the same
 * source do.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { UltravoxError } from "pulumi-ultravox";
import { AGENT_A, rawSipConfig } from "../helpers/fixtures";
import { runNode } from "../helpers/process";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

type Schemas = typeof import("../../dist/api/schema") & typeof import("../../dist/api/registrationSchema");

const BUNDLE = path.join(DIST_DIR, "api", "validation.js");
const bundled = require(BUNDLE) as Schemas;
const unbundled = {
    ...(require(path.join(DIST_DIR, "api", "schema")) as object),
    ...(require(path.join(DIST_DIR, "api", "registrationSchema")) as object),
} as Schemas;

/** What a call gives: its value, or the error's class, code, message and issue paths. */
function outcome(call: () => unknown): unknown {
    try {
        return { value: call() };
    } catch (error) {
        const failure = error as UltravoxError;
        return {
            ultravoxError: error instanceof UltravoxError,
            code: failure.code,
            message: failure.message,
            issues: failure.issues,
        };
    }
}

describe("the schemas' bundle (dist/api/validation.js)", () => {
    it("requires no zod and, of ours, only core/ modules and Node's own", () => {
        const requires = [...fs.readFileSync(BUNDLE, "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(requires).to.not.be.empty;
        expect(requires.filter((name) => !/^(\.\.\/core\/\w+|node:\w+)$/.test(name ?? ""))).to.deep.equal([]);
    });

    it("loads no file of zod's package (require.cache of a fresh process)", async () => {
        const script = `
require(${JSON.stringify(BUNDLE)});
process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(file))));
`;
        const result = await runNode(["-e", script], { cwd: REPO_ROOT, timeoutMs: 30_000 });
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.deep.equal([]);
    });

    it("exports what tsc's schema and registrationSchema modules export", () => {
        expect(Object.keys(bundled).sort()).to.deep.equal(Object.keys(unbundled).sort());
    });

    it("answers as tsc's modules do, values and errors alike", () => {
        const bad = rawSipConfig();
        bad.domain = "not a host";
        (bad.allowedAgents as unknown[]).push({ agentId: "nope" }, { agentId: AGENT_A, toUserPattern: 7 });
        bad.fallbackHandler = { url: "https://x.invalid/\n", secrets: [] };
        const calls: [string, (schemas: Schemas) => unknown][] = [
            ["a valid config", (s) => s.parseSipConfig(rawSipConfig())],
            ["a config wrong in four places", (s) => s.parseSipConfig(bad)],
            ["not an object", (s) => s.parseSipConfig([1])],
            ["an account's domain", (s) => s.parseAccountDomain({ domain: "acme.sip.invalid", rest: 1 })],
            ["no domain", (s) => s.parseAccountDomain({})],
            ["a patch", (s) => s.sipConfigPatchSchema.safeParse({ allowedCidrRanges: ["10.0.0.0/8", "x"] })],
            ["a registration id", (s) => s.registrationIdSchema.safeParse("../etc").success],
            ["a registration input", (s) => s.checkRegistrationInput({ username: 5 } as never)],
        ];
        for (const [what, call] of calls) {
            const got = outcome(() => call(bundled));
            expect(JSON.parse(JSON.stringify(got)), what).to.deep.equal(
                JSON.parse(JSON.stringify(outcome(() => call(unbundled)))),
            );
            if ((got as { ultravoxError?: boolean }).ultravoxError === false)
                expect.fail(`${what}: not an UltravoxError`);
        }
    });
});
