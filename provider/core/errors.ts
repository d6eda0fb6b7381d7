/**
 * Every failure of this package is an `UltravoxError` with a stable string `code`.
 * Messages say what to do next and never contain a credential.
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
    | "conflict";

export interface UltravoxErrorOptions {
    status?: number;
    cause?: unknown;
    /** Zod-style issue paths, for `invalid_response` and `invalid_input`. */
    issues?: string[];
}

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

/** Replaces every occurrence of each secret (of 4+ chars) with a fixed mask. */
export function redact(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= 4) {
            out = out.split(secret).join("[redacted]");
        }
    }
    return out;
}
