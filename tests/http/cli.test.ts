import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { runCli as cli, runCliProcess } from "../helpers/cli";
import { AGENT_A, AGENT_B, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { REPO_ROOT } from "../helpers/repo";

describe("CLI: npx pulumi-ultravox", function () {
    this.timeout(30_000);
    let emulator: Emulator;
    let env: Record<string, string>;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        env = { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url };
    });
    after(async () => emulator?.close());
    beforeEach(() => emulator.replaceSip(rawSipConfig()));

    it("show prints the config as a table with the secrets masked", async () => {
        const run = await cli(["show"], env);
        expect(run.code).to.equal(0);
        expect(run.stdout).to.contain("domain             acme-test.sip.ultravox.invalid\n");
        expect(run.stdout).to.contain("allowedCidrRanges  9.0.0.0/8, 10.1.2.0/24, 198.51.100.7/32, 203.0.113.0/24\n");
        // B's pattern is ^support$: agent_<B> goes to the fallback handler, so no address is shown for B.
        expect(run.stdout).to.contain(
            `agent 1            ${AGENT_B}\n  dial             a To user matching ^support$ (agent_${AGENT_B} goes to the fallback handler: dial a To user matching ^support$ at acme-test.sip.ultravox.invalid.)\n`,
        );
        expect(run.stdout).to.contain(
            `agent 2            ${AGENT_A}\n  dial             sip:agent_${AGENT_A}@acme-test.sip.ultravox.invalid\n`,
        );
        expect(run.stdout).to.contain("  secret           ******** (30 chars)\n");
        expect(run.stdout).to.not.contain("fallback-secret-one");
        expect(run.stderr).to.equal("warning: CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.\n");
    });

    it("show --json gives the normalized config with the secrets masked", async () => {
        const run = await cli(["show", "--json"], env);
        const shown = JSON.parse(run.stdout) as Record<string, unknown>;
        expect(shown.allowedAgents).to.deep.equal([
            { agentId: AGENT_B, toUserPattern: "^support$" },
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
        ]);
        expect(shown.fallbackHandler).to.deep.equal({
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: ["******** (30 chars)", "******** (30 chars)"],
        });
    });

    it("render asterisk prints the PJSIP trunk to the account's domain", async () => {
        const run = await cli(["render", "asterisk", "--transport", "tls"], env);
        expect(run.code).to.equal(0);
        expect(run.stdout).to.contain(
            "[ultravox]\ntype=aor\ncontact=sip:acme-test.sip.ultravox.invalid;transport=tls\n",
        );
    });

    it("render nftables prints a ruleset with the CIDRs in a named set", async () => {
        const run = await cli(["render", "nftables"], env);
        expect(run.code).to.equal(0);
        expect(run.stdout).to.contain("9.0.0.0/8");
        expect(run.stdout).to.contain("203.0.113.0/24");
    });

    it("check exits 0 for an accepted call and 1 for a rejected one", async () => {
        const accepted = await cli(["check", "--from", "203.0.113.9", "--to", `agent_${AGENT_A}`], env);
        expect(accepted.code).to.equal(0);
        expect(accepted.stdout.split("\n")[0]).to.equal(`accepted via agent (agent ${AGENT_A})`);
        const rejected = await cli(["check", "--from", "192.0.2.1", "--to", "support"], env);
        expect(rejected.code).to.equal(1);
        expect(rejected.stdout.split("\n")[0]).to.equal("rejected");
        const json = await cli(["check", "--from", "203.0.113.9", "--to", "support", "--json"], env);
        expect(JSON.parse(json.stdout)).to.include({ accepted: true, route: "agent", agentId: AGENT_B });
    });

    it("allow and disallow change the allowlist and print the resulting list", async () => {
        const allowed = await cli(["allow", "192.0.2.7/32"], env);
        expect(allowed.code).to.equal(0);
        expect(allowed.stdout).to.equal(
            "allowedCidrRanges: 9.0.0.0/8, 10.1.2.0/24, 192.0.2.7/32, 198.51.100.7/32, 203.0.113.0/24\n",
        );
        expect(emulator.account.sip.allowedCidrRanges).to.include("192.0.2.7/32");
        const removed = await cli(["disallow", "9.0.0.0/8"], env);
        expect(removed.stdout).to.equal(
            "allowedCidrRanges: 10.1.2.0/24, 192.0.2.7/32, 198.51.100.7/32, 203.0.113.0/24\n",
        );
        const again = await cli(["disallow", "9.0.0.0/8"], env);
        expect(again.stdout.split("\n")[0]).to.equal("9.0.0.0/8 was already absent; nothing changed.");
    });

    it("render kamailio-dispatcher prints the list, and on stderr how the config routes each agent's address", async () => {
        const run = await cli(["render", "kamailio-dispatcher"], env);
        expect(run.code).to.equal(0);
        expect(run.stdout).to.equal(
            "# Generated by pulumi-ultravox: the Ultravox SIP domain as a dispatcher destination.\n# setid destination flags priority attrs\n1 sip:acme-test.sip.ultravox.invalid 0 0\n",
        );
        // The dispatcher list holds no CIDR: the read's host-bits warning does not concern it.
        expect(run.stderr).to.equal(
            `warning: agent_${AGENT_B} matches no allowedAgents pattern and allowAllAgents does not apply: a call to it goes to the fallback handler. Dial a To user that agent ${AGENT_B}'s pattern matches.\n`,
        );
    });

    describe("warnings: each said once, with one prefix, only where it concerns the output", () => {
        const HOST_BITS = "warning: CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.\n";
        const B_TO_FALLBACK = `warning: agent_${AGENT_B} matches no allowedAgents pattern and allowAllAgents does not apply: a call to it goes to the fallback handler. Dial a To user that agent ${AGENT_B}'s pattern matches.\n`;

        afterEach(() => emulator.clearFaults());

        it("firewall and ACL targets say the CIDR warning, not how agents route; trunk targets the reverse", async () => {
            const expected: Record<string, string> = {
                nftables: HOST_BITS,
                aws: HOST_BITS,
                gcp: HOST_BITS,
                azure: HOST_BITS,
                "kamailio-address": HOST_BITS,
                "freeswitch-acl": HOST_BITS,
                asterisk: B_TO_FALLBACK,
                freeswitch: B_TO_FALLBACK,
                "kamailio-dispatcher": B_TO_FALLBACK,
                carrier: B_TO_FALLBACK,
            };
            const seen: Record<string, string> = {};
            for (const target of Object.keys(expected)) {
                const run = await cli(["render", target], env);
                expect(run.code, run.stderr).to.equal(0);
                seen[target] = run.stderr;
            }
            expect(seen).to.deep.equal(expected);
        });

        it("a warning met several times is said once: repeated CIDRs, repeated reads, one pattern for several agents", async () => {
            emulator.replaceSip({ ...rawSipConfig(), allowedCidrRanges: ["10.1.2.3/24", "10.1.2.3/24", "9.0.0.0/8"] });
            expect((await cli(["show"], env)).stderr).to.equal(HOST_BITS);

            // allow reads the account again after a stale writer put the host-bits entry back: still one line.
            emulator.addFault({
                method: "PATCH",
                times: 1,
                before: (em) =>
                    em.addFault({
                        method: "GET",
                        before: (later) =>
                            later.replaceSip({ ...later.account.sip, allowedCidrRanges: ["10.1.2.3/24", "9.0.0.0/8"] }),
                    }),
            });
            const allowed = await cli(["allow", "192.0.2.7/32"], env);
            expect(allowed.code, allowed.stderr).to.equal(0);
            expect(emulator.requests.filter((r) => r.method === "GET").length).to.be.above(2);
            expect(allowed.stderr).to.equal(HOST_BITS);

            // One pattern that cannot be evaluated here, skipped for both agents' addresses: one line for it.
            emulator.replaceSip({
                ...rawSipConfig(),
                allowedCidrRanges: ["9.0.0.0/8"],
                allowedAgents: [{ agentId: AGENT_B, toUserPattern: "(?i)^AGENT_" }, { agentId: AGENT_A }],
            });
            const carrier = await cli(["render", "carrier"], env);
            expect(carrier.code, carrier.stderr).to.equal(0);
            const lines = carrier.stderr.split("\n").filter(Boolean);
            expect(lines.filter((line) => line.includes("allowedAgents[0].toUserPattern (agent"))).to.have.length(1);
            expect(lines[0]).to.match(
                new RegExp(
                    `^warning: allowedAgents\\[0\\]\\.toUserPattern \\(agent ${AGENT_B}\\) cannot be evaluated faithfully here \\(.*\\), so the agents' addresses were routed as if it matched none of them; if the service matches one, that call goes to agent ${AGENT_B}\\.$`,
                ),
            );
        });

        it("every warning line has exactly one prefix, and check's go to stderr, not into its answer", async () => {
            emulator.replaceSip({
                ...rawSipConfig(),
                allowedAgents: [{ agentId: AGENT_B, toUserPattern: "(?i)^support$" }, { agentId: AGENT_A }],
            });
            const run = await cli(["check", "--from", "10.1.2.9", "--to", "support"], env);
            expect(run.stdout.split("\n")).to.have.length(3);
            expect(run.stdout).to.not.contain("warning");
            const lines = run.stderr.split("\n").filter(Boolean);
            expect(lines[0]).to.equal(HOST_BITS.trimEnd());
            expect(lines[1]).to.match(
                new RegExp(`^warning: allowedAgents\\[0\\]\\.toUserPattern \\(agent ${AGENT_B}\\): `),
            );
            expect(lines).to.have.length(2);
            for (const line of lines) expect(line.match(/warning:|agent_[0-9a-f-]+: /g)).to.deep.equal(["warning:"]);
            // --json carries them in the document; stderr has only the read's.
            const json = await cli(["check", "--from", "10.1.2.9", "--to", "support", "--json"], env);
            expect(JSON.parse(json.stdout).warnings).to.have.length(1);
            expect(json.stderr).to.equal(HOST_BITS);
        });
    });

    it("refuses a render option the target does not take (exit 2), naming it", async () => {
        const run = await cli(["render", "carrier", "--codecs", "pcmu"], env);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("render carrier takes no --codecs; it takes --agents, --transport.");
    });

    it("fails with exit 3 and the config error when there is no key, never echoing one", async () => {
        const run = await cli(["show"], { ULTRAVOX_BASE_URL: emulator.url });
        expect(run.code).to.equal(3);
        // The CLI reads the environment only: the message names no stack config.
        expect(run.stderr).to.contain("config: No Ultravox API key found: export ULTRAVOX_API_KEY.");
        expect(run.stderr).to.not.contain("pulumi config");
        const wrong = await cli(["show"], { ...env, ULTRAVOX_API_KEY: "wrongkey.ffffffffffffffffffffffffffffffff" });
        expect(wrong.code).to.equal(3);
        expect(wrong.stderr).to.contain("auth: The Ultravox API refused the API key (HTTP 401)");
        expect(wrong.stderr).to.not.contain("wrongkey");
    });

    it("answers --help, and usage errors with exit 2", async () => {
        const help = await cli(["--help"], {});
        expect(help.code).to.equal(0);
        expect(help.stdout).to.contain("Usage: pulumi-ultravox <command>");
        expect((await cli(["frobnicate"], env)).code).to.equal(2);
        expect((await cli(["render", "nothing"], env)).code).to.equal(2);
        expect((await cli(["check", "--from", "1.2.3.4"], env)).code).to.equal(2);
    });

    // Item 7 of issue 10: input that would open the account wider than meant is refused, exit 2.
    describe("dangerous or invalid input", () => {
        const patches = () => emulator.requests.filter((r) => r.method === "PATCH").length;

        it("refuses host bits (allow 198.51.100.9/0, allow 203.0.113.7/24), printing the forms to use", async () => {
            const before = patches();
            const everyone = await cli(["allow", "198.51.100.9/0"], env);
            expect(everyone.code).to.equal(2);
            expect(everyone.stderr).to.contain(
                "198.51.100.9/0 has host bits set: it means the network 0.0.0.0/0 (4294967296 addresses). Write 198.51.100.9/32 for the one address, or 0.0.0.0/0 for the network.",
            );
            const block = await cli(["allow", "203.0.113.7/24"], env);
            expect(block.code).to.equal(2);
            expect(block.stderr).to.contain(
                "203.0.113.7/24 has host bits set: it means the network 203.0.113.0/24 (256 addresses). Write 203.0.113.7/32 for the one address, or 203.0.113.0/24 for the network.",
            );
            expect(patches()).to.equal(before);
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(rawSipConfig().allowedCidrRanges);
        });

        it("requires --allow-broad for a prefix shorter than /16", async () => {
            const refused = await cli(["allow", "0.0.0.0/0"], env);
            expect(refused.code).to.equal(2);
            expect(refused.stderr).to.contain(
                "0.0.0.0/0 would accept calls from 4294967296 addresses; pass --allow-broad if that is what you mean.",
            );
            expect((await cli(["allow", "100.64.0.0/15"], env)).code).to.equal(2);
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(rawSipConfig().allowedCidrRanges);
            expect((await cli(["allow", "100.64.0.0/16"], env)).code).to.equal(0);
            const broad = await cli(["allow", "0.0.0.0/0", "--allow-broad"], env);
            expect(broad.code).to.equal(0);
            expect(emulator.account.sip.allowedCidrRanges).to.include("0.0.0.0/0");
        });

        it("applies several CIDRs all together in one PATCH, or none of them", async () => {
            const before = patches();
            const mixed = await cli(["allow", "192.0.2.7/32", "not-a-cidr", "192.0.2.8/32"], env);
            expect(mixed.code).to.equal(2);
            expect(mixed.stderr).to.contain('nothing was changed:\n  "not-a-cidr" is not an IPv4 CIDR');
            expect(patches()).to.equal(before);
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(rawSipConfig().allowedCidrRanges);
            const both = await cli(["allow", "192.0.2.8/32", "192.0.2.7/32"], env);
            expect(both.code).to.equal(0);
            expect(both.stdout).to.equal(
                "allowedCidrRanges: 9.0.0.0/8, 10.1.2.0/24, 192.0.2.7/32, 192.0.2.8/32, 198.51.100.7/32, 203.0.113.0/24\n",
            );
            expect(patches()).to.equal(before + 1);
            const removed = await cli(["disallow", "192.0.2.7/32", "9.0.0.0/8"], env);
            expect(removed.stdout).to.equal(
                "allowedCidrRanges: 10.1.2.0/24, 192.0.2.8/32, 198.51.100.7/32, 203.0.113.0/24\n",
            );
        });

        it("exits 2, not 3, for any invalid input: a CIDR, an address, a render option", async () => {
            for (const args of [
                ["allow", "10.0.0.256/32"],
                ["disallow", "10.1.2.3/24"],
                ["check", "--from", "not-an-ip", "--to", "support"],
                ["render", "asterisk", "--transport", "carrier-pigeon"],
            ]) {
                const run = await cli(args, env);
                expect(run.code, args.join(" ")).to.equal(2);
            }
        });
    });

    // Item 6 of issue 10: read-modify-write runs that race must not undo each other silently.
    describe("concurrent allowlist changes", () => {
        const patchCount = () => emulator.requests.filter((r) => r.method === "PATCH").length;
        /** Another writer, holding a list read before this run's PATCH, writes it back just after. */
        const staleWriter = (times: number) =>
            emulator.addFault({
                method: "PATCH",
                times,
                before: (em) =>
                    em.addFault({
                        method: "GET",
                        before: (later) => later.replaceSip({ ...later.account.sip, allowedCidrRanges: ["9.0.0.0/8"] }),
                    }),
            });

        afterEach(() => emulator.clearFaults());

        it("a write undone by a stale writer is detected by the re-read and done again", async () => {
            const before = patchCount();
            staleWriter(1);
            const run = await cli(["allow", "192.0.2.7/32"], env);
            expect(run.code, run.stderr).to.equal(0);
            expect(run.stdout).to.equal("allowedCidrRanges: 9.0.0.0/8, 192.0.2.7/32\n");
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["9.0.0.0/8", "192.0.2.7/32"]);
            expect(patchCount()).to.equal(before + 2);
        });

        it("gives up with a conflict (exit 3), never reporting success, when every write is undone", async () => {
            staleWriter(5);
            const run = await cli(["allow", "192.0.2.7/32"], env);
            expect(run.code).to.equal(3);
            expect(run.stdout).to.equal("");
            expect(run.stderr.split("\n").at(-2)).to.equal(
                "pulumi-ultravox: conflict: Another writer kept changing allowedCidrRanges: after 5 attempts the list still lacks this change (allow 192.0.2.7/32). Check who else edits the account's SIP config, then run the command again.",
            );
            expect(emulator.account.sip.allowedCidrRanges).to.not.include("192.0.2.7/32");
        });

        it("six concurrent allow runs (processes): every run that reports success has its CIDR in the final list", async () => {
            const cidrs = [1, 2, 3, 4, 5, 6].map((n) => `192.0.2.${n}/32`);
            const runs = await Promise.all(cidrs.map((cidr) => runCliProcess(["allow", cidr], env)));
            const final = emulator.account.sip.allowedCidrRanges;
            runs.forEach((run, index) => {
                expect([0, 3], run.stderr).to.include(run.code);
                if (run.code === 0) expect(final).to.include(cidrs[index]);
                else expect(run.stderr).to.contain("conflict:");
            });
            // With the re-reads, the races resolve: all six land.
            expect(runs.map((run) => run.code)).to.deep.equal([0, 0, 0, 0, 0, 0]);
        });
    });

    // Item 8 of issue 10: API data cannot drive the terminal.
    describe("terminal injection", () => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
        const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
        const HOSTILE = "^\u001b]0;pwned\u0007\u001b[2J\u009b31mx\u007f\ny$";
        const SHOWN = "^\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31mx\\u007f\\u000ay$";

        beforeEach(() =>
            emulator.replaceSip({ ...rawSipConfig(), allowedAgents: [{ agentId: AGENT_A, toUserPattern: HOSTILE }] }),
        );

        it("show escapes control characters in API data, one line per value", async () => {
            const run = await cli(["show"], env);
            expect(run.code).to.equal(0);
            expect(run.stdout).to.not.match(RAW_CONTROL);
            expect(run.stdout).to.contain(`  toUserPattern    ${SHOWN}\n`);
        });

        it("show --json escapes them too and still parses back to the API's value", async () => {
            const run = await cli(["show", "--json"], env);
            expect(run.stdout).to.not.match(RAW_CONTROL);
            const shown = JSON.parse(run.stdout) as { allowedAgents: { toUserPattern: string }[] };
            expect(shown.allowedAgents[0]?.toUserPattern).to.equal(HOSTILE);
        });

        it("check escapes the pattern it quotes", async () => {
            const matching = "^agent_|\u001b]0;pwned\u0007\u009b2J\u007f";
            emulator.replaceSip({ ...rawSipConfig(), allowedAgents: [{ agentId: AGENT_A, toUserPattern: matching }] });
            const run = await cli(["check", "--from", "203.0.113.9", "--to", `agent_${AGENT_A}`], env);
            expect(run.stdout + run.stderr).to.not.match(RAW_CONTROL);
            expect(run.code).to.equal(0);
            expect(run.stdout).to.contain(
                `matches allowedAgents[0].toUserPattern "^agent_|\\u001b]0;pwned\\u0007\\u009b2J\\u007f", the first match`,
            );
        });

        it("an error detail from the API is escaped on stderr", async () => {
            emulator.addFault({
                status: 400,
                body: JSON.stringify({ detail: "bad \u001b]0;owned\u0007\u009b2J \u001b[8m" }),
            });
            const run = await cli(["show"], env);
            expect(run.code).to.equal(3);
            expect(run.stderr).to.not.match(RAW_CONTROL);
            expect(run.stderr).to.contain("The API said: bad \\u001b]0;owned\\u0007\\u009b2J \\u001b[8m");
        });
    });

    const HINT = "Run `pulumi-ultravox --help` for usage, or `pulumi-ultravox help <command>`.\n";

    it("names a wrong option, command, render target or number in one line and a hint, not the whole help", async () => {
        const cases: [string[], string][] = [
            [["show", "--frob"], "pulumi-ultravox: unknown option --frob.\n"],
            [
                ["frobnicate"],
                'pulumi-ultravox: unknown command "frobnicate"; commands: show, render, check, allow, disallow, registrations.\n',
            ],
            [
                ["render", "nothing"],
                'pulumi-ultravox: unknown render target "nothing"; targets: asterisk, freeswitch, freeswitch-acl, kamailio-dispatcher, kamailio-address, nftables, aws, gcp, azure, carrier.\n',
            ],
            [
                ["show", "--timeout-ms", "10s"],
                'pulumi-ultravox: --timeout-ms takes a positive whole number of milliseconds, got "10s".\n',
            ],
        ];
        const before = emulator.requests.length;
        for (const [args, line] of cases) {
            const run = await cli(args, env);
            expect(run.code, args.join(" ")).to.equal(2);
            expect(run.stderr).to.equal(`${line}${HINT}`);
            expect(run.stdout).to.equal("");
        }
        // None of them cost an API call.
        expect(emulator.requests.length).to.equal(before);
    });

    it("--version prints the package's version; help <command> prints that command's help", async () => {
        const version = await cli(["--version"], {});
        expect(version.code).to.equal(0);
        expect(version.stdout).to.equal(
            `${(require(path.join(REPO_ROOT, "package.json")) as { version: string }).version}\n`,
        );
        const help = await cli(["help", "check"], {});
        expect(help.code).to.equal(0);
        expect(help.stdout).to.equal(
            [
                "Usage: pulumi-ultravox check [options]",
                "",
                "  check --from <ip> --to <user>     how Ultravox would route an inbound call (exit 0 accepted, 1 rejected, 4 unknown)",
                "",
                "Options:",
                "  --base-url <url>                  default ULTRAVOX_BASE_URL, then https://api.ultravox.ai",
                "  --timeout-ms <n>                  the whole call, retries included (default 30000)",
                "  --json                            JSON output (show, render of firewall targets, check, registrations list)",
                "",
            ].join("\n"),
        );
        expect((await cli(["show", "--help"], {})).stdout).to.match(/^Usage: pulumi-ultravox show \[options\]\n/);
        const unknown = await cli(["help", "nope"], {});
        expect(unknown.code).to.equal(2);
        expect(unknown.stderr).to.equal(
            'pulumi-ultravox: no command "nope"; commands: show, render, check, allow, disallow, registrations.\n',
        );
    });
});
