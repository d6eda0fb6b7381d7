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
 * - `server`: 5xx still after the retries (500 is not retried). After a read nothing was applied;
 *   after a write (PATCH, POST, DELETE) the server may have applied it: `maybeApplied` says so.
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
    /** A write whose outcome is unknown: the server may have applied it (see `UltravoxError.maybeApplied`). */
    maybeApplied?: boolean;
}

/** The one error this package throws: see `UltravoxErrorCode` for the codes and when each is raised. */
export class UltravoxError extends Error {
    override readonly name = "UltravoxError";
    readonly code: UltravoxErrorCode;
    readonly status: number | undefined;
    readonly issues: string[] | undefined;
    /**
     * True when a write (PATCH, POST, DELETE) failed in a way that leaves its outcome unknown: a
     * server error, a lost or late answer, a 2xx answer that could not be read. The server may have
     * applied it; false when it surely did not (a refusal, a connection that was never made).
     */
    readonly maybeApplied: boolean;

    constructor(code: UltravoxErrorCode, message: string, options: UltravoxErrorOptions = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.code = code;
        this.status = options.status;
        this.issues = options.issues;
        this.maybeApplied = options.maybeApplied === true;
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
 * A copy of a low-level error (from node:http or node:net) that keeps what helps a reader
 * (message, code, syscall) and drops what may hold the key (request options, headers).
 */
export function sanitizedCause(error: unknown, secrets: readonly string[]): Error {
    const source = error instanceof Error ? error : new Error(String(error));
    const clean = new Error(
        redactedOrNothing(source.message, secrets) ?? "(the message is left out: it may hold a secret that was sent)",
    );
    clean.name = source.name;
    const code = (source as { code?: unknown }).code;
    if (typeof code === "string") {
        (clean as Error & { code?: string }).code = code;
    }
    // The stack of the copy points here, not into Node's internals: that is the point.
    clean.stack = `${clean.name}: ${clean.message}`;
    return clean;
}

const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}/]/g;

/** Shorter secrets are not masked where they occur (they would mask common text): text holding one is not shown. */
export const MIN_REDACTED_LENGTH = 4;

/**
 * Replaces every occurrence of each secret (of 4+ chars) with a fixed mask, in any case: servers
 * and URL parsers lower-case what they echo (a host name in a Location, a content type), and
 * Unicode case folding (the `iu` flags) also catches look-alikes such as the Kelvin sign for "K".
 */
export function redact(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= MIN_REDACTED_LENGTH) {
            out = out.replace(new RegExp(secret.replace(REGEX_SYNTAX, "\\$&"), "giu"), "[redacted]");
        }
    }
    return out;
}

/**
 * `text` with the secrets redacted, or undefined when it still holds a secret too short to mask
 * (a 3-character password would otherwise be quoted back): the caller leaves such text out.
 */
export function redactedOrNothing(text: string, secrets: readonly string[]): string | undefined {
    const out = redact(text, secrets);
    const lower = out.toLowerCase();
    const holdsShort = secrets.some(
        (secret) => secret.length > 0 && secret.length < MIN_REDACTED_LENGTH && lower.includes(secret.toLowerCase()),
    );
    return holdsShort ? undefined : out;
}

/**
 * The same error with every secret of the request taken out of what a reader sees (message,
 * cause, issue paths): the one place where what came back from a server is cleaned of what was sent.
 */
export function withoutSecrets(error: UltravoxError, secrets: readonly string[]): UltravoxError {
    // Secrets too short to mask are kept out where server text enters a message (apiDetail and the like).
    const cleaned = new UltravoxError(error.code, redact(error.message, secrets), {
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.issues === undefined ? {} : { issues: error.issues.map((issue) => redact(issue, secrets)) }),
        ...(error.cause === undefined ? {} : { cause: sanitizedCause(error.cause, secrets) }),
        maybeApplied: error.maybeApplied,
    });
    // The frames say where it was thrown; only the first line held the message.
    const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
    cleaned.stack = [`${cleaned.name}: ${cleaned.message}`, ...frames].join("\n");
    return cleaned;
}
