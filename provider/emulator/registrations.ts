/**
 * The emulated `/api/sip/registrations` endpoints: a cursor-paginated list, create (201), read,
 * PATCH and delete (204), answered as Django REST Framework does. The password is stored and
 * never served, as the API's is write-only.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { registrationInputSchema, registrationPatchSchema } from "../api/registrationSchema";
import { drfErrors } from "./drfErrors";
import type { EmulatorRegistration } from "./types";

export const REGISTRATIONS_PATH = "/api/sip/registrations";
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export interface Answer {
    status: number;
    body: unknown;
    headers?: Record<string, string>;
}

/** A registration as the API serves it: everything but the password. */
function served(registration: EmulatorRegistration): Record<string, unknown> {
    const { password: _writeOnly, ...rest } = registration;
    return { outboundProxy: null, authUser: null, successful: null, ...rest };
}

/** The request's JSON body, or the DRF answer for a body that is not JSON. */
export function jsonBody(req: IncomingMessage, body: Buffer): { input: unknown } | { answer: Answer } {
    if (body.length === 0) return { input: {} };
    const contentType = req.headers["content-type"] ?? "";
    if (contentType.split(";")[0]?.trim().toLowerCase() !== "application/json") {
        return { answer: { status: 415, body: { detail: `Unsupported media type "${contentType}" in request.` } } };
    }
    try {
        return { input: JSON.parse(body.toString("utf8")) };
    } catch (error) {
        // Not V8's message as is: it quotes the body, which could hold a secret.
        const position = /at position (\d+)/.exec((error as Error).message)?.[1];
        const where = position === undefined ? "" : ` (at position ${position})`;
        return { answer: { status: 400, body: { detail: `JSON parse error - the body is not valid JSON${where}` } } };
    }
}

export class RegistrationsEndpoint {
    constructor(
        private readonly registrations: () => EmulatorRegistration[],
        private readonly now: () => number,
        /** After every write: the SIP clients follow the registrations. */
        private readonly changed: () => void = () => undefined,
    ) {}

    route(req: IncomingMessage, method: string, path: string, body: Buffer): Answer {
        if (path === REGISTRATIONS_PATH || path === `${REGISTRATIONS_PATH}/`) {
            if (method === "GET" || method === "HEAD") return this.#list(req);
            if (method === "POST") return this.#create(req, body);
            return notAllowed(method, "GET, POST, HEAD");
        }
        const id = path.slice(REGISTRATIONS_PATH.length + 1).replace(/\/$/, "");
        const list = this.registrations();
        const index = list.findIndex((registration) => registration.registrationId === id);
        const found = list[index];
        if (!found) return { status: 404, body: { detail: "No SipRegistration matches the given query." } };
        if (method === "GET" || method === "HEAD") return { status: 200, body: served(found) };
        if (method === "PATCH") return this.#patch(req, body, found);
        if (method === "DELETE") {
            list.splice(index, 1);
            this.changed();
            return { status: 204, body: undefined };
        }
        return notAllowed(method, "GET, PATCH, DELETE, HEAD");
    }

    #list(req: IncomingMessage): Answer {
        const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
        const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(query.get("pageSize")) || DEFAULT_PAGE_SIZE));
        const cursor = query.get("cursor");
        const offset = cursor === null ? 0 : Number(Buffer.from(cursor, "base64url").toString("utf8"));
        if (!Number.isInteger(offset) || offset < 0) return { status: 404, body: { detail: "Invalid cursor" } };
        const list = this.registrations();
        const link = (at: number) =>
            `http://${req.headers.host ?? "127.0.0.1"}${REGISTRATIONS_PATH}?cursor=${Buffer.from(String(at)).toString("base64url")}&pageSize=${size}`;
        return {
            status: 200,
            body: {
                next: offset + size < list.length ? link(offset + size) : null,
                previous: offset > 0 ? link(Math.max(0, offset - size)) : null,
                total: list.length,
                results: list.slice(offset, offset + size).map(served),
            },
        };
    }

    #create(req: IncomingMessage, body: Buffer): Answer {
        const parsed = jsonBody(req, body);
        if ("answer" in parsed) return parsed.answer;
        const result = registrationInputSchema.safeParse(parsed.input);
        if (!result.success) return { status: 400, body: drfErrors(result.error.issues, parsed.input) };
        const registration: EmulatorRegistration = {
            registrationId: randomUUID(),
            created: new Date(this.now()).toISOString(),
            username: result.data.username,
            password: result.data.password,
            proxy: result.data.proxy,
            outboundProxy: result.data.outboundProxy ?? null,
            authUser: result.data.authUser ?? null,
        };
        this.registrations().push(registration);
        this.changed();
        return { status: 201, body: served(registration) };
    }

    #patch(req: IncomingMessage, body: Buffer, found: EmulatorRegistration): Answer {
        const parsed = jsonBody(req, body);
        if ("answer" in parsed) return parsed.answer;
        const result = registrationPatchSchema.safeParse(parsed.input);
        if (!result.success) return { status: 400, body: drfErrors(result.error.issues, parsed.input) };
        for (const [field, value] of Object.entries(result.data)) {
            if (value !== undefined) Object.assign(found, { [field]: value });
        }
        this.changed();
        return { status: 200, body: served(found) };
    }
}

function notAllowed(method: string, allow: string): Answer {
    return { status: 405, body: { detail: `Method "${method}" not allowed.` }, headers: { allow } };
}
