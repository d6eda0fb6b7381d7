/** The emulator's public shapes: its account, its options, the emulator itself and its faults. */
import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "../core/clock";

/** The SIP config exactly as `GET /api/sip` answers it. */
export interface EmulatorSipConfig {
    domain: string;
    allowedCidrRanges?: string[];
    allowAllAgents?: boolean;
    allowedAgents: { agentId: string; toUserPattern?: string | null }[];
    fallbackHandler?: { url: string; secrets: string[] } | null;
}

/** A SIP registration as the emulator stores it: the write-only password included (never served). */
export interface EmulatorRegistration {
    registrationId: string;
    created: string;
    username: string;
    password: string;
    proxy: string;
    outboundProxy?: string | null;
    authUser?: string | null;
    /**
     * Whether the registration is active, as served (absent: null). The emulator sets it from its
     * own REGISTERs for a loopback proxy; for any other it stays as given.
     */
    successful?: boolean | null;
}

/** How the emulator's SIP clients behave (`EmulatorOptions.sip`). */
export interface EmulatorSipOptions {
    /** The expiry each REGISTER asks for, in seconds. Default 300. */
    expiresSeconds?: number;
    /** How long after a failed REGISTER the next one goes. Default 30000 ms. */
    retryMs?: number;
    /** How long a REGISTER waits for its final answer, retransmissions included. Default 8000 ms. */
    transactionTimeoutMs?: number;
}

export interface EmulatorAccount {
    /** Keys accepted in `X-API-Key`. */
    apiKeys: string[];
    sip: EmulatorSipConfig;
    /** `/api/sip/registrations`, in creation order. Default none. */
    registrations?: EmulatorRegistration[];
}

export interface RecordedRequest {
    method: string;
    /** Without the query string. */
    path: string;
    /** A test server: every header as received, `x-api-key` included. */
    headers: IncomingHttpHeaders;
    apiKeyPresent: boolean;
    apiKeyValid: boolean;
    /**
     * The body as text, for requests with a valid key only (at most 64 KiB of it): empty until
     * read, when never read (a hang), and always for an unauthenticated request.
     */
    body: string;
    /** Whether a fault applied. */
    fault: boolean;
    /** The status sent; undefined while unanswered. */
    status?: number;
}

export interface EmulatorOptions {
    /** The account, or the path of a JSON file holding it. */
    account: EmulatorAccount | string;
    /** Default 0: a free port. */
    port?: number;
    /** Default 127.0.0.1. */
    host?: string;
    /** One line per request; never holds a key. */
    log?: (line: string) => void;
    /** Serves `POST`/`DELETE /_emulator/faults` for out-of-process tests. */
    controlApi?: boolean;
    /** How many requests `requests` keeps, the latest ones. Default 1000. */
    maxRecordedRequests?: number;
    /**
     * The clock the faults' delays run on (`delayMs`, `answerDelayMs`, `chunkDelayMs`). Default:
     * the real one. A test passes a fake clock (the client's, say) to step through a schedule.
     */
    clock?: Clock;
    /** How the emulator's SIP clients register with a loopback proxy (docs/emulator.md). */
    sip?: EmulatorSipOptions;
}

export interface Emulator {
    /** `http://127.0.0.1:PORT`, no trailing slash. */
    readonly url: string;
    readonly port: number;
    /** A copy of the current state. */
    readonly account: EmulatorAccount;
    /**
     * The latest requests but the control API's (at most `maxRecordedRequests`), in arrival
     * order: a long-running emulator must not grow with every request it is sent.
     */
    readonly requests: RecordedRequest[];
    /** Forgets the recorded requests: a test starts from an empty log. */
    clearRequests(): void;
    readonly pendingFaults: number;
    addFault(fault: EmulatorFault): void;
    clearFaults(): void;
    /** Replaces the SIP config as is, unvalidated: GET may then serve an invalid one. */
    replaceSip(sip: EmulatorSipConfig): void;
    /** Replaces the registrations as they are, unvalidated (an edit in the console, a bad answer). */
    replaceRegistrations(registrations: EmulatorRegistration[]): void;
    /** Stops listening and destroys every connection, hung ones included. */
    close(): Promise<void>;
}

/**
 * Applies to the next `times` matching requests, in the order added. A fault with only
 * `delayMs` and/or `before` delays or precedes the normal answer; any other field replaces it.
 */
export interface EmulatorFault {
    /** Only requests with this method match. Default: any. */
    method?: "GET" | "PATCH" | "POST" | "DELETE";
    /** Only requests whose path starts with this match (`/api/sip/registrations`). Default: any. */
    path?: string;
    /** How many matching requests it applies to. Default 1. */
    times?: number;
    /** Runs before the request is handled: simulates another writer racing a PATCH. */
    before?: (emulator: Emulator) => void | Promise<void>;
    /** Waits this long before answering (or hanging). */
    delayMs?: number;
    /** Accepts the request and never answers. */
    hang?: boolean;
    /**
     * Handles the request as usual (a PATCH is applied), then waits this long before answering:
     * a write that lands but whose answer comes after the client's deadline.
     */
    answerDelayMs?: number;
    /** Handles the request as usual (a PATCH is applied), then resets the connection unanswered. */
    resetAfterApply?: boolean;
    /** Default 200, or 302 with `redirectTo`. */
    status?: number;
    headers?: Record<string, string>;
    /** Default: the SIP config for a 2xx, `{"detail": <reason>}` for other statuses, empty for a redirect. */
    body?: string | Buffer;
    /** A generated body of exactly this many bytes (valid JSON when 10 or more). */
    bodyBytes?: number;
    /** Default `application/json` (none for a redirect without a body). */
    contentType?: string;
    retryAfter?: string;
    /** Sets `Location`; the status defaults to 302. */
    redirectTo?: string;
    /** Sends the status and headers (with the full Content-Length), then nothing. */
    stallAfterHeaders?: boolean;
    /** Sends this many body bytes, then resets the connection (TCP RST). */
    resetAfterBytes?: number;
    /** Leaves out Content-Length: the body goes out chunked. */
    chunked?: boolean;
    /** Sends the body in pieces of `chunkBytes` (default 16 KiB) with this pause between them. */
    chunkDelayMs?: number;
    chunkBytes?: number;
}
