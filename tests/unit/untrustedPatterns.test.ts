/**
 * Untrusted regular expressions: any key holder can set a `toUserPattern`, and every place that
 * evaluates one (checkPattern, explainInboundCall, every trunk renderer) must do so in bounded
 * time whatever the pattern, and report what it cannot evaluate instead of hanging or guessing.
 */
import { expect } from "chai";
import fc from "fast-check";
import {
    asteriskPjsip,
    carrierTrunkUris,
    checkPattern,
    explainInboundCall,
    freeswitchGateway,
    kamailioDispatcherList,
    type SipConfigData,
} from "pulumi-ultravox";
import { AGENT_A, AGENT_B } from "../helpers/fixtures";

/** Per pattern and To user: "a few tens of milliseconds". */
const BUDGET_MS = 50;
/** A pattern's first evaluation (compiling it included), with room for a loaded shared machine. */
const COLD_BUDGET_MS = 100;

function sipConfig(hostilePattern: string): SipConfigData {
    return {
        domain: "acme-test.sip.ultravox.invalid",
        allowedCidrRanges: ["192.0.2.0/24"],
        allowAllAgents: false,
        allowedAgents: [
            { agentId: AGENT_B, toUserPattern: hostilePattern },
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
        ],
        fallbackHandler: null,
        fingerprint: "0".repeat(64),
    };
}

/** Known catastrophic families for a backtracking engine, and their disguises. */
const CATASTROPHIC = [
    "(a+)+$",
    "(a*)*$",
    "(a|a)*$",
    "(a|aa)+$",
    "(aa|a)+$",
    "(.*a){20}$",
    "(.*a){12}b",
    "(a+){2,}$",
    "(a?){25}a{25}",
    "(?:a|[ab])+$",
    "(?:[a-z]|\\w)+$",
    "(\\w+\\s?)+$",
    "^(\\d+)*$",
    "(\\d|\\d\\d)+$",
    "(x+x+)+y",
    "(.*?,){11}P",
    "(?:.*){10}x",
    "(?:a+)+(?:b+)+$",
    "((a+)(a+))+$",
    "(a+|a+)+$",
    "(?:\\w*\\d*)+$",
    "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "(?<=a)(a+)+$",
    "(?:.*a){100}$",
    "(?:(?:.{30}){30})$",
    // Near the budgets: a lazy-DFA state explosion and the largest programs allowed.
    "(?:a|b)*a(?:a|b){300}$",
    ".*a.{900}$",
    "(?:[ab]{480}|[a1]{480})!$",
];

/** Patterns the linear-time engine cannot bound: lookaheads (around a catastrophic core), huge repeats. */
const UNEVALUABLE = [
    "(?=(a+)+$)a",
    "(?!(a|aa)+$)a",
    "^(?=(.*a){20})",
    "a{1001}",
    ".*a.{999}$",
    "(?:[ax]{999}|[bx]{999})$",
    "(?:a?){999}a{999}",
    "[ax]{200}|[bx]{200}|[cx]{200}|[dx]{200}|[ex]{200}|[fx]{200}",
];

/** Rejected as Python-divergent before any evaluation (backreferences, variable lookbehinds). */
const DIVERGENT = ["(a+)\\1+$", "(a|a)\\1*$", "(?<=(a+)+)b", "(?P<x>a+)+$"];

const TO_USERS = [
    `${"a".repeat(255)}!`,
    "a".repeat(256),
    `${"a".repeat(128)}${"b".repeat(128)}`,
    `${"aa,".repeat(85)}x`,
    `${"1".repeat(255)}x`,
    `${"a ".repeat(127)}!!`,
    `agent_${AGENT_A}`,
    "x".repeat(256),
];

/**
 * What `run` costs in CPU milliseconds (this process's user and system time): the work the
 * evaluation does, which a loaded machine's other processes stretch in wall time but do not change.
 */
function timed<T>(run: () => T): [T, number] {
    const started = process.cpuUsage();
    const value = run();
    const used = process.cpuUsage(started);
    return [value, (used.user + used.system) / 1000];
}

/**
 * Every evaluator of a pattern, each timed; the best of three runs, so that a neighbour's load
 * or a GC pause on this shared machine is not counted as the pattern's cost (a hang costs
 * seconds in every run).
 */
function evaluateEverywhere(pattern: string, toUser: string): number {
    const first = evaluateOnce(pattern, toUser);
    // The first evaluation also compiles the pattern and builds the engine's first DFA states.
    expect(first, `first evaluation of ${pattern}`).to.be.below(COLD_BUDGET_MS);
    return Math.min(first, evaluateOnce(pattern, toUser), evaluateOnce(pattern, toUser));
}

function evaluateOnce(pattern: string, toUser: string): number {
    const config = sipConfig(pattern);
    let worst = 0;
    const [, checkMs] = timed(() => checkPattern(pattern));
    worst = Math.max(worst, checkMs);
    const [, explainMs] = timed(() => explainInboundCall(config, { sourceIp: "192.0.2.10", toUser }));
    worst = Math.max(worst, explainMs);
    for (const render of [asteriskPjsip, freeswitchGateway, kamailioDispatcherList, carrierTrunkUris] as ((
        c: SipConfigData,
    ) => unknown)[]) {
        const [, renderMs] = timed(() => render(config));
        worst = Math.max(worst, renderMs);
    }
    return worst;
}

describe("untrusted regular expressions: bounded evaluation, reported when not possible", function () {
    this.timeout(120_000);

    // Warm the engine up once (load and JIT), as a process does on its first pattern.
    before(() => evaluateEverywhere("^warm(up)+$", "warmupup"));

    for (const pattern of CATASTROPHIC) {
        it(`catastrophic family ${JSON.stringify(pattern)}: evaluated by the linear-time engine within ${BUDGET_MS} ms per To user, everywhere`, () => {
            expect(checkPattern(pattern), pattern).to.deep.equal({ ok: true });
            for (const toUser of TO_USERS) {
                const ms = evaluateEverywhere(pattern, toUser);
                expect(ms, `${pattern} on ${toUser.length} chars`).to.be.below(BUDGET_MS);
                // The answer is a real one, not a skip: the same as a backtracking engine gives on a short input.
                const short = toUser.slice(-8);
                const expected = new RegExp(pattern).test(short);
                const result = explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser: short });
                expect(result.route === "agent" && result.agentId === AGENT_B, `${pattern} on ${short}`).to.equal(
                    expected,
                );
            }
        });
    }

    for (const pattern of UNEVALUABLE) {
        it(`unevaluable ${JSON.stringify(pattern)}: route "unknown" and a warning naming the agent, within ${BUDGET_MS} ms, never a guess`, () => {
            const check = checkPattern(pattern);
            expect(check.ok).to.equal(false);
            expect(check.ok === false && check.problem).to.contain("cannot be evaluated in bounded time here");
            for (const toUser of TO_USERS) {
                const ms = evaluateEverywhere(pattern, toUser);
                expect(ms).to.be.below(BUDGET_MS);
                const result = explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser });
                expect(result.route).to.equal("unknown");
                expect(result.accepted).to.equal(false);
                expect(result.agentId).to.equal(AGENT_B);
                expect(result.warnings[0]).to.match(
                    new RegExp(
                        `^allowedAgents\\[0\\]\\.toUserPattern \\(agent ${AGENT_B}\\) cannot be evaluated in bounded time here \\(.+\\); it is reported instead of being run by a backtracking engine, which a hostile pattern can hang for hours\\.$`,
                    ),
                );
                expect(result.reason).to.contain(
                    `Where the call to To user ${JSON.stringify(toUser)} goes is unknown: allowedAgents[0].toUserPattern (agent ${AGENT_B}) cannot be evaluated in bounded time here`,
                );
            }
            // Every trunk renderer says so for each agent it dials, naming the pattern's agent.
            const { warnings } = carrierTrunkUris(sipConfig(pattern));
            expect(warnings).to.have.length(2);
            for (const [index, agentId] of [AGENT_B, AGENT_A].entries()) {
                expect(warnings[index]).to.match(
                    new RegExp(
                        `^Whether a call to agent_${agentId} reaches agent ${agentId} is unknown: allowedAgents\\[0\\]\\.toUserPattern \\(agent ${AGENT_B}\\) cannot be evaluated in bounded time here .*\\.$`,
                    ),
                );
            }
        });
    }

    for (const pattern of DIVERGENT) {
        it(`backreferences and variable lookbehinds ${JSON.stringify(pattern)}: reported as divergent, skipped in bounded time`, () => {
            expect(checkPattern(pattern).ok).to.equal(false);
            for (const toUser of TO_USERS) {
                const ms = evaluateEverywhere(pattern, toUser);
                expect(ms).to.be.below(BUDGET_MS);
                const result = explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser });
                expect(result.warnings[0]).to.contain(`allowedAgents[0].toUserPattern (agent ${AGENT_B}): `);
            }
        });
    }

    it("a pattern after the one that matched is never evaluated: no warning, a real route", () => {
        const config = sipConfig("^support$");
        config.allowedAgents.push({ agentId: AGENT_A, toUserPattern: "(?=(a+)+$)a" });
        const result = explainInboundCall(config, { sourceIp: "192.0.2.10", toUser: "support" });
        expect([result.route, result.agentId, result.warnings]).to.deep.equal(["agent", AGENT_B, []]);
    });

    it("a pattern over the API's 200 characters is not evaluated: unknown", () => {
        const pattern = `^${"a".repeat(200)}$`;
        expect(checkPattern(pattern)).to.deep.equal({
            ok: false,
            problem: "is 202 characters long, over the 200 the API takes, and is not evaluated",
        });
        expect(explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser: "a" }).route).to.equal(
            "unknown",
        );
    });

    it("Python-re semantics kept on the linear-time engine: \\uXXXX, octal \\0nn, [\\b], [[:alpha:]] read as characters", () => {
        const route = (pattern: string, toUser: string) =>
            explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser }).route;
        expect(route("^\\u0041\\x42$", "AB")).to.equal("agent");
        expect(route("^a\\012b$", "a\nb")).to.equal("agent");
        expect(route("^a\\0$", "a\u0000")).to.equal("agent");
        expect(route("^[\\b]$", "\b")).to.equal("agent");
        expect(route("^[\\b]$", "b")).to.equal("rejected");
        // JavaScript and Python read "[[:alpha:]]" as the class "[:alph" then "]"; RE2 would read a POSIX class.
        expect(route("^[[:alpha:]]$", "x")).to.equal("rejected");
        expect(route("^[[:alpha:]]$", ":]")).to.equal("agent");
        expect(route("^[^[:a]+$", "xyz")).to.equal("agent");
        // Fixed-width lookbehinds run on the linear-time engine too.
        expect(route("(?<=a)b(?<!c)", "ab")).to.equal("agent");
        expect(route("(?<=a)b(?<!c)", "cb")).to.equal("rejected");
    });

    // A small pattern grammar with nested quantifiers, to find disguises no list names.
    const atom = fc.constantFrom("a", "b", ".", "\\w", "\\d", "[ab]", "[^b]", "a|b", "a|aa", "\\-", "[[:a]");
    const quantifier = fc.constantFrom("", "*", "+", "?", "*?", "{2}", "{1,3}", "{2,}", "{0,9}");
    const patternArb: fc.Arbitrary<string> = fc
        .tuple(
            fc.constantFrom("", "^"),
            fc.letrec<{ node: string }>((tie) => ({
                node: fc.oneof(
                    { depthSize: "small", withCrossShrink: true },
                    fc.tuple(atom, quantifier).map(([a, q]) => (a.includes("|") ? `(?:${a})${q}` : `${a}${q}`)),
                    fc.tuple(tie("node"), tie("node"), quantifier).map(([x, y, q]) => `(?:${x}${y})${q}`),
                    fc.tuple(tie("node"), tie("node"), quantifier).map(([x, y, q]) => `(${x}|${y})${q}`),
                ),
            })).node,
        )
        .map(([anchor, body]) => `${anchor}${body}$`);

    it("fuzzed nested quantifiers (fast-check, seeded): bounded on 256-char To users, and the same answer as a backtracking engine on short ones", () => {
        fc.assert(
            fc.property(patternArb, fc.stringMatching(/^[ab1_-]{0,10}$/), (pattern, short) => {
                const check = checkPattern(pattern);
                for (const toUser of [`${"a".repeat(255)}!`, "ab".repeat(128)]) {
                    const ms = evaluateEverywhere(pattern, toUser);
                    expect(ms, pattern).to.be.below(BUDGET_MS);
                }
                const result = explainInboundCall(sipConfig(pattern), { sourceIp: "192.0.2.10", toUser: short || "x" });
                if (!check.ok) {
                    // Too large a program for the budget: reported, never guessed.
                    expect(check.problem, pattern).to.contain("cannot be evaluated in bounded time here");
                    expect(result.route).to.equal("unknown");
                    return;
                }
                expect(result.route === "agent" && result.agentId === AGENT_B, `${pattern} on ${short}`).to.equal(
                    new RegExp(pattern).test(short || "x"),
                );
            }),
            { seed: 20261202, numRuns: 300 },
        );
    });
});
