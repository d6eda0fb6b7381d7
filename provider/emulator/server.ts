/**
 * A stand-in for https://api.ultravox.ai's SIP endpoints (`GET`/`PATCH /api/sip`, and the SIP
 * registrations under `/api/sip/registrations`), for tests and
 * demos. Answers like Django REST Framework does, and can be told to misbehave (see `EmulatorFault`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { describeIssues, sipConfigPatchSchema, sipConfigSchema } from "../api/schema";
import { type Clock, type ClockTimer, systemClock } from "../core/clock";
import { drfErrors } from "./drfErrors";
import { checkFault, faultBody, RESPONSE_FIELDS } from "./faults";
import { type Answer, jsonBody, REGISTRATIONS_PATH, RegistrationsEndpoint } from "./registrations";
import { SipRegistrar } from "./sipRegistrar";
import type {
    Emulator,
    EmulatorAccount,
    EmulatorFault,
    EmulatorOptions,
    EmulatorRegistration,
    EmulatorSipConfig,
    RecordedRequest,
} from "./types";

const MAX_REQUEST_BYTES = 1024 * 1024;
const DEFAULT_MAX_RECORDED_REQUESTS = 1000;
/** A SIP config PATCH is a few KiB; more is kept only in part. */
const MAX_RECORDED_BODY_CHARS = 64 * 1024;
const CONTROL_PATH = "/_emulator/faults";

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
    let account: EmulatorAccount;
    if (typeof options.account === "string") {
        account = await readAccount(options.account);
    } else {
        account = options.account;
        checkAccount(account, "The account");
    }
    const emulator = new EmulatorServer(structuredClone(account), options);
    await emulator.listen(options.port ?? 0, options.host ?? "127.0.0.1");
    emulator.startSip();
    return emulator;
}

/**
 * An account file, read and checked as the API's answer would be: a file is what a person writes
 * by hand, so a missing one or a missing field is named here, not blamed on the API later.
 * (An account given as an object is left as it is: tests serve invalid configs on purpose.)
 */
async function readAccount(file: string): Promise<EmulatorAccount> {
    let text: string;
    try {
        text = await readFile(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why =
            code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder" : `cannot be read (${code})`;
        throw new Error(`The account file ${file} ${why}; --help shows the account format, or use --sample.`);
    }
    let account: EmulatorAccount;
    try {
        account = JSON.parse(text) as EmulatorAccount;
    } catch {
        // JSON.parse quotes the text around the error, which may be a key.
        throw new Error(`The account file ${file} is not valid JSON.`);
    }
    checkAccount(account, `The account file ${file}`);
    const result = sipConfigSchema.safeParse(account.sip);
    if (!result.success) {
        // Paths and rules only (describeIssues): the file's values may be keys or secrets.
        const fields = describeIssues(result.error.issues).map((issue) => `sip.${issue}`);
        throw new Error(`The account file ${file} is not an account the API could serve: ${fields.join("; ")}.`);
    }
    return account;
}

function checkAccount(account: EmulatorAccount, what: string): void {
    const keys = account?.apiKeys;
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((key) => typeof key === "string" && key !== "")) {
        throw new Error(`${what} needs "apiKeys": a non-empty array of non-empty strings.`);
    }
    const sip = account.sip as unknown;
    if (typeof sip !== "object" || sip === null || typeof (sip as { domain?: unknown }).domain !== "string") {
        throw new Error(`${what} needs "sip": an object with a string "domain".`);
    }
}
const sha256 = (text: string) => createHash("sha256").update(text).digest();

class EmulatorServer implements Emulator {
    readonly requests: RecordedRequest[] = [];
    port = 0;
    url = "";
    #account: EmulatorAccount;
    #keyHashes: Buffer[];
    #faults: { fault: EmulatorFault; left: number }[] = [];
    #sockets = new Set<Socket>();
    /** Pending delays, each with the clock it runs on. */
    #timers = new Map<ClockTimer, Clock>();
    #closed = false;
    readonly #server = createServer((req, res) => {
        this.#handle(req, res).catch((error: unknown) => {
            this.#log(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
            if (!res.headersSent) send(res, 500, { detail: "A server error occurred." });
            else res.destroy();
        });
    });
    readonly #options: EmulatorOptions;
    /** What the faults' delays run on. */
    readonly #clock: Clock;
    /** The SIP clients of the registrations with a loopback proxy. */
    readonly #sip: SipRegistrar;

    constructor(account: EmulatorAccount, options: EmulatorOptions) {
        this.#account = account;
        this.#keyHashes = account.apiKeys.map(sha256);
        this.#options = options;
        this.#clock = options.clock ?? systemClock;
        this.#sip = new SipRegistrar(() => this.#account.registrations ?? [], this.#clock, options.sip);
        this.#server.on("connection", (socket) => {
            this.#sockets.add(socket);
            socket.once("close", () => this.#sockets.delete(socket));
        });
    }

    listen(port: number, host: string): Promise<void> {
        return new Promise((resolve, reject) => {
            this.#server.once("error", reject);
            this.#server.listen(port, host, () => {
                this.#server.off("error", reject);
                this.port = (this.#server.address() as AddressInfo).port;
                this.url = `http://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
                resolve();
            });
        });
    }

    get account(): EmulatorAccount {
        return structuredClone(this.#account);
    }

    get pendingFaults(): number {
        return this.#faults.reduce((sum, entry) => sum + entry.left, 0);
    }

    addFault(fault: EmulatorFault): void {
        checkFault(fault);
        this.#faults.push({ fault, left: fault.times ?? 1 });
    }

    clearFaults(): void {
        this.#faults = [];
    }

    clearRequests(): void {
        this.requests.length = 0;
    }

    #record(record: RecordedRequest): void {
        const limit = this.#options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS;
        this.requests.push(record);
        if (this.requests.length > limit) this.requests.splice(0, this.requests.length - limit);
    }

    replaceSip(sip: EmulatorSipConfig): void {
        this.#account.sip = structuredClone(sip);
    }

    replaceRegistrations(registrations: EmulatorRegistration[]): void {
        this.#account.registrations = structuredClone(registrations);
        this.#sip.sync();
    }

    /** Starts the SIP clients of the registrations the account starts with. */
    startSip(): void {
        this.#sip.sync();
    }

    #registrationList(): EmulatorRegistration[] {
        this.#account.registrations ??= [];
        return this.#account.registrations;
    }

    readonly #registrations = new RegistrationsEndpoint(
        () => this.#registrationList(),
        () => this.#clock.now(),
        () => this.#sip.sync(),
    );

    async close(): Promise<void> {
        await this.#sip.close();
        this.#closed = true;
        for (const [timer, clock] of this.#timers) clock.clearTimeout(timer);
        this.#timers.clear();
        const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
        for (const socket of this.#sockets) socket.destroy();
        return closed;
    }

    #log(line: string): void {
        this.#options.log?.(line);
    }

    /** A fault's delay, on the emulator's clock; close() cancels it and the awaiting handler is dropped. */
    #sleep(ms: number, clock: Clock = this.#clock): Promise<void> {
        return new Promise((resolve) => {
            const timer = clock.setTimeout(() => {
                this.#timers.delete(timer);
                resolve();
            }, ms);
            this.#timers.set(timer, clock);
        });
    }

    #keyMatches(key: string | undefined): boolean {
        if (!key) return false;
        const hash = sha256(key);
        // Hashes have one length, so timingSafeEqual applies, and no key leaks by timing.
        return this.#keyHashes.some((known) => timingSafeEqual(known, hash));
    }

    #takeFault(method: string, path: string): EmulatorFault | undefined {
        const index = this.#faults.findIndex(
            (entry) =>
                (!entry.fault.method || entry.fault.method === method) &&
                (!entry.fault.path || path.startsWith(entry.fault.path)),
        );
        const entry = this.#faults[index];
        if (!entry) return undefined;
        entry.left -= 1;
        if (entry.left === 0) this.#faults.splice(index, 1);
        return entry.fault;
    }

    async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = req.method ?? "GET";
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        if (this.#options.controlApi && path === CONTROL_PATH) {
            await this.#control(req, res, method);
            return;
        }
        const header = req.headers["x-api-key"];
        const key = Array.isArray(header) ? header[0] : header;
        const record: RecordedRequest = {
            method,
            path,
            headers: req.headers,
            apiKeyPresent: key !== undefined,
            apiKeyValid: this.#keyMatches(key),
            body: "",
            fault: false,
        };
        this.#record(record);
        res.once("finish", () => {
            record.status = res.statusCode;
            this.#log(`${method} ${path} ${res.statusCode}${record.fault ? " (fault)" : ""}`);
        });

        const body = await readBody(req);
        if (body === undefined) {
            send(res, 413, { detail: "Request body too large." });
            return;
        }
        // An unauthenticated sender's bytes are never kept: anyone could fill the memory with them.
        if (record.apiKeyValid) record.body = body.subarray(0, MAX_RECORDED_BODY_CHARS).toString("utf8");

        const fault = this.#takeFault(method, path);
        if (fault) {
            record.fault = true;
            await fault.before?.(this);
            if (fault.delayMs) await this.#sleep(fault.delayMs);
            if (this.#closed) return;
            if (fault.hang) {
                this.#log(`${method} ${path} hanging (fault)`);
                return;
            }
            if (RESPONSE_FIELDS.some((field) => fault[field] !== undefined)) {
                await this.#sendFault(res, fault, record);
                return;
            }
        }
        // The answer is computed (a PATCH applied) before any answerDelayMs, as a slow server would.
        const answer = this.#route(req, record, body);
        if (fault?.resetAfterApply) {
            res.socket?.resetAndDestroy();
            this.#log(`${method} ${path} applied, then reset (fault)`);
            return;
        }
        if (fault?.answerDelayMs) await this.#sleep(fault.answerDelayMs);
        if (this.#closed || res.destroyed) return;
        send(res, answer.status, answer.body, answer.headers);
    }

    #route(req: IncomingMessage, record: RecordedRequest, body: Buffer): Answer {
        const { method, path } = record;
        // Django resolves the URL before authenticating; DRF authenticates before checking the method.
        const registrations = path === REGISTRATIONS_PATH || path.startsWith(`${REGISTRATIONS_PATH}/`);
        if (path !== "/api/sip" && !registrations) return { status: 404, body: { detail: "Not found." } };
        if (!record.apiKeyValid) return { status: 401, body: { detail: "Invalid API key." } };
        if (registrations) return this.#registrations.route(req, method, path, body);
        if (method === "GET" || method === "HEAD") return { status: 200, body: structuredClone(this.#account.sip) };
        if (method === "PATCH") return this.#patch(req, body);
        return {
            status: 405,
            body: { detail: `Method "${method}" not allowed.` },
            headers: { allow: "GET, HEAD, PATCH" },
        };
    }

    #patch(req: IncomingMessage, body: Buffer): Answer {
        const parsed = jsonBody(req, body);
        if ("answer" in parsed) return parsed.answer;
        const input = parsed.input;
        const result = sipConfigPatchSchema.safeParse(input);
        if (!result.success) return { status: 400, body: drfErrors(result.error.issues, input) };
        // Arrays replace; `domain` and unknown fields were dropped by the schema, as DRF ignores them.
        const sip = this.#account.sip as unknown as Record<string, unknown>;
        for (const [field, value] of Object.entries(result.data)) {
            if (value !== undefined) sip[field] = value;
        }
        return { status: 200, body: structuredClone(this.#account.sip) };
    }

    async #sendFault(res: ServerResponse, fault: EmulatorFault, record: RecordedRequest): Promise<void> {
        const status = fault.status ?? (fault.redirectTo ? 302 : 200);
        const body = faultBody(fault, status, this.#account.sip);
        const headers: Record<string, string> = {};
        const contentType =
            fault.contentType ?? (fault.redirectTo && body.length === 0 ? undefined : "application/json");
        if (contentType !== undefined) headers["content-type"] = contentType;
        if (!fault.chunked) headers["content-length"] = String(body.length);
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.redirectTo !== undefined) headers.location = fault.redirectTo;
        Object.assign(headers, fault.headers);
        res.writeHead(status, headers);
        // Set now: a stalled or reset answer never finishes.
        record.status = status;

        if (fault.stallAfterHeaders) {
            res.flushHeaders();
            this.#log(`${record.method} ${record.path} ${status} stalled (fault)`);
            return;
        }
        if (fault.resetAfterBytes !== undefined) {
            await new Promise<void>((resolve) => res.write(body.subarray(0, fault.resetAfterBytes), () => resolve()));
            // Let the bytes reach the client before the RST, which would discard them: real time
            // for real sockets, whatever the faults' clock.
            await this.#sleep(50, systemClock);
            const socket = res.socket;
            if (socket && !socket.destroyed) socket.resetAndDestroy();
            this.#log(`${record.method} ${record.path} ${status} reset after ${fault.resetAfterBytes} bytes (fault)`);
            return;
        }
        if (fault.chunkDelayMs === undefined) {
            res.end(body);
            return;
        }
        const size = Math.max(1, fault.chunkBytes ?? 16 * 1024);
        for (let offset = 0; offset < body.length; offset += size) {
            if (offset > 0) await this.#sleep(fault.chunkDelayMs);
            if (this.#closed || res.destroyed) return;
            res.write(body.subarray(offset, offset + size));
        }
        res.end();
    }

    async #control(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
        if (method === "DELETE") {
            this.clearFaults();
            res.writeHead(204).end();
            return;
        }
        if (method !== "POST") {
            send(res, 405, { detail: `Method "${method}" not allowed.` }, { allow: "POST, DELETE" });
            return;
        }
        const body = await readBody(req);
        try {
            const fault = JSON.parse(body?.toString("utf8") ?? "") as EmulatorFault;
            if (typeof fault !== "object" || fault === null || Array.isArray(fault))
                throw new TypeError("not an object");
            delete fault.before;
            this.addFault(fault);
        } catch (error) {
            send(res, 400, { detail: `Invalid fault: ${(error as Error).message}` });
            return;
        }
        send(res, 201, { pendingFaults: this.pendingFaults });
    }
}

function send(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    if (status === 204) {
        res.writeHead(204, headers).end();
        return;
    }
    const body = Buffer.from(JSON.stringify(value));
    res.writeHead(status, { "content-type": "application/json", "content-length": String(body.length), ...headers });
    res.end(body);
}

/** The whole body, or undefined when it is over the cap. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_REQUEST_BYTES) return undefined;
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
}
