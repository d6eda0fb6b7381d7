/**
 * Explains what Ultravox does with an incoming SIP call under a given config, following the
 * routing order of the telephony guide: source IP, then `allowedAgents` patterns in order, then
 * `allowAllAgents`, then the fallback handler, else rejection.
 *
 * Patterns are evaluated by the service with Python's `re`; here they run as JavaScript RegExps,
 * which agree except on constructs that `checkPattern` reports. A pattern is taken as searched
 * in the To user (Python `re.search`, JavaScript `RegExp.test`): the service's call (search or
 * match) is not published, and the default `^agent_<id>$` is anchored, so both agree on it.
 */
import { parseCidr, parseIpv4 } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { hasFallbackHandler, type SipRouting } from "../core/types";

export type PatternCheck = { ok: true } | { ok: false; problem: string };

/** Escapes meaning the same in Python `re` and a JavaScript RegExp without flags, outside a class. */
const SAME_ESCAPES = new Set(["b", "B", "d", "D", "s", "S", "w", "W", "f", "n", "r", "t", "v", "x", "u", "0"]);
/** Inside a class `\b` is a backspace in both; `\B` is an error in Python. */
const SAME_CLASS_ESCAPES = new Set(["b", "d", "D", "s", "S", "w", "W", "f", "n", "r", "t", "v", "x", "u", "0"]);
const PYTHON_FLAG_LETTERS = /^[aiLmsux-]$/;
const HEX = /^[0-9A-Fa-f]$/;

function hexDigitsAt(pattern: string, start: number, count: number): boolean {
    for (let index = start; index < start + count; index++) {
        if (!HEX.test(pattern.charAt(index))) return false;
    }
    return true;
}

/** Reads an escape at `index` (the backslash); returns [problem or undefined, length]. */
function readEscape(pattern: string, index: number, inClass: boolean): [string | undefined, number] {
    const next = pattern.charAt(index + 1);
    const at = `\\${next} at position ${index}`;
    if (next === "") return [undefined, 1];
    if (next >= "1" && next <= "9") {
        return [
            `${at} is a backreference or octal escape: a backreference to a group that did not take part matches nothing in Python but the empty string in JavaScript, and the octal rules differ`,
            2,
        ];
    }
    if (next === "x") {
        return hexDigitsAt(pattern, index + 2, 2)
            ? [undefined, 4]
            : [`${at} lacks two hex digits: an error in Python, a literal "x" in JavaScript`, 2];
    }
    if (next === "u") {
        return hexDigitsAt(pattern, index + 2, 4)
            ? [undefined, 6]
            : [`${at} lacks four hex digits: an error in Python, a literal "u" in JavaScript`, 2];
    }
    if (next === "A" || next === "Z" || next === "z") {
        const meaning = inClass ? "an error in Python" : "a string anchor in Python";
        return [`${at} is ${meaning} but a literal "${next}" in JavaScript; use ^ or $ instead`, 2];
    }
    if (/^[A-Za-z]$/.test(next) && !(inClass ? SAME_CLASS_ESCAPES : SAME_ESCAPES).has(next)) {
        return [
            `${at} means something else in Python (an error, or \\a, \\N{...}, \\U...) than in JavaScript (a literal "${next}", or \\c, \\k, \\p)`,
            2,
        ];
    }
    return [undefined, 2];
}

/** Reads `(?` syntax at `index` (the parenthesis); returns [problem, lookbehind?, length]. */
function readGroupOpening(pattern: string, index: number): [string | undefined, boolean, number] {
    if (pattern.charAt(index + 1) !== "?") return [undefined, false, 1];
    const marker = pattern.charAt(index + 2);
    const two = pattern.slice(index + 2, index + 4);
    const at = `"(?${marker}" at position ${index}`;
    if (marker === ":" || marker === "=" || marker === "!") return [undefined, false, 3];
    if (two === "<=" || two === "<!") return [undefined, true, 4];
    if (marker === "P") return [`${at} is Python's named-group syntax, which JavaScript does not have`, false, 3];
    if (marker === "<") {
        return [`${at} is a JavaScript named group; Python's re rejects it (Python writes (?P<name>...))`, false, 3];
    }
    if (marker === "#") return [`${at} is a Python comment, which JavaScript does not have`, false, 3];
    if (marker === ">") return [`${at} is an atomic group (Python 3.11+), which JavaScript does not have`, false, 3];
    if (marker === "(") return [`${at} is a Python conditional, which JavaScript does not have`, false, 3];
    if (PYTHON_FLAG_LETTERS.test(marker)) {
        return [`${at} sets inline flags, which Python and JavaScript treat differently`, false, 3];
    }
    return [undefined, false, 2];
}

/** The first construct whose meaning differs between Python `re` and JavaScript, if any. */
function findDivergence(pattern: string): string | undefined {
    const groups: boolean[] = []; // per open group: is it a lookbehind?
    let inClass = false;
    let index = 0;
    const inLookbehind = () => groups.includes(true);
    const variableLookbehind = (what: string) =>
        `${what} at position ${index} makes a lookbehind variable-width: Python requires a fixed width, JavaScript does not`;
    while (index < pattern.length) {
        const char = pattern.charAt(index);
        if (char === "\\") {
            const [problem, length] = readEscape(pattern, index, inClass);
            if (problem) return problem;
            index += length;
            continue;
        }
        if (inClass) {
            if (char === "]") inClass = false;
            index++;
            continue;
        }
        if (char === "[") {
            const rest = pattern.slice(index + 1, index + 3);
            if (rest.startsWith("]") || rest === "^]") {
                return `"[${rest.startsWith("]") ? "]" : "^]"}" at position ${index}: Python reads the "]" as a literal, JavaScript as the end of an empty class`;
            }
            inClass = true;
            index++;
            continue;
        }
        if (char === "(") {
            const [problem, lookbehind, length] = readGroupOpening(pattern, index);
            if (problem) return problem;
            groups.push(lookbehind);
            index += length;
            continue;
        }
        if (char === ")") {
            groups.pop();
            index++;
            continue;
        }
        if (char === "|" && inLookbehind()) {
            // Python accepts alternatives of one width; measuring them is left out, so this errs on the safe side.
            return `"|" at position ${index} inside a lookbehind: Python requires every alternative to have the same width, which this check does not measure`;
        }
        if (char === "*" || char === "+" || char === "?") {
            if (pattern.charAt(index + 1) === "+") {
                return `"${char}+" at position ${index} is a possessive quantifier (Python 3.11+), which JavaScript does not have`;
            }
            if (inLookbehind()) return variableLookbehind(`"${char}"`);
            index++;
            continue;
        }
        if (char === "{") {
            const quantifier = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(index));
            if (quantifier) {
                const [text, low, comma, high] = quantifier as unknown as [string, string, string, string];
                if (low === "" && comma === ",") {
                    return `"${text}" at position ${index} repeats from 0 in Python but is literal text in JavaScript`;
                }
                if (low !== "" && pattern.charAt(index + text.length) === "+") {
                    return `"${text}+" at position ${index} is a possessive quantifier (Python 3.11+), which JavaScript does not have`;
                }
                if (low !== "" && comma === "," && low !== high && inLookbehind()) {
                    return variableLookbehind(`"${text}"`);
                }
                index += text.length;
                continue;
            }
        }
        index++;
    }
    return undefined;
}

/**
 * Whether a `toUserPattern` can be evaluated here as the service (Python `re`) evaluates it.
 * Reported: constructs that differ or exist in one language only (`(?P<name>`, `(?<name>`,
 * inline flags, comments, atomic groups, possessive quantifiers, conditionals, `\A` `\Z`,
 * letter escapes Python rejects or reads differently, backreferences, `{,n}`, `[]...]`,
 * variable-width lookbehinds) and patterns JavaScript cannot compile. Not reported, as they only
 * matter for non-ASCII or control characters in the To user: `\d` `\w` `\s` `\b` are Unicode-aware
 * in Python and ASCII in JavaScript, `.` also excludes `\r` in JavaScript, and Python's `$` also
 * matches before a final newline; `explainInboundCall` warns when the To user has such characters.
 */
export function checkPattern(pattern: string): PatternCheck {
    if (typeof pattern !== "string") return { ok: false, problem: "the pattern is not a string" };
    const problem = findDivergence(pattern);
    if (problem) return { ok: false, problem };
    try {
        new RegExp(pattern);
    } catch (error) {
        return { ok: false, problem: `not a valid JavaScript regular expression (${(error as Error).message})` };
    }
    return { ok: true };
}

export type InboundRoute = "agent" | "allowAllAgents" | "fallback" | "rejected";

export interface InboundCall {
    /** The IPv4 address the INVITE comes from. */
    sourceIp: string;
    /** The user part of the To URI (`agent_<id>`, a number, ...). */
    toUser: string;
}

export interface InboundCallExplanation {
    accepted: boolean;
    route: InboundRoute;
    agentId?: string;
    reason: string;
    /** Patterns that could not be evaluated faithfully before the decision, and input caveats. */
    warnings: string[];
}

/** A pattern consulted before the decision but skipped because it cannot be evaluated faithfully. */
export interface SkippedPattern {
    index: number;
    agentId: string;
    problem: string;
}

/** The routing decision on the To user alone (the source IP not considered). */
export interface ToUserRoute {
    route: InboundRoute;
    agentId?: string;
    /** The index in `allowedAgents` of the pattern that matched, for route "agent". */
    matchedIndex?: number;
    skipped: SkippedPattern[];
}

const AGENT_TO_USER = /^agent_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Steps 2 to 5 of the routing: patterns in order, allowAllAgents, fallback, rejection. */
export function routeToUser(config: SipRouting, toUser: string): ToUserRoute {
    const skipped: SkippedPattern[] = [];
    for (const [index, agent] of config.allowedAgents.entries()) {
        const check = checkPattern(agent.toUserPattern);
        if (!check.ok) {
            skipped.push({ index, agentId: agent.agentId, problem: check.problem });
            continue;
        }
        if (new RegExp(agent.toUserPattern).test(toUser)) {
            return { route: "agent", agentId: agent.agentId, matchedIndex: index, skipped };
        }
    }
    const wildcard = config.allowAllAgents ? AGENT_TO_USER.exec(toUser) : null;
    if (wildcard?.[1]) return { route: "allowAllAgents", agentId: wildcard[1], skipped };
    return { route: hasFallbackHandler(config) ? "fallback" : "rejected", skipped };
}

function containingRange(ranges: readonly string[], address: number): string | undefined {
    return ranges.find((cidr) => {
        const parsed = parseCidr(cidr);
        return parsed !== undefined && address - (address % 2 ** (32 - parsed.prefix)) === parsed.network;
    });
}

function describeSkipped(skipped: readonly SkippedPattern[]): string {
    return skipped
        .map(
            (entry) =>
                ` Uncertain: allowedAgents[${entry.index}].toUserPattern (agent ${entry.agentId}) cannot be evaluated faithfully here and was skipped; if the service matches it, the call goes to agent ${entry.agentId} instead.`,
        )
        .join("");
}

function unmatchedReason(config: SipRouting, toUser: string, route: ToUserRoute["route"]): string {
    const patterns =
        config.allowedAgents.length === 0 ? "there are no allowedAgents" : "no allowedAgents pattern matches";
    const wildcard = config.allowAllAgents
        ? "allowAllAgents is on but the To user is not agent_<agent_id>"
        : "allowAllAgents is off";
    const start = `To user ${JSON.stringify(toUser)}: ${patterns} and ${wildcard}`;
    return route === "fallback"
        ? `${start}, so the fallback handler is called and decides: it may start an agent call, start a call or still reject it.`
        : `${start}, and no fallback handler is set: the call is rejected.`;
}

/**
 * What Ultravox does with a call from `sourceIp` to `toUser` under `config`. Throws
 * `invalid_input` for a source that is not an IPv4 address or an empty To user.
 */
export function explainInboundCall(config: SipRouting, call: InboundCall): InboundCallExplanation {
    const { sourceIp, toUser } = call ?? ({} as InboundCall);
    const address = parseIpv4(sourceIp);
    if (address === undefined) {
        throw new UltravoxError(
            "invalid_input",
            `sourceIp ${JSON.stringify(sourceIp)} is not an IPv4 address such as "203.0.113.7".`,
            { issues: ["sourceIp"] },
        );
    }
    if (typeof toUser !== "string" || toUser.length === 0) {
        throw new UltravoxError("invalid_input", "toUser must be a non-empty string (the To URI's user part).", {
            issues: ["toUser"],
        });
    }
    const range = containingRange(config.allowedCidrRanges, address);
    if (range === undefined) {
        const detail =
            config.allowedCidrRanges.length === 0
                ? "allowedCidrRanges is empty, so no call is accepted by source address (SIP registration is the other way in)"
                : `none of the ${config.allowedCidrRanges.length} ranges in allowedCidrRanges contains it`;
        return {
            accepted: false,
            route: "rejected",
            reason: `Source IP ${sourceIp} is not allowed: ${detail}.`,
            warnings: [],
        };
    }

    const decision = routeToUser(config, toUser);
    const warnings = decision.skipped.map(
        (entry) => `allowedAgents[${entry.index}].toUserPattern (agent ${entry.agentId}): ${entry.problem}.`,
    );
    if (/[^\x20-\x7e]/.test(toUser)) {
        warnings.push(
            "The To user has non-ASCII or control characters: Python and JavaScript may classify them differently (\\d, \\w, \\s, \\b, ., $).",
        );
    }
    const source = `Source IP ${sourceIp} is in ${range}.`;
    const uncertain = describeSkipped(decision.skipped);
    if (decision.route === "agent" && decision.agentId !== undefined) {
        const pattern = config.allowedAgents[decision.matchedIndex ?? 0]?.toUserPattern ?? "";
        return {
            accepted: true,
            route: "agent",
            agentId: decision.agentId,
            reason: `${source} To user ${JSON.stringify(toUser)} matches allowedAgents[${decision.matchedIndex}].toUserPattern ${JSON.stringify(pattern)}, the first match: the call goes to agent ${decision.agentId}.${uncertain}`,
            warnings,
        };
    }
    if (decision.route === "allowAllAgents" && decision.agentId !== undefined) {
        const patterns =
            config.allowedAgents.length === 0 ? "There are no allowedAgents" : "No allowedAgents pattern matches";
        return {
            accepted: true,
            route: "allowAllAgents",
            agentId: decision.agentId,
            reason: `${source} ${patterns}, but allowAllAgents is on and the To user is agent_<agent_id>: the call goes to agent ${decision.agentId} if that agent exists in the account, which the SIP config alone cannot tell (if it does not, ${hasFallbackHandler(config) ? "the fallback handler decides" : "the call is rejected"}).${uncertain}`,
            warnings,
        };
    }
    return {
        accepted: decision.route === "fallback",
        route: decision.route,
        reason: `${source} ${unmatchedReason(config, toUser, decision.route)}${uncertain}`,
        warnings,
    };
}
