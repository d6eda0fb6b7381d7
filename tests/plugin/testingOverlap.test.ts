/**
 * `mockUltravox` calls that overlap, in a fresh process as a user's test file runs them: closed in
 * any order, the environment follows the newest mock still open, and the developer's own
 * `ULTRAVOX_API_KEY` / `ULTRAVOX_BASE_URL` come back when the last one closes.
 */
import { expect } from "chai";
import { runNode } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

/** Opens mocks a, b, c (in that order), closes them in `order`, and prints the environment after each step. */
function script(order: readonly string[]): string {
    return `
const { mockUltravox } = require("pulumi-ultravox/testing");
const sip = { domain: "acme-test.sip.ultravox.invalid", allowedAgents: [] };
const env = () => ({ key: process.env.ULTRAVOX_API_KEY ?? null, url: process.env.ULTRAVOX_BASE_URL ?? null });
(async () => {
    const mocks = {};
    const steps = [];
    for (const name of ["a", "b", "c"]) {
        mocks[name] = await mockUltravox({ apiKeys: ["key-" + name], sip });
        steps.push(["open " + name, env(), mocks[name].url]);
    }
    for (const name of ${JSON.stringify(order)}) {
        await mocks[name].close();
        steps.push(["close " + name, env()]);
    }
    process.stdout.write(JSON.stringify(steps));
})().catch((error) => { console.error(error); process.exit(1); });
`;
}

describe("pulumi-ultravox/testing: overlapping mockUltravox calls, in a fresh process", function () {
    this.timeout(60_000);

    const orders = [
        ["a", "b", "c"],
        ["c", "b", "a"],
        ["b", "a", "c"],
        ["b", "c", "a"],
    ] as const;
    for (const developer of [
        { key: "dev-key", url: "https://dev.example.invalid" },
        { key: null, url: null },
    ]) {
        for (const order of orders) {
            it(`closed in the order ${order.join(", ")}, with ${developer.key ? "the developer's own settings" : "no settings"} before`, async () => {
                const result = await runNode(["-e", script(order)], {
                    cwd: REPO_ROOT,
                    env: {
                        PATH: process.env.PATH,
                        ...(developer.key ? { ULTRAVOX_API_KEY: developer.key, ULTRAVOX_BASE_URL: developer.url } : {}),
                    },
                    timeoutMs: 30_000,
                });
                expect(result.code, result.stderr).to.equal(0);
                const steps = JSON.parse(result.stdout) as [
                    string,
                    { key: string | null; url: string | null },
                    string?,
                ][];
                const urls = Object.fromEntries(steps.slice(0, 3).map(([step, , url]) => [step.slice(5), url]));
                const open = new Set(["a", "b", "c"]);
                const expected: [string, { key: string | null; url: string | null }][] = ["a", "b", "c"].map((name) => [
                    `open ${name}`,
                    { key: `key-${name}`, url: urls[name] ?? "" },
                ]);
                for (const name of order) {
                    open.delete(name);
                    const newest = ["a", "b", "c"].filter((candidate) => open.has(candidate)).at(-1);
                    expected.push([
                        `close ${name}`,
                        newest ? { key: `key-${newest}`, url: urls[newest] ?? "" } : developer,
                    ]);
                }
                expect(steps.map(([step, env]) => [step, env])).to.deep.equal(expected);
            });
        }
    }
});
