/**
 * One registration's SIP client, as Ultravox runs it: REGISTERs over UDP from 127.0.0.1 as the
 * registration's user, answers the registrar's digest challenge with the password, refreshes the
 * binding before the registrar lets it expire, tries again later after a failure, and can take
 * the binding back (`Expires: 0`). It reports each outcome: whether the registration is active.
 */
import { randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import type { Clock, ClockTimer } from "../../core/clock";
import { digestAuthorization, parseChallenge } from "./digest";
import {
    branchOf,
    cseqOf,
    grantedExpires,
    header,
    parseResponse,
    type RegisterRequest,
    registerMessage,
    type SipResponse,
} from "./message";
import { type RegisterTarget, sipUser } from "./target";

export interface RegistrantOptions {
    username: string;
    /** The digest user, when it differs from `username`. */
    authUser: string | null;
    password: string;
    target: RegisterTarget;
    clock: Clock;
    /** What each REGISTER asks for. */
    expiresSeconds: number;
    /** How long after a failure it tries again. */
    retryMs: number;
    /** How long one REGISTER waits for its final answer, retransmissions included. */
    transactionTimeoutMs: number;
    /** Each outcome: true once the registrar took the binding, false when it refused or never answered. */
    onStatus: (successful: boolean) => void;
}

/** RFC 3261's T1 and T2: a request is sent again after 500 ms, doubling up to 4 s. */
const T1_MS = 500;
const T2_MS = 4000;
/** A registrar that keeps challenging is refusing: at most this many requests per attempt. */
const MAX_REQUESTS_PER_ATTEMPT = 4;

const token = () => randomBytes(8).toString("hex");

interface Pending {
    cseq: number;
    resolve: (response: SipResponse | undefined) => void;
}

export class SipRegistrant {
    readonly #options: RegistrantOptions;
    readonly #socket = dgram.createSocket("udp4");
    readonly #callId = `${token()}@127.0.0.1`;
    readonly #fromTag = token();
    readonly #pending = new Map<string, Pending>();
    readonly #timers = new Set<ClockTimer>();
    #cseq = 0;
    #port = 0;
    /** Until stop(): outcomes are reported and the next REGISTER scheduled. */
    #running = true;
    #registered = false;
    #closed = false;

    constructor(options: RegistrantOptions) {
        this.#options = options;
        this.#socket.on("message", (datagram, from) => {
            // Only the registrar it sends to answers: any other sender is ignored.
            if (from.address === options.target.address && from.port === options.target.port) this.#receive(datagram);
        });
        // A send to a closed port comes back as an error on some systems: the timeout reports it.
        this.#socket.on("error", () => undefined);
    }

    /** Binds to 127.0.0.1 and sends the first REGISTER (nothing once stopped or aborted). */
    async start(): Promise<void> {
        if (!this.#running || this.#closed) return;
        await new Promise<void>((resolve, reject) => {
            this.#socket.once("error", reject);
            this.#socket.bind(0, "127.0.0.1", () => {
                this.#socket.off("error", reject);
                resolve();
            });
        });
        this.#port = this.#socket.address().port;
        void this.#register();
    }

    /** Stops refreshing; with `unregister`, first takes the binding back from the registrar. */
    async stop(unregister: boolean): Promise<void> {
        if (!this.#running) return;
        this.#running = false;
        for (const timer of this.#timers) this.#options.clock.clearTimeout(timer);
        this.#timers.clear();
        if (unregister && this.#registered && !this.#closed) await this.#attempt(0).catch(() => undefined);
        this.#close();
    }

    /** Stops at once: no un-REGISTER, a pending REGISTER dropped. */
    abort(): void {
        this.#running = false;
        for (const timer of this.#timers) this.#options.clock.clearTimeout(timer);
        this.#timers.clear();
        this.#close();
    }

    #close(): void {
        if (this.#closed) return;
        this.#closed = true;
        for (const pending of this.#pending.values()) pending.resolve(undefined);
        this.#pending.clear();
        this.#socket.close();
    }

    #later(ms: number, run: () => void): void {
        if (!this.#running) return;
        const timer = this.#options.clock.setTimeout(() => {
            this.#timers.delete(timer);
            run();
        }, ms);
        this.#timers.add(timer);
    }

    async #register(): Promise<void> {
        const granted = await this.#attempt(this.#options.expiresSeconds).catch(() => undefined);
        if (!this.#running) return;
        this.#registered = granted !== undefined && granted > 0;
        this.#options.onStatus(this.#registered);
        if (granted !== undefined && granted > 0) {
            // Refreshed halfway through what the registrar granted, well before it expires.
            this.#later(Math.max(1000, (granted * 1000) / 2), () => void this.#register());
        } else {
            this.#later(this.#options.retryMs, () => void this.#register());
        }
    }

    /** One REGISTER with its challenge answered: the seconds granted (0 for an un-REGISTER), or undefined when refused. */
    async #attempt(expires: number): Promise<number | undefined> {
        const { target, username, authUser, password } = this.#options;
        const domainPart = target.domainPort === undefined ? target.domain : `${target.domain}:${target.domainPort}`;
        const requestUri = `sip:${domainPart}`;
        const contact = `sip:${sipUser(username)}@127.0.0.1:${this.#port}`;
        let authorization: RegisterRequest["authorization"];
        let asked = expires;
        let authenticated = false;
        for (let request = 0; request < MAX_REQUESTS_PER_ATTEMPT; request++) {
            const response = await this.#transaction({
                requestUri,
                addressOfRecord: `sip:${sipUser(username)}@${target.domain}`,
                contact,
                sentBy: `127.0.0.1:${this.#port}`,
                branch: `z9hG4bK${token()}`,
                fromTag: this.#fromTag,
                callId: this.#callId,
                cseq: ++this.#cseq,
                expires: asked,
                ...(authorization ? { authorization } : {}),
            });
            if (!response) return undefined;
            if (response.status >= 200 && response.status < 300) {
                return expires === 0 ? 0 : (grantedExpires(response, contact) ?? asked);
            }
            if (response.status === 401 || response.status === 407) {
                const www = response.status === 401;
                const challenge = parseChallenge(
                    header(response, www ? "www-authenticate" : "proxy-authenticate") ?? "",
                );
                // Challenged again after answering, and not for a stale nonce: the password was refused.
                if (!challenge || (authenticated && !challenge.stale)) return undefined;
                authenticated = true;
                authorization = {
                    name: www ? "Authorization" : "Proxy-Authorization",
                    value: digestAuthorization(challenge, {
                        username: authUser ?? username,
                        password,
                        method: "REGISTER",
                        uri: requestUri,
                        nonceCount: 1,
                    }),
                };
                continue;
            }
            const minExpires = /^\d{1,9}$/.exec(header(response, "min-expires") ?? "")?.[0];
            if (response.status === 423 && minExpires !== undefined && Number(minExpires) > asked) {
                asked = Math.min(Number(minExpires), 86_400);
                continue;
            }
            return undefined;
        }
        return undefined;
    }

    /** Sends a REGISTER, again on T1's schedule, until its final answer or the timeout (undefined). */
    #transaction(request: RegisterRequest): Promise<SipResponse | undefined> {
        if (this.#closed) return Promise.resolve(undefined);
        const { clock, target, transactionTimeoutMs } = this.#options;
        const datagram = Buffer.from(registerMessage(request), "utf8");
        return new Promise((resolve) => {
            const timers: ClockTimer[] = [];
            const done = (response: SipResponse | undefined) => {
                for (const timer of timers) clock.clearTimeout(timer);
                this.#pending.delete(request.branch);
                resolve(response);
            };
            this.#pending.set(request.branch, { cseq: request.cseq, resolve: done });
            const send = (interval: number) => {
                if (this.#closed || !this.#pending.has(request.branch)) return;
                this.#socket.send(datagram, target.port, target.address);
                timers.push(clock.setTimeout(() => send(Math.min(interval * 2, T2_MS)), interval));
            };
            timers.push(clock.setTimeout(() => done(undefined), transactionTimeoutMs));
            send(T1_MS);
        });
    }

    /** A datagram: the final answer of a pending REGISTER (same branch, Call-ID and CSeq), else ignored. */
    #receive(datagram: Buffer): void {
        const response = parseResponse(datagram);
        if (!response || response.status < 200) return;
        const branch = branchOf(response);
        const pending = branch === undefined ? undefined : this.#pending.get(branch);
        const cseq = cseqOf(response);
        if (!pending || header(response, "call-id") !== this.#callId) return;
        if (cseq?.method !== "REGISTER" || cseq.number !== pending.cseq) return;
        pending.resolve(response);
    }
}
