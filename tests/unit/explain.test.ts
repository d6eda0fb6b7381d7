import { expect } from "chai";
import {
    checkPattern,
    explainInboundCall,
    type InboundCallExplanation,
    type SipConfigData,
    UltravoxError,
} from "pulumi-ultravox";
import { AGENT_A, AGENT_B, fromJavaScript } from "../helpers/fixtures";

const AGENT_C = "0c0ffee0-0000-4000-8000-00000000000c";
const AGENT_D = "5d5d5d5d-6e6e-4f4f-8a8a-9b9b9b9b9b9b";
const FALLBACK = { url: "https://pbx.example.com/ultravox/fallback", secrets: ["fallback-secret-0123"] };

/** A: default pattern; B: US numbers +1555...; C: +1555123... (shadowed by B); D: unanchored "support". */
function sipConfig(overrides: Partial<SipConfigData> = {}): SipConfigData {
    return {
        domain: "acme-test.sip.ultravox.invalid",
        allowedCidrRanges: ["192.0.2.0/24", "198.51.100.7/32"],
        allowAllAgents: false,
        allowedAgents: [
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            { agentId: AGENT_B, toUserPattern: "^\\+1555\\d{7}$" },
            { agentId: AGENT_C, toUserPattern: "^\\+1555123" },
            { agentId: AGENT_D, toUserPattern: "support" },
        ],
        fallbackHandler: null,
        fingerprint: "0".repeat(64),
        ...overrides,
    };
}

const FROM = "Source IP 192.0.2.10 is in 192.0.2.0/24.";

describe("explain: explainInboundCall", () => {
    const cases: [string, SipConfigData, string, string, InboundCallExplanation][] = [
        [
            "rejects a source outside every range",
            sipConfig(),
            "203.0.113.5",
            `agent_${AGENT_A}`,
            {
                accepted: false,
                route: "rejected",
                reason: "Source IP 203.0.113.5 is not allowed: none of the 2 ranges in allowedCidrRanges contains it.",
                warnings: [],
            },
        ],
        [
            "rejects every source when no range is allowed",
            sipConfig({ allowedCidrRanges: [] }),
            "192.0.2.10",
            `agent_${AGENT_A}`,
            {
                accepted: false,
                route: "rejected",
                reason: "Source IP 192.0.2.10 is not allowed: allowedCidrRanges is empty, so no call is accepted by source address (SIP registration is the other way in).",
                warnings: [],
            },
        ],
        [
            "routes agent_<id> by the default pattern",
            sipConfig(),
            "192.0.2.10",
            `agent_${AGENT_A}`,
            {
                accepted: true,
                route: "agent",
                agentId: AGENT_A,
                reason: `${FROM} To user "agent_${AGENT_A}" matches allowedAgents[0].toUserPattern "^agent_${AGENT_A}$", the first match: the call goes to agent ${AGENT_A}.`,
                warnings: [],
            },
        ],
        [
            "takes the first matching pattern when two match",
            sipConfig(),
            "192.0.2.10",
            "+15551234567",
            {
                accepted: true,
                route: "agent",
                agentId: AGENT_B,
                reason: `${FROM} To user "+15551234567" matches allowedAgents[1].toUserPattern "^\\\\+1555\\\\d{7}$", the first match: the call goes to agent ${AGENT_B}.`,
                warnings: [],
            },
        ],
        [
            "falls through to a later pattern when an earlier one does not match",
            sipConfig(),
            "198.51.100.7",
            "+15551239",
            {
                accepted: true,
                route: "agent",
                agentId: AGENT_C,
                reason: `Source IP 198.51.100.7 is in 198.51.100.7/32. To user "+15551239" matches allowedAgents[2].toUserPattern "^\\\\+1555123", the first match: the call goes to agent ${AGENT_C}.`,
                warnings: [],
            },
        ],
        [
            "searches the To user rather than matching it whole",
            sipConfig(),
            "192.0.2.10",
            "tech-support-2",
            {
                accepted: true,
                route: "agent",
                agentId: AGENT_D,
                reason: `${FROM} To user "tech-support-2" matches allowedAgents[3].toUserPattern "support", the first match: the call goes to agent ${AGENT_D}.`,
                warnings: [],
            },
        ],
        [
            "routes agent_<uuid> by allowAllAgents, saying the config cannot tell whether the agent exists",
            sipConfig({ allowAllAgents: true }),
            "192.0.2.10",
            "agent_7e7e7e7e-1111-4222-8333-444444444444",
            {
                accepted: true,
                route: "allowAllAgents",
                agentId: "7e7e7e7e-1111-4222-8333-444444444444",
                reason: `${FROM} No allowedAgents pattern matches, but allowAllAgents is on and the To user is agent_<agent_id>: the call goes to agent 7e7e7e7e-1111-4222-8333-444444444444 if that agent exists in the account, which the SIP config alone cannot tell (if it does not, the call is rejected).`,
                warnings: [],
            },
        ],
        [
            "names the fallback handler as what follows an unknown agent under allowAllAgents",
            sipConfig({ allowAllAgents: true, allowedAgents: [], fallbackHandler: FALLBACK }),
            "192.0.2.10",
            "agent_7e7e7e7e-1111-4222-8333-444444444444",
            {
                accepted: true,
                route: "allowAllAgents",
                agentId: "7e7e7e7e-1111-4222-8333-444444444444",
                reason: `${FROM} There are no allowedAgents, but allowAllAgents is on and the To user is agent_<agent_id>: the call goes to agent 7e7e7e7e-1111-4222-8333-444444444444 if that agent exists in the account, which the SIP config alone cannot tell (if it does not, the fallback handler decides).`,
                warnings: [],
            },
        ],
        [
            "hands an unmatched call to the fallback handler, which may still reject it",
            sipConfig({ fallbackHandler: FALLBACK }),
            "192.0.2.10",
            "sales",
            {
                accepted: true,
                route: "fallback",
                reason: `${FROM} To user "sales": no allowedAgents pattern matches and allowAllAgents is off, so the fallback handler is called and decides: it may start an agent call, start a call or still reject it.`,
                warnings: [],
            },
        ],
        [
            "does not apply allowAllAgents to a To user that is not agent_<uuid>",
            sipConfig({ allowAllAgents: true, fallbackHandler: FALLBACK }),
            "192.0.2.10",
            "agent_sales",
            {
                accepted: true,
                route: "fallback",
                reason: `${FROM} To user "agent_sales": no allowedAgents pattern matches and allowAllAgents is on but the To user is not agent_<agent_id>, so the fallback handler is called and decides: it may start an agent call, start a call or still reject it.`,
                warnings: [],
            },
        ],
        [
            "rejects an unmatched call with no fallback handler",
            sipConfig(),
            "192.0.2.10",
            "sales",
            {
                accepted: false,
                route: "rejected",
                reason: `${FROM} To user "sales": no allowedAgents pattern matches and allowAllAgents is off, and no fallback handler is set: the call is rejected.`,
                warnings: [],
            },
        ],
        [
            "says when there are no patterns at all",
            sipConfig({ allowedAgents: [] }),
            "192.0.2.10",
            `agent_${AGENT_A}`,
            {
                accepted: false,
                route: "rejected",
                reason: `${FROM} To user "agent_${AGENT_A}": there are no allowedAgents and allowAllAgents is off, and no fallback handler is set: the call is rejected.`,
                warnings: [],
            },
        ],
    ];
    for (const [name, config, sourceIp, toUser, expected] of cases) {
        it(name, () => {
            expect(explainInboundCall(config, { sourceIp, toUser })).to.deep.equal(expected);
        });
    }

    it("says so when an earlier pattern cannot be evaluated faithfully", () => {
        const config = sipConfig({
            allowedAgents: [
                { agentId: AGENT_B, toUserPattern: "(?P<team>sales|support)" },
                { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
            ],
            fallbackHandler: FALLBACK,
        });
        const result = explainInboundCall(config, { sourceIp: "192.0.2.10", toUser: "sales" });
        expect(result.route).to.equal("fallback");
        expect(result.reason).to.contain(
            ` Uncertain: allowedAgents[0].toUserPattern (agent ${AGENT_B}) cannot be evaluated faithfully here and was skipped; if the service matches it, the call goes to agent ${AGENT_B} instead.`,
        );
        expect(result.warnings).to.deep.equal([
            `allowedAgents[0].toUserPattern (agent ${AGENT_B}): "(?P" at position 0 is Python's named-group syntax, which JavaScript does not have.`,
        ]);

        const matched = explainInboundCall(config, { sourceIp: "192.0.2.10", toUser: `agent_${AGENT_A}` });
        expect([matched.route, matched.agentId]).to.deep.equal(["agent", AGENT_A]);
        expect(matched.reason).to.contain("Uncertain: allowedAgents[0].toUserPattern");
        expect(matched.warnings).to.have.length(1);
    });

    it("ignores an unevaluable pattern after the one that matched", () => {
        const config = sipConfig({
            allowedAgents: [
                { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
                { agentId: AGENT_B, toUserPattern: "(?i)sales" },
            ],
        });
        const result = explainInboundCall(config, { sourceIp: "192.0.2.10", toUser: `agent_${AGENT_A}` });
        expect(result.warnings).to.deep.equal([]);
        expect(result.reason).to.not.contain("Uncertain");
    });

    it("warns that Python and JavaScript may read non-ASCII To users differently", () => {
        const result = explainInboundCall(sipConfig(), { sourceIp: "192.0.2.10", toUser: "support-é" });
        expect(result.route).to.equal("agent");
        expect(result.warnings).to.deep.equal([
            "The To user has non-ASCII or control characters: Python and JavaScript may classify them differently (\\d, \\w, \\s, \\b, ., $).",
        ]);
    });

    const invalid: [string, unknown, string][] = [
        ["a source that is not IPv4", { sourceIp: "2001:db8::1", toUser: "sales" }, "sourceIp"],
        ["a source with a prefix", { sourceIp: "192.0.2.10/32", toUser: "sales" }, "sourceIp"],
        ["an empty To user", { sourceIp: "192.0.2.10", toUser: "" }, "toUser"],
        ["a To user that is not a string", { sourceIp: "192.0.2.10", toUser: 42 }, "toUser"],
        ["no call at all", undefined, "sourceIp"],
    ];
    for (const [name, call, issue] of invalid) {
        it(`refuses ${name}`, () => {
            let caught: unknown;
            try {
                explainInboundCall(sipConfig(), fromJavaScript(call));
            } catch (error) {
                caught = error;
            }
            expect(caught).to.be.instanceOf(UltravoxError);
            expect((caught as UltravoxError).code).to.equal("invalid_input");
            expect((caught as UltravoxError).issues).to.deep.equal([issue]);
        });
    }
});

describe("explain: checkPattern", () => {
    const faithful = [
        `^agent_${AGENT_A}$`,
        "^\\+1555\\d{7}$",
        "^(sales|support)$",
        "(?:ab)+c*?",
        "(?<=a)b(?<!c)",
        "(?<=a{2})b",
        "\\.\\-\\/",
        "\\x41\\u00e9\\0",
        "[\\b\\d\\w\\s\\-\\]]",
        "a{2,3}b{2,}c{4}",
        "a{",
        "{}",
        "",
    ];
    for (const pattern of faithful) {
        it(`accepts ${JSON.stringify(pattern)}`, () => {
            expect(checkPattern(pattern)).to.deep.equal({ ok: true });
        });
    }

    const divergent: [string, string][] = [
        ["(?P<team>sales)", "Python's named-group syntax"],
        ["(a)(?P=team)", "Python's named-group syntax"],
        ["(?<team>sales)", "Python's re rejects it"],
        ["(?i)sales", "inline flags"],
        ["sa(?i:les)", "inline flags"],
        ["(?#note)sales", "Python comment"],
        ["(?>sales)", "atomic group"],
        ["a*+", "possessive quantifier"],
        ["a++", "possessive quantifier"],
        ["a?+", "possessive quantifier"],
        ["a{2}+", "possessive quantifier"],
        ["(a)?(?(1)b|c)", "conditional"],
        ["\\Asales", "a string anchor in Python"],
        ["sales\\Z", "a string anchor in Python"],
        ["sales\\z", "a string anchor in Python"],
        ["[\\A]", "an error in Python"],
        ["\\e", "means something else in Python"],
        ["\\p{L}", "means something else in Python"],
        ["(?<n>a)\\k<n>", "Python's re rejects it"],
        ["\\k<n>", "means something else in Python"],
        ["\\N{DIGIT ONE}", "means something else in Python"],
        ["\\U0001F600", "means something else in Python"],
        ["\\a", "means something else in Python"],
        ["[\\B]", "means something else in Python"],
        ["\\x4", "lacks two hex digits"],
        ["\\u12", "lacks four hex digits"],
        ["(a)\\1", "backreference"],
        ["[\\1]", "backreference or octal"],
        ["a{,3}", "repeats from 0 in Python"],
        ["a{,}", "repeats from 0 in Python"],
        ["[]a]", 'Python reads the "]" as a literal'],
        ["[^]a]", 'Python reads the "]" as a literal'],
        ["(?<=a+)b", "variable-width"],
        ["(?<=a|bc)x", "every alternative to have the same width"],
        ["(?<=ab|cd)x", "which this check does not measure"],
        ["(?<=a{1,2})b", "variable-width"],
        ["(?<=(a)?)b", "variable-width"],
        ["(?=x)x(?!y)", "cannot be evaluated in bounded time here (the linear-time engine does not take it"],
        ["(sales", "not a valid JavaScript regular expression"],
        ["a**", "not a valid JavaScript regular expression"],
        ["[a-", "not a valid JavaScript regular expression"],
    ];
    for (const [pattern, phrase] of divergent) {
        it(`reports ${JSON.stringify(pattern)}`, () => {
            const result = checkPattern(pattern);
            expect(result.ok).to.equal(false);
            expect(result.ok === false && result.problem).to.contain(phrase);
        });
    }

    it("gives V8's reason for an invalid pattern, never V8's copy of the pattern", () => {
        expect(checkPattern("(\u001b]0;x\u0007")).to.deep.equal({
            ok: false,
            problem: "not a valid JavaScript regular expression (Unterminated group)",
        });
    });

    it("names the position of the construct", () => {
        expect(checkPattern("^sales(?i)")).to.deep.equal({
            ok: false,
            problem: '"(?i" at position 6 sets inline flags, which Python and JavaScript treat differently',
        });
    });

    it("reports a pattern that is not a string", () => {
        expect(checkPattern(fromJavaScript(7))).to.deep.equal({
            ok: false,
            problem: "the pattern is not a string",
        });
    });
});
