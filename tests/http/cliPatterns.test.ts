/**
 * Untrusted regular expressions through real CLI processes: a hostile `toUserPattern` set in the
 * account never hangs `check` or `render`, and one that cannot be evaluated in bounded time is
 * reported (exit 4, "unknown", a warning naming the agent) rather than guessed.
 */
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { runCliProcess as cli } from "../helpers/cli";
import { AGENT_A, AGENT_B, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";

describe("CLI: untrusted regular expressions in the account (real processes)", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    let env: Record<string, string>;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        env = { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url };
    });
    after(async () => emulator?.close());

    function withPattern(toUserPattern: string): void {
        const sip = rawSipConfig();
        sip.allowedAgents = [{ agentId: AGENT_B, toUserPattern }, { agentId: AGENT_A }];
        emulator.replaceSip(sip);
    }

    it("check with a catastrophic (a+)+$ pattern and a 256-char To user: a real answer, at once", async () => {
        withPattern("(a+)+$");
        const rejected = await cli(["check", "--from", "203.0.113.9", "--to", `${"a".repeat(255)}!`], env);
        // A backtracking engine takes longer than the universe's age on this; the fallback handler decides.
        expect(rejected.code, rejected.stderr).to.equal(0);
        expect(rejected.stdout.split("\n")[0]).to.equal("accepted via fallback");
        expect(rejected.elapsedMs).to.be.below(10_000);
        const matched = await cli(["check", "--from", "203.0.113.9", "--to", "a".repeat(256)], env);
        expect(matched.stdout.split("\n")[0]).to.equal(`accepted via agent (agent ${AGENT_B})`);
    });

    it("check with a pattern that cannot be evaluated in bounded time: exit 4, unknown, a warning naming the agent", async () => {
        withPattern("(?=(a+)+$)a");
        const result = await cli(["check", "--from", "203.0.113.9", "--to", `${"a".repeat(255)}!`], env);
        expect(result.code, result.stderr).to.equal(4);
        const lines = result.stdout.split("\n");
        expect(lines[0]).to.equal("unknown");
        expect(lines[1]).to.contain(
            `Where the call to To user "${"a".repeat(255)}!" goes is unknown: allowedAgents[0].toUserPattern (agent ${AGENT_B}) cannot be evaluated in bounded time here`,
        );
        expect(result.stderr.split("\n")[1]).to.match(
            new RegExp(
                `^warning: allowedAgents\\[0\\]\\.toUserPattern \\(agent ${AGENT_B}\\) cannot be evaluated in bounded time here \\(the linear-time engine does not take it: .*\\); it is reported instead of being run by a backtracking engine, which a hostile pattern can hang for hours\\.$`,
            ),
        );
        expect(result.elapsedMs).to.be.below(10_000);

        const json = await cli(["check", "--from", "203.0.113.9", "--to", "aaaa", "--json"], env);
        expect(json.code).to.equal(4);
        expect(JSON.parse(json.stdout)).to.include({ accepted: false, route: "unknown", agentId: AGENT_B });
    });

    it("render with such a pattern: the config is written, and the warning names the agent", async () => {
        withPattern("(?=(a+)+$)a");
        const result = await cli(["render", "kamailio-dispatcher"], env);
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stdout).to.contain("1 sip:acme-test.sip.ultravox.invalid 0 0\n");
        expect(result.stderr).to.contain(
            `warning: Whether a call to agent_${AGENT_A} reaches agent ${AGENT_A} is unknown: allowedAgents[0].toUserPattern (agent ${AGENT_B}) cannot be evaluated in bounded time here`,
        );
    });
});
