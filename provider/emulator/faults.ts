/**
 * Faults: how a test tells the emulator to misbehave (a status, a delay, a bad body, a hang,
 * a reset), and the answer a fault makes in place of the API's.
 */
import { STATUS_CODES } from "node:http";
import type { EmulatorFault, EmulatorSipConfig } from "./types";

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
