/**
 * The emulator's SIP client against scripted registrars on loopback (a UDP socket this test
 * answers from): what a registrar may answer besides Kamailio's plain challenge. A proxy's
 * challenge (407), a stale nonce, a 423 with Min-Expires, a registrar that never answers (false,
 * then tried again), garbage and answers from another sender (ignored).
 */

import { createHash } from "node:crypto";
import * as dgram from "node:dgram";
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { account, TEST_API_KEY } from "../helpers/fixtures";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

interface Request {
    text: string;
    header(name: string): string | undefined;
}

/** A registrar that answers each REGISTER with what `answer` returns (the response's status line and extra headers), or nothing. */
class ScriptedRegistrar {
    readonly socket = dgram.createSocket("udp4");
    readonly requests: Request[] = [];
    constructor(private readonly answer: (request: Request, index: number) => string[] | undefined) {
        this.socket.on("message", (datagram, from) => {
            const text = datagram.toString("utf8");
            const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "mi").exec(text)?.[1]?.trim();
            const request = { text, header };
            this.requests.push(request);
            const lines = this.answer(request, this.requests.length - 1);
            if (!lines) return;
            const [status, ...extra] = lines;
            const response = [
                status,
                `Via: ${header("Via")}`,
                `From: ${header("From")}`,
                `To: ${header("To")};tag=registrar`,
                `Call-ID: ${header("Call-ID")}`,
                `CSeq: ${header("CSeq")}`,
                ...extra,
                "Content-Length: 0",
                "",
                "",
            ].join("\r\n");
            this.socket.send(response, from.port, from.address);
        });
    }
    async start(): Promise<number> {
        await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", () => resolve()));
        return this.socket.address().port;
    }
    close(): void {
        this.socket.close();
    }
}

/** The digest a request carries, checked as a registrar checks it (qop=auth). */
function digestIsRight(request: Request, headerName: string, realm: string, password: string): boolean {
    const value = request.header(headerName) ?? "";
    const field = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(value)?.[1] ?? "";
    const ha1 = md5(`${field("username")}:${realm}:${password}`);
    const ha2 = md5(`REGISTER:${field("uri")}`);
    return field("response") === md5(`${ha1}:${field("nonce")}:${field("nc")}:${field("cnonce")}:auth:${ha2}`);
}

describe("emulator SIP client: what registrars answer, scripted on loopback", function () {
    this.timeout(30_000);
    let emulator: Emulator;
    const registrars: ScriptedRegistrar[] = [];

    before(async () => {
        emulator = await startEmulator({
            account: account(),
            sip: { expiresSeconds: 60, retryMs: 300, transactionTimeoutMs: 1200 },
        });
    });
    after(async () => {
        await emulator?.close();
        for (const registrar of registrars) registrar.close();
    });
    beforeEach(() => emulator.replaceRegistrations([]));

    async function register(registrar: ScriptedRegistrar, fields: Record<string, unknown> = {}): Promise<string> {
        registrars.push(registrar);
        const port = await registrar.start();
        const answer = await fetch(`${emulator.url}/api/sip/registrations`, {
            method: "POST",
            headers: { "x-api-key": TEST_API_KEY, "content-type": "application/json" },
            body: JSON.stringify({ username: "uvx", password: "pw;\\$${x}", proxy: `127.0.0.1:${port}`, ...fields }),
        });
        expect(answer.status).to.equal(201);
        return ((await answer.json()) as { registrationId: string }).registrationId;
    }
    const successful = (id: string) =>
        emulator.account.registrations?.find((registration) => registration.registrationId === id)?.successful;
    async function until(check: () => boolean, what: string): Promise<void> {
        const deadline = Date.now() + 10_000;
        while (!check()) {
            if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }

    it("a proxy's challenge (407) is answered with Proxy-Authorization, as authUser", async () => {
        const registrar = new ScriptedRegistrar((request) => {
            if (!request.header("Proxy-Authorization")) {
                return [
                    "SIP/2.0 407 Proxy Authentication Required",
                    'Proxy-Authenticate: Digest realm="edge", nonce="n407", qop="auth"',
                ];
            }
            return digestIsRight(request, "Proxy-Authorization", "edge", "pw;\\$${x}")
                ? ["SIP/2.0 200 OK", `Contact: <sip:uvx@127.0.0.1:1>;expires=60`]
                : ["SIP/2.0 403 Forbidden"];
        });
        const id = await register(registrar, { authUser: "uvx-auth" });
        await until(() => successful(id) === true, "successful true");
        const [first, second] = registrar.requests;
        expect(first?.header("Proxy-Authorization")).to.equal(undefined);
        expect(second?.header("Proxy-Authorization")).to.match(
            /^Digest username="uvx-auth", realm="edge", nonce="n407", uri="sip:127\.0\.0\.1:\d+", response="[0-9a-f]{32}", algorithm=MD5, cnonce="[0-9a-f]{32}", qop=auth, nc=00000001$/,
        );
        expect(second?.header("From")).to.match(/^<sip:uvx@127\.0\.0\.1>;tag=/);
        expect(second?.header("CSeq")).to.equal("2 REGISTER");
    });

    it("a stale nonce is answered again with the new one; a second plain challenge is a refusal (false)", async () => {
        let challenges = 0;
        const stale = new ScriptedRegistrar((request) => {
            if (!request.header("Authorization") || challenges === 1) {
                challenges++;
                return [
                    "SIP/2.0 401 Unauthorized",
                    `WWW-Authenticate: Digest realm="pbx", nonce="n${challenges}", qop="auth"${challenges === 2 ? ", stale=true" : ""}`,
                ];
            }
            return ["SIP/2.0 200 OK"];
        });
        const staleId = await register(stale);
        await until(() => successful(staleId) === true, "successful true after a stale nonce");
        expect(stale.requests).to.have.length(3);

        const refusing = new ScriptedRegistrar(() => [
            "SIP/2.0 401 Unauthorized",
            'WWW-Authenticate: Digest realm="pbx", nonce="n"',
        ]);
        const refusedId = await register(refusing);
        await until(() => successful(refusedId) === false, "successful false");
        // Challenged, answered, challenged again: no third try in that attempt.
        expect(refusing.requests.length).to.be.greaterThanOrEqual(2);
        expect(refusing.requests[1]?.header("Authorization")).to.match(
            /^Digest username="uvx", realm="pbx", nonce="n", uri=".*", response="[0-9a-f]{32}", algorithm=MD5$/,
        );
    });

    it("423 with Min-Expires: asks again for that long", async () => {
        const registrar = new ScriptedRegistrar((request) =>
            request.header("Expires") === "60"
                ? ["SIP/2.0 423 Interval Too Brief", "Min-Expires: 120"]
                : ["SIP/2.0 200 OK", "Expires: 120"],
        );
        const id = await register(registrar);
        await until(() => successful(id) === true, "successful true");
        expect(registrar.requests.map((request) => request.header("Expires"))).to.deep.equal(["60", "120"]);
    });

    it("no answer: retransmitted, then false at the transaction timeout, then tried again after retryMs", async () => {
        const registrar = new ScriptedRegistrar(() => undefined);
        const id = await register(registrar);
        await until(() => successful(id) === false, "successful false");
        const firstAttempt = registrar.requests.length;
        // 500 ms then 1000 ms: sent at 0, 0.5 s (and 1.5 s is past the 1.2 s timeout).
        expect(firstAttempt).to.equal(2);
        expect(new Set(registrar.requests.map((request) => request.header("Via"))).size).to.equal(1);
        await until(() => registrar.requests.length > firstAttempt, "the next attempt");
    });

    it("ignores garbage and answers from another sender; the registrar's own answer counts", async () => {
        const intruder = dgram.createSocket("udp4");
        await new Promise<void>((resolve) => intruder.bind(0, "127.0.0.1", () => resolve()));
        let forged = false;
        const registrar = new ScriptedRegistrar((request) => {
            if (!forged) {
                forged = true;
                // A 200 from another port, and junk from the registrar itself, before the real answer.
                const via = request.header("Via") ?? "";
                const port = Number(/127\.0\.0\.1:(\d+)/.exec(via)?.[1]);
                const fake = `SIP/2.0 200 OK\r\nVia: ${via}\r\nCall-ID: ${request.header("Call-ID")}\r\nCSeq: ${request.header("CSeq")}\r\n\r\n`;
                intruder.send(fake, port, "127.0.0.1");
                registrar.socket.send(Buffer.alloc(20_000, 0x41), port, "127.0.0.1");
                return ["SIP/2.0 403 Forbidden"];
            }
            return ["SIP/2.0 403 Forbidden"];
        });
        const id = await register(registrar);
        await until(() => successful(id) === false, "successful false");
        intruder.close();
    });
});
