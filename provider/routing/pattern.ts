/**
 * Whether a `toUserPattern` means the same here as at the service, and can be run in bounded
 * time. Patterns are evaluated by the service with Python's `re`; here they are checked against
 * JavaScript's RegExp syntax (which agrees except on the constructs `checkPattern` reports) and
 * run by a linear-time engine (linearPattern.ts), never by a backtracking one.
 */
import { MAX_PATTERN_LENGTH } from "../core/sip";
import { compileLinear } from "./linearPattern";

/** What `checkPattern` says: the pattern can be evaluated here as at the service, or why not. */
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
 * How a pattern can be evaluated here: run in bounded time (`ok`), not at all because it would
 * mean something else than at the service (`divergent`), or not at all because it cannot be
 * evaluated in bounded time (`unsafe`, see linearPattern.ts).
 */
export type PatternVerdict =
    | { kind: "ok"; test(toUser: string): boolean }
    | { kind: "divergent"; problem: string }
    | { kind: "unsafe"; problem: string };

export function patternVerdict(pattern: string): PatternVerdict {
    if (typeof pattern !== "string") return { kind: "divergent", problem: "the pattern is not a string" };
    if (pattern.length > MAX_PATTERN_LENGTH) {
        return {
            kind: "unsafe",
            problem: `is ${pattern.length} characters long, over the ${MAX_PATTERN_LENGTH} the API takes, and is not evaluated`,
        };
    }
    const problem = findDivergence(pattern);
    if (problem) return { kind: "divergent", problem };
    try {
        new RegExp(pattern);
    } catch (error) {
        // V8's message quotes the pattern as is (`Invalid regular expression: /…/: reason`): keep the reason only.
        const message = (error as Error).message;
        const reason = message.slice(message.lastIndexOf(": ") + 2);
        return { kind: "divergent", problem: `not a valid JavaScript regular expression (${reason})` };
    }
    const linear = compileLinear(pattern);
    return linear.ok ? { kind: "ok", test: linear.test } : { kind: "unsafe", problem: linear.problem };
}

/**
 * Whether a `toUserPattern` can be evaluated here as the service (Python `re`) evaluates it, in
 * bounded time. Reported: constructs that differ or exist in one language only (`(?P<name>`,
 * `(?<name>`, inline flags, comments, atomic groups, possessive quantifiers, conditionals, `\A`
 * `\Z`, letter escapes Python rejects or reads differently, backreferences, `{,n}`, `[]...]`,
 * variable-width lookbehinds), patterns JavaScript cannot compile, and patterns the linear-time
 * engine cannot run (lookaheads, repeats over 1000, too large a program, over 200 characters).
 * Not reported, as they only matter for non-ASCII or control characters in the To user: `\d`
 * `\w` `\s` `\b` are Unicode-aware in Python and ASCII here, and Python's `$` also matches
 * before a final newline; `explainInboundCall` warns when the To user has such characters.
 */
export function checkPattern(pattern: string): PatternCheck {
    const verdict = patternVerdict(pattern);
    return verdict.kind === "ok" ? { ok: true } : { ok: false, problem: verdict.problem };
}
