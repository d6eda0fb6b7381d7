/**
 * UltravoxClient: one GET (or PATCH) with a single deadline over all retries, no redirects,
 * a 1 MiB body cap, errors that never hold the key, and one request in flight per key + URL.
 * The requests go out on Node's own http/https (transport.ts); the schema is loaded on first use.
 */
import { createHash } from "node:crypto";
import { type Clock, type ClockTimer, systemClock, unrefTimer } from "../core/clock";
import { redact, sanitizedCause, UltravoxError, withoutSecrets } from "../core/errors";
import { quote } from "../core/quote";
import type {
    ReadOptions,
    SipConfigData,
    SipConfigPatch,
    SipConfigWithOtherRanges,
    SipRegistrationData,
    SipRegistrationInput,
    SipRegistrationPatch,
    WarningSink,
} from "../core/types";
import { decodeJson, isWrite, mayHaveApplied, networkCode, type RawResponse, statusError } from "./answers";
import { loadRegistrationSchema, loadSchema } from "./loadSchema";
import { secretsOf } from "./requestSecrets";
import { backoffMs, RETRY_NETWORK_CODES, RETRY_STATUSES, retryAfterMs, sleep } from "./retry";
import {
    CLIENT_SETTING_NAMES,
    type ConnectionOptions,
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    PROGRAM_SETTING_NAMES,
    resolveSettings,
    type SettingNames,
    type SettingsSources,
    validateBaseUrl,
} from "./settings";
import { exchange } from "./transport";
import { USER_AGENT } from "./userAgent";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 3;
export const MAX_BODY_BYTES = 1024 * 1024;

/** The plain client reads no stack config and no environment: the key is required. */
export interface UltravoxClientOptions extends ConnectionOptions {
    apiKey: string;
    /** Default `https://api.ultravox.ai`; http: only to loopback. */
    baseUrl?: string;
    /** Told about normalizations worth knowing (a CIDR with host bits set). */
    onWarning?: WarningSink;
    /** How the caller's user sets the key, base URL and timeout, for messages. Default: this client's options. */
    settingNames?: SettingNames;
    /**
     * The clock the deadline and the waits between retries run on. Default: the real one.
     * A test passes a fake clock to assert the schedule without waiting for it.
     */
    clock?: Clock;
}

type HttpMethod = "GET" | "PATCH" | "POST" | "DELETE";

/** Bounds on a list of registrations: far past a real account's, short of a server's loop. */
export const MAX_REGISTRATION_PAGES = 100;
export const MAX_REGISTRATIONS = 10_000;

/** Reads in flight, by key + URL: the raw answer is shared; each caller parses (and warns) for itself. */
const inFlight = new Map<string, Promise<unknown>>();

/**
 * One operation of the client: a read (every page of a list included) or a write. Its deadline
 * bounds all of it, every page and every retry; its secrets (the key, and what the body holds
 * under a secret field) are kept out of every message built from what comes back.
 */
interface Operation {
    method: HttpMethod;
    body: unknown;
    secrets: readonly string[];
    /** On the client's clock. */
    deadline: number;
    /** The one object the operation is about, for a 404 (`The SIP registration <id>`). */
    subject?: string;
}

/** Connection failures that surely sent nothing: no connection was made. */
const NOTHING_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND"]);

/**
 * A client of the account's SIP config (`GET` and `PATCH /api/sip`), for scripts and CI jobs.
 * The key is held privately: it is never printed, serialized or put in an error.
 */
export class UltravoxClient {
    readonly baseUrl: string;
    readonly timeoutMs: number;
    readonly maxRetries: number;
    // A private field: not enumerable, not printed by util.inspect or JSON.stringify.
    readonly #apiKey: string;
    readonly #onWarning: WarningSink | undefined;
    readonly #names: SettingNames;
    readonly #clock: Clock;

    constructor(options: UltravoxClientOptions) {
        // Explicit options only: the plain client reads no stack config and no environment.
        const apiKey = typeof options?.apiKey === "string" ? options.apiKey.trim() : "";
        if (apiKey === "") {
            throw new UltravoxError(
                "config",
                `UltravoxClient needs the \`apiKey\` option: it reads no stack config and no environment (pass process.env.${ENV_API_KEY} yourself).`,
            );
        }
        this.#apiKey = apiKey;
        const baseUrl =
            typeof options?.baseUrl === "string" && options.baseUrl.trim() !== "" ? options.baseUrl : undefined;
        this.#names = options.settingNames ?? CLIENT_SETTING_NAMES;
        this.baseUrl = validateBaseUrl(baseUrl ?? DEFAULT_BASE_URL, this.#names.baseUrl, [apiKey]);
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
        if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
            throw new UltravoxError(
                "config",
                `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
            );
        }
        if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
            throw new UltravoxError(
                "config",
                `maxRetries must be a non-negative integer, got ${String(options.maxRetries)}.`,
            );
        }
        this.#onWarning = options.onWarning;
        this.#clock = options.clock ?? systemClock;
    }

    /**
     * A fingerprint of the key (SHA-256, hex), never the key: what a state records to tell, later,
     * whether the configured key is the one that reached its account, without holding the key.
     */
    keyFingerprint(): string {
        return createHash("sha256").update(`pulumi-ultravox key fingerprint\n${this.#apiKey}`).digest("hex");
    }

    get sipUrl(): string {
        return `${this.baseUrl}/api/sip`;
    }

    /** A URL as a message may quote it: the key redacted wherever it was pasted (host or path), in any case. */
    #shown(url: string): string {
        return redact(url, [this.#apiKey]);
    }

    /**
     * The account's SIP config, validated and normalized. Concurrent calls with the same
     * key and base URL share one HTTP request.
     */
    getSipConfig(options?: ReadOptions & { keepOtherRanges?: false }): Promise<SipConfigData>;
    getSipConfig(options: ReadOptions & { keepOtherRanges: true }): Promise<SipConfigWithOtherRanges>;
    getSipConfig(options: ReadOptions = {}): Promise<SipConfigData> {
        // Each caller parses the shared answer itself: it gets its own object and its own warnings.
        const operation = this.#operation("GET", undefined);
        const parse = (json: unknown) => this.#settle(operation, () => this.#parse(json, options));
        // A read-back after a write must not join a read that started before it.
        if (options.fresh) return this.#requestJson(operation).then(parse);
        const key = createHash("sha256").update(`${this.#apiKey}\n${this.sipUrl}`).digest("hex");
        const pending = inFlight.get(key);
        if (pending) return this.#join(pending).then(parse);
        const request = this.#requestJson(operation).finally(() => inFlight.delete(key));
        inFlight.set(key, request);
        return request.then(parse);
    }

    /**
     * Another caller's read, awaited within this caller's own deadline: it stops waiting at its
     * `timeoutMs`, and when the other caller's shorter deadline ended the shared read, it reads
     * again itself with the time it has left.
     */
    async #join(pending: Promise<unknown>): Promise<unknown> {
        const clock = this.#clock;
        const deadline = clock.now() + this.timeoutMs;
        let timer: ClockTimer | undefined;
        const ownTimeout = this.#timeoutError("GET");
        const ownDeadline = new Promise<never>((_, reject) => {
            timer = clock.setTimeout(() => reject(ownTimeout), this.timeoutMs);
            unrefTimer(timer);
        });
        try {
            return await Promise.race([pending, ownDeadline]);
        } catch (error) {
            // Told apart by identity, not by the clock: a timer may fire a millisecond before
            // now() says the deadline has come, and this caller's own timeout must not read again.
            const theirTimeout = error !== ownTimeout && error instanceof UltravoxError && error.code === "timeout";
            const left = deadline - clock.now();
            if (!theirTimeout || left <= 0) throw error;
            return await this.#requestJson(this.#operation("GET", undefined, left));
        } finally {
            if (timer !== undefined) clock.clearTimeout(timer);
        }
    }

    /**
     * PATCH /api/sip with a partial config; answers the account's full config as it is now.
     * Retried as a read is (429, 502, 503, 504, connection resets): the body sets fields to
     * values, so a PATCH that arrives twice leaves the account as one that arrives once.
     */
    async patchSipConfig(patch: SipConfigPatch): Promise<SipConfigData>;
    async patchSipConfig(
        patch: SipConfigPatch,
        options: Pick<ReadOptions, "keepOtherRanges"> & { keepOtherRanges: true },
    ): Promise<SipConfigWithOtherRanges>;
    async patchSipConfig(
        patch: SipConfigPatch,
        options: Pick<ReadOptions, "keepOtherRanges"> = {},
    ): Promise<SipConfigData> {
        const operation = this.#operation("PATCH", patch);
        const json = await this.#requestJson(operation);
        return this.#settle(operation, () => this.#parse(json, options));
    }

    /**
     * The SIP domain of the account this key reaches: which account it is, in a form that is not a
     * credential (what a resource's state records to act only on its own account).
     */
    async getAccountDomain(): Promise<string> {
        const operation = this.#operation("GET", undefined);
        const json = await this.#requestJson(operation);
        return this.#settle(operation, () => loadSchema().parseAccountDomain(json, this.#names.baseUrl));
    }

    get registrationsUrl(): string {
        return `${this.baseUrl}/api/sip/registrations`;
    }

    #registrationUrl(registrationId: string): string {
        // Checked before any operation exists: the id is the caller's, and nothing is sent.
        const { registrationIdSchema } = loadRegistrationSchema();
        if (!registrationIdSchema.safeParse(registrationId).success) {
            throw new UltravoxError(
                "invalid_input",
                `${quote(registrationId.slice(0, 100))} is not a registration id (letters, digits, - and _, as the API gives them): nothing was sent.`,
            );
        }
        return `${this.registrationsUrl}/${registrationId}`;
    }

    /**
     * Every SIP registration of the account, page after page. Pages are untrusted: a `next` that
     * leaves this base URL, repeats a page, or a list past `maxPages` pages or `maxItems` items is
     * refused (`invalid_response`), so that no server can make the client loop or wander.
     */
    async listSipRegistrations(options: { maxPages?: number; maxItems?: number } = {}): Promise<SipRegistrationData[]> {
        const { parseRegistrationPage } = loadRegistrationSchema();
        const maxPages = options.maxPages ?? MAX_REGISTRATION_PAGES;
        const maxItems = options.maxItems ?? MAX_REGISTRATIONS;
        const registrations: SipRegistrationData[] = [];
        const seen = new Set<string>();
        // One deadline for the whole list: a slow server cannot stretch it page by page.
        const operation = this.#operation("GET", undefined);
        let url: string | null = `${this.registrationsUrl}?pageSize=100`;
        for (let page = 1; url !== null; page++) {
            if (page > maxPages) throw this.#badPaging(`has more than ${maxPages} pages`);
            seen.add(url);
            const json = await this.#requestJson(operation, url);
            const answer = this.#settle(operation, () => parseRegistrationPage(json, this.#names.baseUrl));
            registrations.push(...answer.registrations);
            if (registrations.length > maxItems) throw this.#badPaging(`holds more than ${maxItems} registrations`);
            url = answer.next === null ? null : this.#nextPage(answer.next, seen);
        }
        return registrations;
    }

    /** A page's `next`, accepted only on this base URL's registrations path, and only once. */
    #nextPage(next: string, seen: ReadonlySet<string>): string {
        let parsed: URL;
        try {
            parsed = new URL(next, this.registrationsUrl);
        } catch {
            throw this.#badPaging("gave a next page that is not a URL");
        }
        const base = new URL(this.registrationsUrl);
        if (
            parsed.origin !== base.origin ||
            parsed.pathname.replace(/\/$/, "") !== base.pathname ||
            parsed.username ||
            parsed.password
        ) {
            throw this.#badPaging("gave a next page away from the configured base URL (not followed, not quoted)");
        }
        if (seen.has(parsed.href)) throw this.#badPaging("gave a next page it had already given (a loop)");
        return parsed.href;
    }

    #badPaging(what: string): UltravoxError {
        return new UltravoxError(
            "invalid_response",
            `The Ultravox API's list of SIP registrations ${what}; the list was refused and nothing was applied. Check the base URL (${this.#names.baseUrl}).`,
        );
    }

    async getSipRegistration(registrationId: string): Promise<SipRegistrationData> {
        const url = this.#registrationUrl(registrationId);
        const operation = this.#operation("GET", undefined, this.timeoutMs, registrationSubject(registrationId));
        const json = await this.#requestJson(operation, url);
        return this.#settle(operation, () => loadRegistrationSchema().parseRegistration(json, this.#names.baseUrl));
    }

    /**
     * POST: creates a registration (the API answers 201). Not retried once it may have reached
     * the server: a lost answer may mean a registration exists, which the caller must look for.
     */
    async createSipRegistration(input: SipRegistrationInput): Promise<SipRegistrationData> {
        const { checkRegistrationInput, parseRegistration } = loadRegistrationSchema();
        const body = checkRegistrationInput(input);
        const operation = this.#operation("POST", body);
        const json = await this.#requestJson(operation, this.registrationsUrl);
        return this.#settle(operation, () => parseRegistration(json, this.#names.baseUrl));
    }

    async updateSipRegistration(registrationId: string, patch: SipRegistrationPatch): Promise<SipRegistrationData> {
        const { checkRegistrationInput, parseRegistration } = loadRegistrationSchema();
        const url = this.#registrationUrl(registrationId);
        const body = checkRegistrationInput(patch, true);
        const operation = this.#operation("PATCH", body, this.timeoutMs, registrationSubject(registrationId));
        const json = await this.#requestJson(operation, url);
        return this.#settle(operation, () => parseRegistration(json, this.#names.baseUrl));
    }

    /** DELETE (the API answers 204). A registration already gone is a `not_found` error: the caller decides. */
    async deleteSipRegistration(registrationId: string): Promise<void> {
        const url = this.#registrationUrl(registrationId);
        const operation = this.#operation("DELETE", undefined, this.timeoutMs, registrationSubject(registrationId));
        await this.#settleAsync(operation, () => this.#requestWithRetries(operation, url));
    }

    #parse(json: unknown, options: Pick<ReadOptions, "keepOtherRanges">): SipConfigData {
        const { parseSipConfig } = loadSchema();
        const baseUrlName = this.#names.baseUrl;
        return options.keepOtherRanges
            ? parseSipConfig(json, this.#onWarning, { keepOtherRanges: true, baseUrlName })
            : parseSipConfig(json, this.#onWarning, { baseUrlName });
    }

    #operation(method: HttpMethod, body: unknown, timeoutMs = this.timeoutMs, subject?: string): Operation {
        return {
            method,
            body,
            secrets: [this.#apiKey, ...secretsOf(body)],
            deadline: this.#clock.now() + timeoutMs,
            ...(subject === undefined ? {} : { subject }),
        };
    }

    /**
     * What every failure of an operation goes through, once: a write whose answer was a success
     * but unreadable may have been applied (never "nothing was applied"), and every secret the
     * request carried is redacted from the message, the cause and the issue paths.
     */
    #settled(operation: Operation, error: unknown): unknown {
        if (!(error instanceof UltravoxError)) return error;
        let settled = error;
        if (isWrite(operation.method) && error.code === "invalid_response" && !error.maybeApplied) {
            const outcome = mayHaveApplied(operation.method);
            settled = new UltravoxError(
                error.code,
                error.message.replace(/(n|N)othing was applied/, (_, n: string) =>
                    n === "N" ? outcome.charAt(0).toUpperCase() + outcome.slice(1) : outcome,
                ),
                {
                    ...(error.status === undefined ? {} : { status: error.status }),
                    ...(error.issues === undefined ? {} : { issues: error.issues }),
                    ...(error.cause === undefined ? {} : { cause: error.cause }),
                    maybeApplied: true,
                },
            );
        }
        return withoutSecrets(settled, operation.secrets);
    }

    #settle<T>(operation: Operation, step: () => T): T {
        try {
            return step();
        } catch (error) {
            throw this.#settled(operation, error);
        }
    }

    async #settleAsync<T>(operation: Operation, step: () => Promise<T>): Promise<T> {
        try {
            return await step();
        } catch (error) {
            throw this.#settled(operation, error);
        }
    }

    #requestJson(operation: Operation, url: string = this.sipUrl): Promise<unknown> {
        return this.#settleAsync(operation, async () =>
            decodeJson(await this.#requestWithRetries(operation, url), operation.secrets, this.#names),
        );
    }

    /**
     * Retries what is safe to send again: a GET, PATCH or DELETE (each leaves the server as one
     * that arrives once) on 429, 502, 503, 504 and connection failures; a POST, which creates, only
     * when it surely never reached the server (refused connection, 429).
     */
    async #requestWithRetries(operation: Operation, url: string): Promise<RawResponse> {
        const { method, body, deadline } = operation;
        const clock = this.#clock;
        const timeoutMs = deadline - clock.now();
        if (timeoutMs <= 0) throw this.#timeoutError(method, url);
        const controller = new AbortController();
        const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
        unrefTimer(timer);
        try {
            for (let attempt = 0; ; attempt++) {
                let response: RawResponse;
                try {
                    response = await this.#attempt(method, url, body, controller.signal);
                } catch (error) {
                    const failure = this.#classifyThrown(error, controller.signal.aborted, operation, url);
                    if (method === "POST" && networkCode(error) !== "ECONNREFUSED") failure.retryable = false;
                    const wait = backoffMs(attempt);
                    if (failure.retryable && attempt < this.maxRetries && clock.now() + wait < deadline) {
                        await sleep(wait, controller.signal, clock).catch(() => undefined);
                        if (!controller.signal.aborted) continue;
                        throw this.#timeoutError(method, url);
                    }
                    throw failure.error;
                }
                if (response.status >= 200 && response.status < 300) return response;
                const retryableStatus =
                    method === "POST" ? response.status === 429 : RETRY_STATUSES.has(response.status);
                if (retryableStatus && attempt < this.maxRetries) {
                    const wait = retryAfterMs(response.headers["retry-after"], clock.now()) ?? backoffMs(attempt);
                    if (clock.now() + wait < deadline) {
                        await sleep(wait, controller.signal, clock).catch(() => undefined);
                        if (!controller.signal.aborted) continue;
                        throw this.#timeoutError(method, url);
                    }
                }
                throw statusError(
                    response,
                    {
                        method,
                        url,
                        shownUrl: this.#shown(url),
                        secrets: operation.secrets,
                        ...(operation.subject === undefined ? {} : { subject: operation.subject }),
                    },
                    attempt,
                    this.#names,
                );
            }
        } finally {
            clock.clearTimeout(timer);
        }
    }

    #attempt(method: HttpMethod, url: string, body: unknown, signal: AbortSignal): Promise<RawResponse> {
        return exchange({
            method,
            url,
            headers: {
                "x-api-key": this.#apiKey,
                accept: "application/json",
                "user-agent": USER_AGENT,
                ...(body === undefined ? {} : { "content-type": "application/json" }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal,
            maxBodyBytes: MAX_BODY_BYTES,
            tooLarge: () =>
                new UltravoxError(
                    "invalid_response",
                    `The Ultravox API's answer is over ${MAX_BODY_BYTES} bytes, far more than a SIP config; nothing was applied. Check the base URL (${this.#names.baseUrl}).`,
                ),
        });
    }

    #classifyThrown(
        error: unknown,
        aborted: boolean,
        operation: Operation,
        url: string,
    ): { error: UltravoxError; retryable: boolean } {
        if (error instanceof UltravoxError) return { error, retryable: false };
        if (aborted) return { error: this.#timeoutError(operation.method, url, error), retryable: false };
        const code = networkCode(error);
        const cause = sanitizedCause(error, operation.secrets);
        // A write on a connection that broke may have arrived; one never connected surely did not.
        const unknownOutcome = isWrite(operation.method) && !(code !== undefined && NOTHING_SENT_CODES.has(code));
        const outcome = unknownOutcome
            ? ` The ${operation.method} was sent, and ${mayHaveApplied(operation.method)}.`
            : "";
        return {
            retryable: code !== undefined && RETRY_NETWORK_CODES.has(code),
            error: new UltravoxError(
                "network",
                `Could not reach the Ultravox API at ${this.#shown(this.baseUrl)}, or the connection broke (${code ?? cause.message}).${networkHint(code, this.baseUrl)}${outcome} Check the network, proxy and base URL (${this.#names.baseUrl}), then retry.`,
                { cause, maybeApplied: unknownOutcome },
            ),
        };
    }

    #timeoutError(method: string, url: string = this.sipUrl, error?: unknown): UltravoxError {
        const write = isWrite(method);
        const outcome = write ? ` Its answer never came: ${mayHaveApplied(method)}.` : "";
        return new UltravoxError(
            "timeout",
            `${method} ${this.#shown(url)} did not complete within ${this.timeoutMs} ms (retries included).${outcome} Retry later, or raise ${this.#names.timeoutMs}.`,
            {
                ...(error === undefined ? {} : { cause: sanitizedCause(error, [this.#apiKey]) }),
                maybeApplied: write,
            },
        );
    }

    /** Never show the key, even to a debugger's console. */
    [Symbol.for("nodejs.util.inspect.custom")](): string {
        return `UltravoxClient { baseUrl: ${JSON.stringify(this.#shown(this.baseUrl))}, apiKey: [secret] }`;
    }

    toJSON(): object {
        return { baseUrl: this.#shown(this.baseUrl), timeoutMs: this.timeoutMs, maxRetries: this.maxRetries };
    }
}

/**
 * A client whose key and base URL come from `sources` (args → stack config → environment →
 * default), as every entry point of the package resolves them.
 */
export function clientFromSources(
    sources: SettingsSources,
    tuning: Omit<UltravoxClientOptions, "apiKey" | "baseUrl"> = {},
): UltravoxClient {
    return new UltravoxClient({ settingNames: PROGRAM_SETTING_NAMES, ...resolveSettings(sources), ...tuning });
}

/** How a message names a registration: ids are checked before any request, so quoting one is safe. */
function registrationSubject(registrationId: string): string {
    return `The SIP registration ${registrationId}`;
}

/** What a connection failure's code most likely means, in words; empty for codes that say it themselves. */
function networkHint(code: string | undefined, baseUrl: string): string {
    if (code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER") {
        return baseUrl.startsWith("https:")
            ? " The server did not answer TLS: it is most likely a plain-HTTP server (the emulator is one); use http:// for a server on loopback."
            : "";
    }
    if (code === "ECONNREFUSED") return " Nothing is listening at that address and port.";
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return " The host name did not resolve.";
    return "";
}
