/**
 * What the API answered, made into what the caller gets: the JSON of a success, or an
 * `UltravoxError` that says what happened and what to do next and holds no credential.
 */
import { STATUS_CODES } from "node:http";
import { redactedOrNothing, sanitizedCause, UltravoxError } from "../core/errors";
import type { SettingNames } from "./settings";

/** An answer as read off the wire, body capped. */
export interface RawResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
}

/** The call an answer belongs to, for messages, and the secrets no message may hold. */
export interface CallDescription {
    method: string;
    url: string;
    /** `url` as a message may quote it (the key redacted). */
    shownUrl: string;
    /** Every secret the request carried (the key, a password in the body): none is quoted back. */
    secrets: readonly string[];
    /** The one object the URL names (`The SIP registration <id>`); absent for a collection or the SIP config. */
    subject?: string;
}

/** Whether the method changes something at the server. */
export function isWrite(method: string): boolean {
    return method !== "GET" && method !== "HEAD";
}

/** What a write's unknown outcome means, said once for every message that reports one. */
export function mayHaveApplied(method: string): string {
    return `the server may have applied the ${method} all the same`;
}

/**
 * The error for an answer that is not a success, by status: what it means and what to do next,
 * with the API's own `detail` (the key redacted) and a plain cause saying what came back.
 */
export function statusError(
    response: RawResponse,
    call: CallDescription,
    attempt: number,
    names: SettingNames,
): UltravoxError {
    const status = response.status;
    const detail = apiDetail(response.body, call.secrets);
    const said = detail ? ` The API said: ${detail}` : "";
    const tries = attempt + 1;
    const where = `${call.method} ${call.shownUrl}`;
    // The cause says what came back, as a plain Error: never the response object, which holds the request.
    const cause = new Error(`HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ""} from ${where}`);
    if (status === 401 || status === 403) {
        return new UltravoxError(
            "auth",
            `The Ultravox API refused the API key (HTTP ${status}) for ${where}. Check that ${names.apiKey} holds a current key of this account.${said}`,
            { status, cause },
        );
    }
    if (status === 404) {
        // A 404 on one object says that object is not there, not that the base URL or account is wrong.
        const advice = call.subject
            ? `${call.subject} is not in the account this key reaches (it was deleted, or it belongs to another account).`
            : notFoundAdvice(call.url, names);
        return new UltravoxError("not_found", `${where} answered 404 Not Found. ${advice}${said}`, { status, cause });
    }
    if (status === 429) {
        return new UltravoxError(
            "rate_limited",
            `The Ultravox API is rate limiting this key (HTTP 429 after ${tries} attempt${tries === 1 ? "" : "s"}). Wait a minute and retry, or spread the reads out.${said}`,
            { status, cause },
        );
    }
    if (status >= 500) {
        const write = isWrite(call.method);
        const outcome = write
            ? `${where} failed, and ${mayHaveApplied(call.method)}.`
            : "Retry later; nothing was applied.";
        return new UltravoxError(
            "server",
            `The Ultravox API failed with HTTP ${status} (after ${tries} attempt${tries === 1 ? "" : "s"}). ${outcome}${said}`,
            { status, cause, maybeApplied: write },
        );
    }
    const redirect =
        status >= 300 && status < 400 ? describeRedirect(response.headers.location, call.url, call.secrets, names) : "";
    return new UltravoxError("http", `${where} answered HTTP ${status}${redirect}.${said}`, { status, cause });
}

/**
 * What a 404 most likely means. A base URL that already ends in `/api` asks for `/api/api/sip`:
 * say what the base URL should look like rather than blame the account.
 */
function notFoundAdvice(url: string, names: SettingNames): string {
    if (new URL(url).pathname.endsWith("/api/api/sip")) {
        return `The base URL (${names.baseUrl}) ends in /api, and the client adds /api/sip itself: set it to the API's origin alone, such as https://api.ultravox.ai.`;
    }
    return `Check the base URL (${names.baseUrl}): the API's origin, such as https://api.ultravox.ai, without /api. Check also that the account has SIP enabled.`;
}

/** The answer's JSON; a declared non-JSON type or a body that does not parse is `invalid_response`. */
export function decodeJson(response: RawResponse, secrets: readonly string[], names: SettingNames): unknown {
    // A declared non-JSON type (an HTML error page from a proxy) is refused outright; an
    // undeclared one is left to the JSON parser and the schema.
    const contentType = String(response.headers["content-type"] ?? "").trim();
    if (contentType !== "" && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API answered with content type ${quotedMediaType(contentType, secrets)}, not JSON; nothing was applied. Check that the base URL (${names.baseUrl}) points at the Ultravox API.`,
            { status: response.status },
        );
    }
    try {
        return JSON.parse(response.body.toString("utf8"));
    } catch (error) {
        throw new UltravoxError(
            "invalid_response",
            `The Ultravox API's answer is not valid JSON; nothing was applied. Retry; if it persists, check the base URL (${names.baseUrl}).`,
            { status: response.status, cause: sanitizedCause(withoutQuotedText(error), secrets) },
        );
    }
}

/**
 * A server-controlled content type, as far as it is safe to quote: the `type/subtype` alone
 * (parameters such as `; key=...` dropped), only if it is made of token characters, the key
 * redacted in any case before the length cap (a cap first could cut the key and let a prefix of it
 * through).
 */
function quotedMediaType(contentType: string, secrets: readonly string[]): string {
    const mediaType = contentType.split(";")[0]?.trim() ?? "";
    if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(mediaType)) return "(not a media type; not quoted)";
    const redacted = redactedOrNothing(mediaType, secrets);
    if (redacted === undefined) return "(it may hold a secret that was sent; not quoted)";
    return JSON.stringify(redacted.length > 60 ? `${redacted.slice(0, 60)}…` : redacted);
}

/** The errno-style code of a low-level error (ECONNRESET), looked for along its cause chain. */
export function networkCode(error: unknown): string | undefined {
    let current: unknown = error;
    for (let depth = 0; depth < 4 && current; depth++) {
        const code = (current as { code?: unknown }).code;
        if (typeof code === "string" && /^E[A-Z_]+$/.test(code) && !code.startsWith("ERR_")) return code;
        current = (current as { cause?: unknown }).cause;
    }
    const code = (error as { code?: unknown })?.code;
    return typeof code === "string" ? code : undefined;
}

/**
 * What a redirect says about where it points (only its origin matters: it is never followed).
 * The origin is server-controlled and the URL parser lower-cases (and percent-decodes) its host,
 * so the key is redacted from it in any case.
 */
function describeRedirect(
    location: string | string[] | undefined,
    from: string,
    secrets: readonly string[],
    names: SettingNames,
): string {
    const target = Array.isArray(location) ? location[0] : location;
    let origin = "";
    try {
        origin = target ? new URL(target, from).origin : "";
    } catch {
        origin = "";
    }
    const shown = redactedOrNothing(origin, secrets);
    const elsewhere =
        origin && origin !== new URL(from).origin
            ? ` to ${shown ?? "another origin (not quoted: it may hold a secret)"}`
            : "";
    return ` (a redirect${elsewhere}; redirects are never followed, so the key never leaves the configured origin: set the base URL (${names.baseUrl}) to the final address)`;
}

/** The `detail` (DRF style) or a short snippet of an error body, with the key redacted. */
function apiDetail(body: Buffer, secrets: readonly string[]): string {
    if (body.length === 0) return "";
    const text = body.subarray(0, 2048).toString("utf8");
    let detail = "";
    try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === "object" && "detail" in parsed) {
            detail = String((parsed as { detail: unknown }).detail);
        }
    } catch {
        // Not JSON: an HTML error page is of no use in a message.
    }
    // Redacted before the cap: a cap first could cut a secret and let a prefix of it through.
    const redacted = redactedOrNothing(detail, secrets);
    if (redacted === undefined) return "(left out: it holds a secret that was sent)";
    const cleaned = redacted.replace(/\s+/g, " ").trim();
    return cleaned.length > 200 ? `${cleaned.slice(0, 200)}…` : cleaned;
}

/**
 * V8's JSON.parse message quotes about ten characters of the text around the fault
 * (`Unexpected token 's', ..."secrets":[shortsec]}"... is not valid JSON`): a short fallback
 * secret would be quoted whole. Only the part before the quote is kept.
 */
function withoutQuotedText(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    const quote = message.indexOf('"');
    if (quote < 0) return error instanceof Error ? error : new Error(message);
    const kept = message.slice(0, quote).replace(/[\s,.]+$/, "");
    return new SyntaxError(`${kept || "Not valid JSON"} (the text around it is left out: it may hold a secret)`);
}
