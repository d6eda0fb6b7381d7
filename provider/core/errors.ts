/**
 * Every failure of this package is an `UltravoxError` with one of these stable string codes.
 * Messages say what to do next and never contain a credential.
 *
 * - `config`: no API key anywhere (the message names only the places its caller reads:
 *   stack config and arguments in a program, `ULTRAVOX_API_KEY` in the CLI, options for the client),
 *   a setting that is not a string, a plugin installed under another version than the SDK asks for, a base URL that is not a URL, carries credentials, a query or
 *   a fragment, or uses `http:` off loopback; a `timeoutMs` or `maxRetries` out of range.
 * - `auth`: the API answered 401 or 403: the key is wrong, revoked or of another account.
 * - `not_found`: the API answered 404: check the base URL, and that the account has SIP enabled.
 * - `rate_limited`: 429 still after the retries, or a `Retry-After` past the deadline.
 * - `server`: 5xx still after the retries (500 is not retried); nothing was applied.
 * - `http`: any other status, a redirect included (redirects are never followed).
 * - `timeout`: the whole call, retries included, took longer than `timeoutMs`.
 * - `network`: the connection was refused, reset or cut short, or the name did not resolve.
 * - `invalid_response`: the answer is not JSON, not declared as JSON, not an object, fails the
 *   schema (`issues` lists the field paths), is over 1 MiB, or does not hold what a PATCH wrote.
 * - `invalid_input`: a renderer, a CIDR tool, a cross-language function or the provider was given
 *   something it does not take (the message names the entry or option, never a secret value;
 *   `issues` holds its path).
 * - `conflict`: another writer changed the account while the managed form wrote it; the key now
 *   reaches another account than the one the state records, or than the one read before a write;
 *   the CLI's allowlist lock is held by another run of the same user, or cannot be taken.
 * - `not_active`: a SIP registration with `waitForActiveSeconds` did not become active in time, or
 *   the API says its REGISTER failed (`successful: false`); the registration is still recorded.
 */
export type UltravoxErrorCode =
    | "config"
    | "auth"
    | "not_found"
    | "rate_limited"
    | "server"
    | "http"
    | "timeout"
    | "network"
    | "invalid_response"
    | "invalid_input"
    | "conflict"
    | "not_active";

/** What `UltravoxError`'s constructor takes besides the code and the message. */
export interface UltravoxErrorOptions {
    status?: number;
    cause?: unknown;
    /** Zod-style issue paths, for `invalid_response` and `invalid_input`. */
    issues?: string[];
}

/** The one error this package throws: see `UltravoxErrorCode` for the codes and when each is raised. */
export class UltravoxError extends Error {
    override readonly name = "UltravoxError";
    readonly code: UltravoxErrorCode;
    readonly status: number | undefined;
    readonly issues: string[] | undefined;

    constructor(code: UltravoxErrorCode, message: string, options: UltravoxErrorOptions = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.status = options.status;
        this.issues = options.issues;
    }

    /** The dynamic-provider plugin prints `${err}`: keep the code in it. */
    override toString(): string {
        return `UltravoxError [${this.code}]: ${this.message}`;
    }
}

/** Whether a value is an `UltravoxError`, also when it comes from another copy of the package. */
export function isUltravoxError(value: unknown): value is UltravoxError {
    return (
        value instanceof UltravoxError || (value instanceof Error && value.name === "UltravoxError" && "code" in value)
    );
}

/**
 * A copy of a low-level error (from got or node:net) that keeps what helps a reader
 * (message, code, syscall) and drops what may hold the key (request options, headers).
 */
export function sanitizedCause(error: unknown, secrets: readonly string[]): Error {
    const source = error instanceof Error ? error : new Error(String(error));
    const clean = new Error(redact(source.message, secrets));
    clean.name = source.name;
    const code = (source as { code?: unknown }).code;
    if (typeof code === "string") {
        (clean as Error & { code?: string }).code = code;
    }
    // The stack of the copy points here, not into got: that is the point.
    clean.stack = `${clean.name}: ${clean.message}`;
    return clean;
}

const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}/]/g;

/**
 * Replaces every occurrence of each secret (of 4+ chars) with a fixed mask, in any case: servers
 * and URL parsers lower-case what they echo (a host name in a Location, a content type), and
 * Unicode case folding (the `iu` flags) also catches look-alikes such as the Kelvin sign for "K".
 */
export function redact(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= 4) {
            out = out.replace(new RegExp(secret.replace(REGEX_SYNTAX, "\\$&"), "giu"), "[redacted]");
        }
    }
    return out;
}
