/**
 * The CLI's defects found by the attacks and a new user's first hour (issue 21), each as a class:
 * the CLI's own entry (`runCli`, in this process) against the emulator, and the real
 * `dist/cli/main.js` process where the process is the point (a closed pipe).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { CLI, runCli as cli } from "../helpers/cli";
import { AGENT_B, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { run as runProcess } from "../helpers/process";
import { skipBecause } from "../helpers/tools";

/** Runs the CLI with its stdout closed before it can write: what `pulumi-ultravox ... | :` does to it. */
function withClosedStdout(
    args: readonly string[],
    env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], {
            env: { PATH: process.env.PATH, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout.destroy();
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString("utf8");
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stderr });
        });
    });
}

describe("CLI: the defect classes of the attacks and the first hour", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let env: Record<string, string>;
    let tmp: string;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        env = { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url };
    });
    after(async () => emulator?.close());
    beforeEach(() => {
        emulator.replaceSip(rawSipConfig());
        emulator.clearRequests();
        emulator.clearFaults();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "uv-cli-"));
        // A TMPDIR of the test's own: the lock folder lives there.
        env.TMPDIR = tmp;
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("the API key pasted into the base URL is never quoted back", () => {
        const variants: [string, (key: string, url: string) => string][] = [
            ["as the host of an http: URL", (key) => `http://${key}.example.invalid`],
            ["upper-cased in the host", (key) => `http://${key.toUpperCase()}.example.invalid`],
            ["as the scheme", (key) => `${key.replace(/\./g, "")}://example.invalid`],
            ["in the path (a 404)", (key, url) => `${url}/${key}`],
            ["in the host of an unreachable https: URL", (key) => `https://${key}.invalid`],
        ];
        for (const [where, urlOf] of variants) {
            it(where, async () => {
                const key = where === "as the scheme" ? "k3yAsScheme0123456789abcdefghijklmnop" : TEST_API_KEY;
                const run = await cli(["show", "--timeout-ms", "3000"], {
                    ...env,
                    ULTRAVOX_API_KEY: key,
                    ULTRAVOX_BASE_URL: urlOf(key, emulator.url),
                });
                expect(run.code).to.equal(3);
                expect(run.stderr).to.match(/^pulumi-ultravox: (config|not_found|network|auth): /);
                expect(run.stderr.toLowerCase()).to.not.contain(key.toLowerCase());
                expect(run.stderr.toLowerCase()).to.not.contain(key.toLowerCase().replace(/\./g, ""));
            });
        }
    });

    describe("messages name the CLI's own flags and variables", () => {
        it("a timeout says --timeout-ms, not timeoutMs", async () => {
            emulator.addFault({ hang: true });
            const run = await cli(["show", "--timeout-ms", "300"], env);
            expect(run.code).to.equal(3);
            expect(run.stderr).to.equal(
                `pulumi-ultravox: timeout: GET ${emulator.url}/api/sip did not complete within 300 ms (retries included). Retry later, or raise --timeout-ms.\n`,
            );
        });

        for (const status of [401, 403]) {
            it(`a ${status} names ULTRAVOX_API_KEY, which the CLI reads, and no stack config`, async () => {
                emulator.addFault({ status });
                const run = await cli(["show"], env);
                expect(run.code).to.equal(3);
                expect(run.stderr).to.contain("Check that ULTRAVOX_API_KEY holds a current key of this account.");
                expect(run.stderr).to.not.match(/ultravox:apiKey|ultravox:baseUrl/);
            });
        }

        it("a 404 names --base-url and ULTRAVOX_BASE_URL; a base URL ending in /api is told what to look like", async () => {
            emulator.addFault({ status: 404 });
            const plain = await cli(["show"], env);
            expect(plain.stderr).to.equal(
                `pulumi-ultravox: not_found: GET ${emulator.url}/api/sip answered 404 Not Found. Check the base URL (--base-url or ULTRAVOX_BASE_URL): the API's origin, such as https://api.ultravox.ai, without /api. Check also that the account has SIP enabled. The API said: Not Found\n`,
            );
            for (const base of [`${emulator.url}/api`, `${emulator.url}/api/`]) {
                const run = await cli(["show", "--base-url", base], env);
                expect(run.code).to.equal(3);
                expect(run.stderr).to.equal(
                    `pulumi-ultravox: not_found: GET ${emulator.url}/api/api/sip answered 404 Not Found. The base URL (--base-url or ULTRAVOX_BASE_URL) ends in /api, and the client adds /api/sip itself: set it to the API's origin alone, such as https://api.ultravox.ai. The API said: Not found.\n`,
                );
            }
        });

        it("https: to a plain-HTTP server names the likely cause", async () => {
            const run = await cli(["show", "--base-url", emulator.url.replace("http:", "https:")], env);
            expect(run.code).to.equal(3);
            expect(run.stderr).to.contain("(EPROTO).");
            expect(run.stderr).to.contain(
                "The server did not answer TLS: it is most likely a plain-HTTP server (the emulator is one); use http:// for a server on loopback.",
            );
            expect(run.stderr).to.contain("(--base-url or ULTRAVOX_BASE_URL)");
        });
    });

    describe("every argument is checked before any request", () => {
        const cases: [string, string[]][] = [
            ["check with an address out of range", ["check", "--from", "300.1.1.1", "--to", "support"]],
            ["check with an IPv6 source", ["check", "--from", "2001:db8::1", "--to", "support"]],
            ["check with an empty To user", ["check", "--from", "203.0.113.9", "--to", ""]],
            ["render with an unknown transport", ["render", "asterisk", "--transport", "sctp"]],
            ["render with an unknown codec", ["render", "freeswitch", "--codecs", "pcmu,speex"]],
            ["render with a reversed RTP range", ["render", "nftables", "--rtp", "20000-10000"]],
            ["render with an RTP port past 65535", ["render", "aws", "--rtp", "10000-70000"]],
            ["render with a flag the target does not take", ["render", "nftables", "--codecs", "pcmu"]],
            ["render with an unknown target", ["render", "constructor"]],
            ["allow with host bits set", ["allow", "192.0.2.7/24"]],
            ["disallow of an IPv4 typo", ["disallow", "10.0.0/8"]],
        ];
        for (const [what, args] of cases) {
            it(`${what}: exit 2, and the account is never read`, async () => {
                const run = await cli(args, env);
                expect(run.code, run.stderr).to.equal(2);
                expect(run.stderr).to.match(/^pulumi-ultravox: /);
                expect(emulator.requests).to.deep.equal([]);
            });
        }
    });

    describe("disallow of a range that a broader entry still allows", () => {
        it("says which entry keeps it allowed, and exits 5; check agrees that calls are still accepted", async () => {
            emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: ["10.0.0.0/8", "203.0.113.0/24"] });
            const run = await cli(["disallow", "10.66.0.0/16"], env);
            expect(run.code).to.equal(5);
            expect(run.stdout).to.equal(
                "10.66.0.0/16 was already absent; nothing changed.\nallowedCidrRanges: 10.0.0.0/8, 203.0.113.0/24\n",
            );
            expect(run.stderr).to.equal(
                "warning: 10.66.0.0/16 is still allowed: 10.0.0.0/8 in allowedCidrRanges holds it (entries are removed as written, never split). Disallow that entry, and allow again the parts that should stay, to stop calls from 10.66.0.0/16.\n",
            );
            const check = await cli(["check", "--from", "10.66.1.1", "--to", "support"], env);
            expect(check.stdout.split("\n")[0]).to.equal(`accepted via agent (agent ${AGENT_B})`);
        });

        it("removes the exact entry and still warns, naming every covering entry", async () => {
            emulator.replaceSip({
                ...rawSipConfig(),
                allowedCidrRanges: ["10.0.0.0/8", "10.64.0.0/10", "10.66.0.0/16", "203.0.113.0/24"],
            });
            const run = await cli(["disallow", "10.66.0.0/16", "203.0.113.0/24"], env);
            expect(run.code).to.equal(5);
            expect(run.stdout).to.equal("allowedCidrRanges: 10.0.0.0/8, 10.64.0.0/10\n");
            expect(run.stderr).to.equal(
                "warning: 10.66.0.0/16 is still allowed: 10.0.0.0/8, 10.64.0.0/10 in allowedCidrRanges hold it (entries are removed as written, never split). Disallow those entries, and allow again the parts that should stay, to stop calls from 10.66.0.0/16.\n",
            );
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["10.0.0.0/8", "10.64.0.0/10"]);
        });

        it("exits 0 without a warning when nothing broader covers the range", async () => {
            const run = await cli(["disallow", "198.51.100.7/32"], env);
            expect(run.code).to.equal(0);
            expect(run.stderr).to.equal("warning: CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.\n");
        });

        it("the help lists every exit code", async () => {
            const run = await cli(["--help"], env);
            expect(run.stdout).to.contain(
                "Exit codes: 0 ok (check: accepted), 1 check: rejected, 2 usage error, 3 API, network, config or\nlock error, 4 check: unknown, 5 disallow: still allowed by a broader entry, 141 output closed.\n",
            );
        });
    });

    describe("a closed stdout", () => {
        const commands: [string, string[]][] = [
            ["check of an accepted call", ["check", "--from", "203.0.113.9", "--to", "support"]],
            ["check of a rejected call", ["check", "--from", "192.0.2.1", "--to", "support"]],
            ["show", ["show"]],
            ["render nftables", ["render", "nftables"]],
            ["--help", ["--help"]],
            ["--version", ["--version"]],
        ];
        for (const [what, args] of commands) {
            it(`${what}: exits 141 quietly`, async () => {
                const run = await withClosedStdout(args, env);
                expect(run.code).to.equal(141);
                // The read's own warnings may still be said; no trace, no "unexpected error".
                expect(run.stderr).to.not.match(/unexpected|Error:|at .*\(/);
            });
        }
    });

    describe("invisible format characters are shown escaped", () => {
        const characters: [string, string, string][] = [
            ["a zero-width space", "\u200B", "\\u200b"],
            ["a word joiner", "\u2060", "\\u2060"],
            ["a BOM", "\uFEFF", "\\ufeff"],
            ["a soft hyphen", "\u00AD", "\\u00ad"],
            ["a right-to-left mark", "\u200F", "\\u200f"],
            ["a right-to-left override", "\u202E", "\\u202e"],
            ["a language tag (outside the BMP)", "\u{E0001}", "\\udb40\\udc01"],
            ["a next-line control", "\u0085", "\\u0085"],
        ];
        for (const [what, character, shown] of characters) {
            it(`${what}, in show's table and JSON and in check's reason`, async () => {
                const pattern = `^sup${character}port$`;
                emulator.replaceSip({
                    ...rawSipConfig(),
                    allowedAgents: [{ agentId: AGENT_B, toUserPattern: pattern }],
                });
                const table = await cli(["show"], env);
                expect(table.code).to.equal(0);
                expect(table.stdout).to.contain(`  toUserPattern    ^sup${shown}port$\n`);
                expect(table.stdout).to.not.contain(character);
                const json = await cli(["show", "--json"], env);
                expect(json.stdout).to.not.contain(character);
                expect(JSON.parse(json.stdout).allowedAgents[0].toUserPattern).to.equal(pattern);
                const check = await cli(["check", "--from", "203.0.113.9", "--to", "support"], env);
                expect(check.stdout + check.stderr).to.not.contain(character);
            });
        }
    });

    describe("an allowlist entry that is not IPv4, set elsewhere", () => {
        for (const entry of ["2001:db8::/32", "2001:DB8:0:1::/64", "::1/128"]) {
            it(`${entry}: show flags it, disallow removes it, and the IPv4 entries stay`, async () => {
                emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: ["203.0.113.0/24", entry] });
                const warning = `warning: allowedCidrRanges holds an entry that is not an IPv4 CIDR (${JSON.stringify(entry)}): the service may not honour it, and this package leaves it out; \`pulumi-ultravox disallow <entry>\` removes one.\n`;
                const show = await cli(["show"], env);
                expect(show.code).to.equal(0);
                expect(show.stderr).to.equal(warning);
                expect(show.stdout).to.contain(
                    `allowedCidrRanges  203.0.113.0/24\n  not IPv4         ${entry} (the service may not honour it; \`disallow ${entry}\` removes it)\n`,
                );
                const json = await cli(["show", "--json"], env);
                expect(JSON.parse(json.stdout)).to.deep.include({
                    allowedCidrRanges: ["203.0.113.0/24"],
                    otherCidrRanges: [entry],
                });
                const check = await cli(["check", "--from", "203.0.113.9", "--to", "support"], env);
                expect(check.code).to.equal(0);
                const removed = await cli(["disallow", entry], env);
                expect(removed.code, removed.stderr).to.equal(0);
                expect(removed.stdout).to.equal("allowedCidrRanges: 203.0.113.0/24\n");
                expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["203.0.113.0/24"]);
                const again = await cli(["disallow", entry], env);
                expect(again.code).to.equal(0);
                expect(again.stdout).to.equal(
                    `${entry} was already absent; nothing changed.\nallowedCidrRanges: 203.0.113.0/24\n`,
                );
            });
        }

        it("allow keeps it, and when the API refuses the list with it, says to disallow it first", async () => {
            emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: ["203.0.113.0/24", "2001:db8::/32"] });
            const run = await cli(["allow", "192.0.2.7/32"], env);
            expect(run.code).to.equal(3);
            expect(run.stderr).to.contain(
                'pulumi-ultravox: http: The API refused allowedCidrRanges with the entries that are not IPv4 kept ("2001:db8::/32"); nothing was changed. Remove them first (`pulumi-ultravox disallow 2001:db8::/32`), then run this command again.',
            );
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["203.0.113.0/24", "2001:db8::/32"]);
        });
    });

    describe("the allowlist lock", () => {
        const lockFile = (folderUser: number) => {
            const name = `allowlist-${createHash("sha256").update(emulator.url).digest("hex").slice(0, 16)}.lock`;
            return path.join(tmp, `pulumi-ultravox-${folderUser}`, name);
        };
        const uid = () => process.getuid?.() ?? -1;

        it("a lock left by a holder that is gone is taken at once, however young", async () => {
            const gone = spawn(process.execPath, ["-e", ""]);
            const pid = gone.pid ?? 0;
            await new Promise((resolve) => gone.on("close", resolve));
            fs.mkdirSync(path.dirname(lockFile(uid())), { recursive: true, mode: 0o700 });
            fs.writeFileSync(lockFile(uid()), String(pid));
            const run = await cli(["allow", "192.0.2.7/32"], env);
            expect(run.code, run.stderr).to.equal(0);
            expect(fs.existsSync(lockFile(uid()))).to.equal(false);
        });

        it("a live holder keeps its lock however old the file; the wait ends with a conflict, not a crash", async () => {
            const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
            try {
                fs.mkdirSync(path.dirname(lockFile(uid())), { recursive: true, mode: 0o700 });
                fs.writeFileSync(lockFile(uid()), String(holder.pid));
                const old = new Date(Date.now() - 3_600_000);
                fs.utimesSync(lockFile(uid()), old, old);
                const run = await cli(["allow", "192.0.2.7/32", "--timeout-ms", "200"], env);
                expect(run.code).to.equal(3);
                expect(run.stderr).to.equal(
                    `pulumi-ultravox: conflict: Another pulumi-ultravox allow/disallow of yours on this machine (pid ${holder.pid}) held the allowlist for over 1000 ms; wait for it to finish, then run the command again.\n`,
                );
                expect(fs.readFileSync(lockFile(uid()), "utf8")).to.equal(String(holder.pid));
            } finally {
                holder.kill("SIGKILL");
            }
        });

        it("another user's lock folder in its place is an expected error, not a crash", function () {
            if (uid() !== 0) return skipBecause(this, "needs root, to make a folder owned by another user");
            const folder = path.dirname(lockFile(uid()));
            fs.mkdirSync(folder, { mode: 0o700 });
            fs.chownSync(folder, 65534, 65534);
            return cli(["allow", "192.0.2.7/32"], env).then((run) => {
                expect(run.code).to.equal(3);
                expect(run.stderr).to.equal(
                    `pulumi-ultravox: conflict: The CLI's lock folder ${folder} is not a folder of this user's; remove it (or set TMPDIR to a folder of your own), then run the command again.\n`,
                );
                expect(emulator.requests).to.deep.equal([]);
            });
        });

        it("another user holding (or having left) a lock does not block this user", function () {
            if (uid() !== 0) return skipBecause(this, "needs root, to run the CLI as another user");
            // User nobody's lock, with a live holder, in nobody's own folder under the same TMPDIR.
            fs.chmodSync(tmp, 0o1777);
            const theirs = lockFile(65534);
            fs.mkdirSync(path.dirname(theirs), { mode: 0o700 });
            fs.writeFileSync(theirs, String(process.pid));
            fs.chownSync(path.dirname(theirs), 65534, 65534);
            fs.chownSync(theirs, 65534, 65534);
            return cli(["allow", "192.0.2.7/32"], env).then((run) => {
                expect(run.code, run.stderr).to.equal(0);
                expect(fs.existsSync(theirs)).to.equal(true);
            });
        });
    });

    it("show warns when the fallback handler's URL carries credentials, naming where, never quoting them", async () => {
        const url = "https://ops:hunter2pass@pbx.example.com/hook?token=t0kenvalue";
        emulator.replaceSip({ ...rawSipConfig(), fallbackHandler: { url, secrets: ["s3cret-one"] } });
        const run = await cli(["show"], env);
        expect(run.code).to.equal(0);
        const lines = run.stderr.split("\n").filter((line) => line.includes("carries credentials"));
        expect(lines).to.deep.equal([
            'warning: The fallback handler\'s URL carries credentials (user information before the host and the query parameter "token"): fallbackHandlerUrl is a plain value, so they show in plain text wherever it goes (stack outputs, the state, `pulumi-ultravox show`). Authenticate the handler with its signing secrets instead, or keep fallbackHandlerUrl out of outputs (or wrap it in pulumi.secret).',
        ]);
        expect(run.stderr).to.not.contain("hunter2pass");
        expect(run.stderr).to.not.contain("t0kenvalue");
    });

    it("the emulator refuses an account file without a required field, naming the path and the field", async () => {
        const file = path.join(tmp, "account.json");
        const { allowedAgents: _dropped, ...sip } = rawSipConfig();
        fs.writeFileSync(file, JSON.stringify({ apiKeys: [TEST_API_KEY], sip }));
        const emulatorMain = path.join(path.dirname(CLI), "../emulator/main.js");
        const run = await runProcess(process.execPath, [emulatorMain, "--account", file, "--port", "0"], {
            env: { PATH: process.env.PATH },
            timeoutMs: 20_000,
        });
        expect(run.code).to.equal(1);
        expect(run.stderr).to.equal(
            `pulumi-ultravox-emulator: The account file ${file} is not an account the API could serve: sip.allowedAgents: Invalid input: expected array, received undefined.\n`,
        );
    });
});
