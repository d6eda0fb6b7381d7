/**
 * When the client retries and how long it waits. `retryAfterMs` and `backoffMs` are pure (the
 * clock, `now`, and the random source are parameters), so the schedule is unit-tested without
 * waiting; `sleep` is the one that waits, on the clock it is given.
 */
import { randomInt } from "node:crypto";
import { type Clock, systemClock } from "../core/clock";

/** Statuses worth another try: rate limited, or a proxy or gateway that could not reach the API. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Resets, a body cut short (how a reset mid-body surfaces) and a temporary DNS failure
 * (EAI_AGAIN) are retried; a refused connection and a name that does not exist (ENOTFOUND) are not.
 */
export const RETRY_NETWORK_CODES: ReadonlySet<string> = new Set([
    "ECONNRESET",
    "EPIPE",
    "ECONNABORTED",
    "EAI_AGAIN",
    "ERR_HTTP_CONTENT_LENGTH_MISMATCH",
    "ERR_STREAM_PREMATURE_CLOSE",
]);

/** A Retry-After longer than this is capped: a misbehaving server cannot park a deployment. */
export const MAX_RETRY_AFTER_MS = 20_000;
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 5_000;

/** Retry-After as seconds or an HTTP date (relative to `now`), capped; undefined when absent or garbage. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
    const value = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!value) return undefined;
    let ms: number;
    if (/^\d+(\.\d+)?$/.test(value)) {
        ms = Number(value) * 1000;
    } else {
        const date = Date.parse(value);
        if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined;
        ms = date - now;
    }
    // A delay too long for a double (400 digits) is Infinity: capped like any other huge delay.
    return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Exponential backoff with equal jitter: the ceiling doubles from 200 ms up to 5 s, and the wait
 * is drawn from half the ceiling to the ceiling, so concurrent clients spread out but none
 * retries at once. `random(min, maxExclusive)` draws an integer (default: node:crypto's).
 */
export function backoffMs(attempt: number, random: (min: number, maxExclusive: number) => number = randomInt): number {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return random(Math.floor(ceiling / 2), ceiling + 1);
}

/** Resolves after `ms` on `clock`; rejects at once when `signal` aborts (the call's deadline). */
export function sleep(ms: number, signal: AbortSignal, clock: Clock = systemClock): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal.aborted) {
            reject(new Error("aborted"));
            return;
        }
        const onAbort = () => {
            clock.clearTimeout(timer);
            reject(new Error("aborted"));
        };
        const timer = clock.setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal.addEventListener("abort", onAbort, { once: true });
    });
}
