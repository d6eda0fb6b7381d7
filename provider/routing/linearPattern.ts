/**
 * Evaluates an API-supplied `toUserPattern` in bounded time, whatever the pattern.
 *
 * Why a linear-time engine: any key holder can set a pattern, and V8's backtracking RegExp takes
 * seconds to days on nested quantifiers and their many disguises ((a+)+$, (a|aa)+$, (.*a){20}$).
 * A static "is it safe?" check (safe-regex2, recheck) either misses disguises or is itself slow,
 * heavy and in part heuristic; a worker with a time limit cannot serve the synchronous
 * `explainInboundCall` and the renderers without a thread per call. re2js (a maintained pure-JS
 * port of RE2; no native build, no WASM) matches in O(program × text) with no backtracking at all,
 * and also runs fixed-width lookbehinds in linear time. Two budgets keep that product small: the
 * repeat counts a pattern may write, checked before compiling, and the compiled program's size.
 * What it cannot run (lookaheads, repeats over 1000, a too-large program) is reported, never
 * handed to a backtracking engine. re2js costs ~20 ms to load, so it is loaded on first use.
 */
import type * as Re2jsModule from "re2js";

/** The instructions a compiled pattern may have: with a 256-char To user, a few ms to ~20 ms. */
export const MAX_PROGRAM_SIZE = 1000;
/** The sum of the `{n,m}` counts a pattern may write, checked before compiling (compiling costs as much as the expansion). */
export const MAX_REPEAT_BUDGET = 1000;

export type LinearPattern = { ok: true; test(toUser: string): boolean } | { ok: false; problem: string };

let engine: typeof Re2jsModule.RE2JS | undefined;
function loadEngine(): typeof Re2jsModule.RE2JS {
    engine ??= (require("re2js") as typeof Re2jsModule).RE2JS;
    return engine;
}

/**
 * The pattern in RE2's syntax, for a pattern that already compiles as a JavaScript RegExp and
 * passed the Python divergence check: `\uXXXX` and the octal `\0nn` become `\x{...}`, `[\b]`
 * becomes a backspace, and a `[` inside a class is escaped (RE2 would read `[[:alpha:]]` as a
 * POSIX class where JavaScript and Python read the characters "[", ":", "a"...).
 */
export function toRe2Syntax(pattern: string): string {
    let out = "";
    let inClass = false;
    let index = 0;
    while (index < pattern.length) {
        const char = pattern.charAt(index);
        if (char === "\\") {
            const next = pattern.charAt(index + 1);
            const unicode = /^u([0-9A-Fa-f]{4})/.exec(pattern.slice(index + 1));
            const octal = /^0[0-7]{0,2}/.exec(pattern.slice(index + 1));
            if (unicode) {
                out += `\\x{${unicode[1]}}`;
                index += 6;
            } else if (octal) {
                out += `\\x{${Number.parseInt(octal[0], 8).toString(16)}}`;
                index += 1 + octal[0].length;
            } else if (inClass && next === "b") {
                out += "\\x{8}";
                index += 2;
            } else {
                out += pattern.slice(index, index + 2);
                index += 2;
            }
            continue;
        }
        if (inClass) {
            if (char === "]") inClass = false;
            out += char === "[" ? "\\[" : char;
            index++;
            continue;
        }
        if (char === "[") {
            inClass = true;
            out += char;
            // A "^" right after "[" negates; it is copied as is (the divergence check refused "[]" and "[^]").
            if (pattern.charAt(index + 1) === "^") {
                out += "^";
                index++;
            }
            index++;
            continue;
        }
        out += char;
        index++;
    }
    return out;
}

/** The sum of the counts of every `{n}`, `{n,}` and `{n,m}` quantifier, outside classes. */
function repeatBudget(pattern: string): number {
    let total = 0;
    const quantifier = /\\.|\[(?:\\.|[^\]\\])*\]|\{(\d+)(?:,(\d*))?\}/gs;
    for (const match of pattern.matchAll(quantifier)) {
        if (match[1] === undefined) continue;
        total += Math.max(Number(match[1]), Number(match[2] || 0));
    }
    return total;
}

const cache = new Map<string, LinearPattern>();
const CACHE_LIMIT = 256;

/**
 * The pattern compiled for linear-time search (Python's `re.search`, JavaScript's `test`), or
 * why it cannot be. Expects a pattern that compiles as a JavaScript RegExp and passed the
 * Python divergence check (see `checkPattern`). Compiled once per pattern, then cached.
 */
export function compileLinear(pattern: string): LinearPattern {
    const cached = cache.get(pattern);
    if (cached) return cached;
    const compiled = compileUncached(pattern);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
    return compiled;
}

function compileUncached(pattern: string): LinearPattern {
    const unsafe = (why: string): LinearPattern => ({
        ok: false,
        problem: `cannot be evaluated in bounded time here (${why}); it is reported instead of being run by a backtracking engine, which a hostile pattern can hang for hours`,
    });
    const budget = repeatBudget(pattern);
    if (budget > MAX_REPEAT_BUDGET) {
        return unsafe(`its {n,m} repeat counts add up to ${budget}, over ${MAX_REPEAT_BUDGET}`);
    }
    const RE2JS = loadEngine();
    let compiled: Re2jsModule.RE2JS;
    try {
        compiled = RE2JS.compile(toRe2Syntax(pattern), RE2JS.LOOKBEHINDS);
    } catch (error) {
        // The engine quotes part of the pattern, which is server-controlled: no control characters.
        const said = (error as Error).message
            .replace(/^error parsing regexp: /, "")
            .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
        return unsafe(
            `the linear-time engine does not take it: ${said}; lookaheads, capturing groups in lookbehinds and repeats over 1000 are not linear`,
        );
    }
    const size = compiled.programSize();
    if (size > MAX_PROGRAM_SIZE) {
        return unsafe(`it compiles to ${size} instructions, over ${MAX_PROGRAM_SIZE}`);
    }
    return { ok: true, test: (toUser: string) => compiled.test(toUser) };
}
