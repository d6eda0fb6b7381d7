/**
 * Faults: how a test tells the emulator to misbehave (a status, a delay, a bad body, a hang,
 * a reset), and the answer a fault makes in place of the API's.
 */
import { STATUS_CODES } from "node:http";
import type { Emulator, EmulatorSipConfig } from "./server";

/**
 * Applies to the next `times` matching requests, in the order added. A fault with only
 * `delayMs` and/or `before` delays or precedes the normal answer; any other field replaces it.
 */
export interface EmulatorFault {
    /** Only requests with this method match. Default: any. */
    method?: "GET" | "PATCH";
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

export function checkFault(fault: EmulatorFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError("fault.times must be a positive integer.");
    const status = fault.status;
    if (status !== undefined && (!Number.isInteger(status) || status < 100 || status > 599)) {
        throw new TypeError("fault.status must be an integer in 100..599.");
    }
}
/** The fields that make a fault answer in place of the API. */
export const RESPONSE_FIELDS = [
    "status",
    "headers",
    "body",
    "bodyBytes",
    "contentType",
    "retryAfter",
    "redirectTo",
    "stallAfterHeaders",
    "resetAfterBytes",
    "chunked",
    "chunkDelayMs",
    "chunkBytes",
] as const satisfies readonly (keyof EmulatorFault)[];

export function faultBody(fault: EmulatorFault, status: number, sip: EmulatorSipConfig): Buffer {
    if (fault.body !== undefined) return Buffer.from(fault.body);
    if (fault.bodyBytes !== undefined) return generatedBody(fault.bodyBytes);
    if (fault.redirectTo !== undefined || status === 204 || status === 304) return Buffer.alloc(0);
    if (status >= 300) return Buffer.from(JSON.stringify({ detail: STATUS_CODES[status] ?? "Error" }));
    return Buffer.from(JSON.stringify(sip));
}

/** `{"pad":"xxx…"}` of exactly `size` bytes, so a client's size cap, not its parser, is what refuses it. */
function generatedBody(size: number): Buffer {
    const wrapper = '{"pad":""}';
    if (size < wrapper.length) return Buffer.alloc(Math.max(0, size), "x");
    const body = Buffer.alloc(size, "x");
    body.write('{"pad":"', 0);
    body.write('"}', size - 2);
    return body;
}
