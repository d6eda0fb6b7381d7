/**
 * One HTTP exchange on Node's own `http`/`https`: the request, then the answer's status, headers
 * and body, read up to a cap. Nothing more: redirects are never followed (node:http never does),
 * and the deadline, the retries and what an answer means are the client's (client.ts, answers.ts).
 * Node's modules are already loaded in any process of the SDK's, where got took ~90 ms to load.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { RawResponse } from "./answers";

export interface Exchange {
    method: string;
    url: string;
    headers: Record<string, string>;
    /** Sent as is, with its Content-Length; none for a request without a body. */
    body?: string | undefined;
    /** Aborts the exchange wherever it is (connecting, waiting, reading the body). */
    signal: AbortSignal;
    maxBodyBytes: number;
    /** The error to fail with when the answer says, or turns out to be, over `maxBodyBytes`. */
    tooLarge: () => Error;
}

/** An error as Node gives them: a message and a string `code`, which the client classifies. */
function codedError(message: string, code: string): Error {
    return Object.assign(new Error(message), { code });
}

export function exchange(request: Exchange): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
        let settled = false;
        const fail = (error: Error) => {
            if (settled) return;
            settled = true;
            outgoing.destroy();
            reject(error);
        };
        const client = request.url.startsWith("https:") ? https : http;
        const headers: Record<string, string> = {
            // A compressed answer would need decoding (and a cap on what it decodes to): ask for none.
            "accept-encoding": "identity",
            ...request.headers,
            ...(request.body === undefined ? {} : { "content-length": String(Buffer.byteLength(request.body)) }),
        };
        const outgoing = client.request(request.url, { method: request.method, headers, signal: request.signal });
        /** Set once the answer's headers are in: what a failure from then on means depends on it. */
        let cutShort: ((error?: Error) => void) | undefined;
        outgoing.on("error", (error) => (cutShort ? cutShort(error) : fail(error)));
        outgoing.on("response", (response) => {
            const declared = response.headers["content-length"];
            const declaredBytes = declared === undefined ? undefined : Number(declared);
            if (declaredBytes !== undefined && declaredBytes > request.maxBodyBytes) {
                fail(request.tooLarge());
                return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            response.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > request.maxBodyBytes) {
                    fail(request.tooLarge());
                    return;
                }
                chunks.push(chunk);
            });
            response.on("end", () => {
                if (settled) return;
                settled = true;
                resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
            });
            // The connection closed or broke before the answer was whole: a body shorter than it
            // said is told as such (as got told it), whichever of the socket or the answer reports it.
            cutShort = (error?: Error) => {
                if (settled || response.complete) return;
                if (declaredBytes !== undefined && size !== declaredBytes && !request.signal.aborted) {
                    fail(
                        codedError(
                            `Content-Length mismatch: expected ${declaredBytes} bytes, received ${size} bytes`,
                            "ERR_HTTP_CONTENT_LENGTH_MISMATCH",
                        ),
                    );
                    return;
                }
                fail(error ?? codedError("aborted", "ECONNRESET"));
            };
            response.on("error", cutShort);
            response.on("close", () => cutShort?.());
        });
        if (request.body !== undefined) outgoing.write(request.body);
        outgoing.end();
    });
}
