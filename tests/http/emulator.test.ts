import { mkdtempSync, writeFileSync } from "node:fs";
import { get, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type Emulator, type EmulatorAccount, type EmulatorSipConfig, startEmulator } from "pulumi-ultravox/emulator";
import { FakeClock, isPending, until } from "../helpers/fakeClock";
import { AGENT_A, AGENT_B, fromJavaScript } from "../helpers/fixtures";
import { type StartedProcess, start } from "../helpers/process";
import { DIST_DIR, REPO_ROOT } from "../helpers/repo";

const SAMPLE_ACCOUNT = join(REPO_ROOT, "examples/accounts/sample-account.json");
const CLI = join(DIST_DIR, "emulator/main.js");
const SAMPLE_KEY = "demo1234.demodemodemodemodemodemodemodemo";

const KEY = "t3stk3y0.abcdefghijklmnopqrstuvwxyz012345";
const WRONG_KEY = "wr0ngk3y.zyxwvutsrqponmlkjihgfedcba543210";

function sip(): EmulatorSipConfig {
    return {
        domain: "acme-test.sip.ultravox.invalid",
        allowedCidrRanges: ["203.0.113.0/24", "198.51.100.7/24", "203.0.113.0/24"],
        allowAllAgents: false,
        allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
        fallbackHandler: {
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
        },
    };
}

function account(): EmulatorAccount {
    return { apiKeys: [KEY], sip: sip() };
}

interface Answer {
    status: number;
    headers: Headers;
    text: string;
    json: unknown;
}

async function call(
    emulator: Emulator,
    method: string,
    path: string,
    options: { key?: string | null; body?: string; contentType?: string } = {},
): Promise<Answer> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? KEY : options.key;
    if (key !== null) headers["x-api-key"] = key;
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
    const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers,
        redirect: "manual",
        ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
}

function patch(emulator: Emulator, body: unknown): Promise<Answer> {
    return call(emulator, "PATCH", "/api/sip", { body: JSON.stringify(body), contentType: "application/json" });
}

/** A GET with node:http, which shows what arrived before a connection broke. */
function rawGet(
    emulator: Emulator,
): Promise<{ response: IncomingMessage; received: () => Buffer; ended: Promise<Error | null> }> {
    return new Promise((resolvePromise, reject) => {
        const request = get(`${emulator.url}/api/sip`, { headers: { "x-api-key": KEY } }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            const ended = new Promise<Error | null>((done) => {
                response.on("end", () => done(null));
                response.on("error", (error) => done(error));
            });
            resolvePromise({ response, received: () => Buffer.concat(chunks), ended });
        });
        request.on("error", reject);
    });
}

describe("emulator: the SIP API", () => {
    let emulator: Emulator;
    let logLines: string[];

    beforeEach(async () => {
        logLines = [];
        emulator = await startEmulator({ account: account(), log: (line) => logLines.push(line) });
    });
    afterEach(() => emulator.close());

    it("listens on a free loopback port", () => {
        expect(emulator.port).to.be.greaterThan(0);
        expect(emulator.url).to.equal(`http://127.0.0.1:${emulator.port}`);
    });

    it("GET /api/sip answers the config as JSON and records the request", async () => {
        const answer = await call(emulator, "GET", "/api/sip");
        expect(answer.status).to.equal(200);
        expect(answer.headers.get("content-type")).to.equal("application/json");
        expect(answer.json).to.deep.equal(sip());
        expect(emulator.requests).to.have.length(1);
        const [recorded] = emulator.requests;
        expect(recorded).to.include({
            method: "GET",
            path: "/api/sip",
            apiKeyPresent: true,
            apiKeyValid: true,
            fault: false,
            status: 200,
            body: "",
        });
        expect(recorded?.headers["x-api-key"]).to.equal(KEY);
        expect(logLines).to.deep.equal(["GET /api/sip 200"]);
    });

    it("answers 401 without a key and with a wrong one, never echoing the key", async () => {
        const missing = await call(emulator, "GET", "/api/sip", { key: null });
        const wrong = await call(emulator, "GET", "/api/sip", { key: WRONG_KEY });
        const wrongPatch = await call(emulator, "PATCH", "/api/sip", {
            key: WRONG_KEY,
            body: '{"allowAllAgents": true}',
            contentType: "application/json",
        });
        for (const answer of [missing, wrong, wrongPatch]) {
            expect(answer.status).to.equal(401);
            expect(answer.headers.get("content-type")).to.equal("application/json");
            expect(answer.json).to.deep.equal({ detail: "Invalid API key." });
        }
        expect(wrong.text).to.not.contain(WRONG_KEY);
        expect(emulator.requests.map((r) => [r.apiKeyPresent, r.apiKeyValid])).to.deep.equal([
            [false, false],
            [true, false],
            [true, false],
        ]);
        expect(emulator.account.sip).to.deep.equal(sip());
        expect(logLines.join("\n")).to.not.contain(WRONG_KEY).and.not.contain(KEY);
    });

    it("answers 404 for other paths, with or without a key", async () => {
        for (const path of ["/api/other", "/api/sip/", "/", "/api/sip/registrationsx", "/api/sip/other"]) {
            const answer = await call(emulator, "GET", path, { key: null });
            expect(answer.status, path).to.equal(404);
            expect(answer.json).to.deep.equal({ detail: "Not found." });
        }
    });

    it("answers 405 for other methods on /api/sip, after authentication", async () => {
        for (const method of ["POST", "PUT", "DELETE"]) {
            const answer = await call(emulator, method, "/api/sip");
            expect(answer.status, method).to.equal(405);
            expect(answer.headers.get("allow")).to.equal("GET, HEAD, PATCH");
            expect(answer.json).to.deep.equal({ detail: `Method "${method}" not allowed.` });
        }
        expect((await call(emulator, "POST", "/api/sip", { key: null })).status).to.equal(401);
    });

    it("PATCH changes only the given fields, ignores domain, and answers the full config", async () => {
        const answer = await patch(emulator, { allowAllAgents: true, domain: "evil.invalid", unknownField: 1 });
        const expected = { ...sip(), allowAllAgents: true };
        expect(answer.status).to.equal(200);
        expect(answer.headers.get("content-type")).to.equal("application/json");
        expect(answer.json).to.deep.equal(expected);
        expect((await call(emulator, "GET", "/api/sip")).json).to.deep.equal(expected);
        expect(emulator.account.sip).to.deep.equal(expected);
        expect(emulator.requests[0]?.body).to.equal(
            JSON.stringify({ allowAllAgents: true, domain: "evil.invalid", unknownField: 1 }),
        );
    });

    it("PATCH replaces arrays and can set fallbackHandler to null", async () => {
        const answer = await patch(emulator, {
            allowedCidrRanges: ["192.0.2.0/24"],
            allowedAgents: [{ agentId: AGENT_A, toUserPattern: "^sales$" }],
            fallbackHandler: null,
        });
        expect(answer.status).to.equal(200);
        expect(answer.json).to.deep.equal({
            domain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["192.0.2.0/24"],
            allowAllAgents: false,
            allowedAgents: [{ agentId: AGENT_A, toUserPattern: "^sales$" }],
            fallbackHandler: null,
        });
    });

    it("PATCH with an empty body changes nothing", async () => {
        const answer = await call(emulator, "PATCH", "/api/sip");
        expect(answer.status).to.equal(200);
        expect(answer.json).to.deep.equal(sip());
    });

    it("PATCH accepts the limits exactly: 20 agents, 200-char patterns, 10 secrets of 120 chars", async () => {
        const agents = Array.from({ length: 20 }, (_, index) => ({
            agentId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
            toUserPattern: "p".repeat(200),
        }));
        const handler = {
            url: "https://pbx.example.com/hook",
            secrets: Array.from({ length: 10 }, () => "s".repeat(120)),
        };
        const answer = await patch(emulator, { allowedAgents: agents, fallbackHandler: handler });
        expect(answer.status).to.equal(200);
        expect(emulator.account.sip.allowedAgents).to.deep.equal(agents);
        expect(emulator.account.sip.fallbackHandler).to.deep.equal(handler);
    });

    const invalidPatches: [string, unknown, unknown][] = [
        [
            "a bad UUID",
            { allowedAgents: [{ agentId: "not-a-uuid" }] },
            { allowedAgents: { "0": { agentId: ["Must be a valid UUID."] } } },
        ],
        [
            "a missing agentId",
            { allowedAgents: [{ toUserPattern: "^x$" }] },
            { allowedAgents: { "0": { agentId: ["This field is required."] } } },
        ],
        [
            "21 agents",
            { allowedAgents: Array.from({ length: 21 }, () => ({ agentId: AGENT_A })) },
            { allowedAgents: ["Ensure this field has no more than 20 elements."] },
        ],
        [
            "a bad CIDR",
            { allowedCidrRanges: ["203.0.113.0/24", "10.0.0.1/33"] },
            { allowedCidrRanges: { "1": ["Enter a valid IPv4 CIDR range."] } },
        ],
        [
            "0 secrets",
            { fallbackHandler: { url: "https://pbx.example.com/hook", secrets: [] } },
            { fallbackHandler: { secrets: ["Ensure this field has at least 1 elements."] } },
        ],
        [
            "11 secrets",
            {
                fallbackHandler: {
                    url: "https://pbx.example.com/hook",
                    secrets: Array.from({ length: 11 }, () => "s"),
                },
            },
            { fallbackHandler: { secrets: ["Ensure this field has no more than 10 elements."] } },
        ],
        [
            "a 121-char secret",
            { fallbackHandler: { url: "https://pbx.example.com/hook", secrets: ["ok", "s".repeat(121)] } },
            { fallbackHandler: { secrets: { "1": ["Ensure this field has no more than 120 characters."] } } },
        ],
        [
            "a 201-char pattern",
            { allowedAgents: [{ agentId: AGENT_A, toUserPattern: "p".repeat(201) }] },
            { allowedAgents: { "0": { toUserPattern: ["Ensure this field has no more than 200 characters."] } } },
        ],
        [
            "a bad URL",
            { fallbackHandler: { url: "not a url", secrets: ["s"] } },
            { fallbackHandler: { url: ["Enter a valid URL."] } },
        ],
        ["a non-boolean", { allowAllAgents: "yes" }, { allowAllAgents: ["Must be a valid boolean."] }],
        ["null for a list", { allowedCidrRanges: null }, { allowedCidrRanges: ["This field may not be null."] }],
        [
            "a string for a list",
            { allowedCidrRanges: "10.0.0.0/8" },
            { allowedCidrRanges: ['Expected a list of items but got type "str".'] },
        ],
        ["a list body", [], { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] }],
    ];
    for (const [what, body, errors] of invalidPatches) {
        it(`PATCH with ${what} answers 400 with DRF field errors and changes nothing`, async () => {
            const answer = await patch(emulator, body);
            expect(answer.status).to.equal(400);
            expect(answer.headers.get("content-type")).to.equal("application/json");
            expect(answer.json).to.deep.equal(errors);
            expect(emulator.account.sip).to.deep.equal(sip());
        });
    }

    it("PATCH with invalid JSON answers 400 without quoting the body", async () => {
        const answer = await call(emulator, "PATCH", "/api/sip", {
            body: `{"secret": ${KEY}`,
            contentType: "application/json",
        });
        expect(answer.status).to.equal(400);
        expect(answer.json).to.deep.equal({ detail: "JSON parse error - the body is not valid JSON (at position 12)" });
    });

    it("PATCH with another content type answers 415", async () => {
        const answer = await call(emulator, "PATCH", "/api/sip", { body: "{}", contentType: "text/plain" });
        expect(answer.status).to.equal(415);
        expect(answer.json).to.deep.equal({ detail: 'Unsupported media type "text/plain" in request.' });
        const charset = await call(emulator, "PATCH", "/api/sip", {
            body: "{}",
            contentType: "application/json; charset=utf-8",
        });
        expect(charset.status).to.equal(200);
    });

    it("replaceSip swaps the served config; account is a copy", async () => {
        const other = { ...sip(), domain: "other.sip.ultravox.invalid", allowedAgents: [] };
        emulator.replaceSip(other);
        expect((await call(emulator, "GET", "/api/sip")).json).to.deep.equal(other);
        const copy = emulator.account;
        copy.sip.domain = "changed.invalid";
        copy.apiKeys.push("x");
        expect(emulator.account).to.deep.equal({ apiKeys: [KEY], sip: other });
    });

    it("keeps a bounded log: 60 unauthenticated 1 MiB posts leave no body and at most the limit", async () => {
        const bounded = await startEmulator({ account: account(), maxRecordedRequests: 25 });
        try {
            const big = "x".repeat(1024 * 1024 - 16);
            for (let index = 0; index < 60; index++) {
                const answer = await call(bounded, "POST", "/api/sip", { key: null, body: big });
                expect(answer.status).to.equal(401);
            }
            expect(bounded.requests).to.have.length(25);
            expect(bounded.requests.map((r) => r.body.length)).to.deep.equal(new Array(25).fill(0));
            // The log keeps the latest ones: an authenticated PATCH comes last, its body kept.
            await patch(bounded, { allowAllAgents: true });
            expect(bounded.requests).to.have.length(25);
            expect(bounded.requests.at(-1)).to.include({ method: "PATCH", body: '{"allowAllAgents":true}' });
            expect(bounded.requests.at(-2)).to.include({ method: "POST", apiKeyPresent: false, body: "" });
        } finally {
            await bounded.close();
        }
    });

    it("clearRequests() empties the log; later requests are recorded again", async () => {
        await call(emulator, "GET", "/api/sip");
        await call(emulator, "GET", "/api/sip", { key: WRONG_KEY });
        expect(emulator.requests).to.have.length(2);
        emulator.clearRequests();
        expect(emulator.requests).to.deep.equal([]);
        await call(emulator, "GET", "/api/sip");
        expect(emulator.requests.map((r) => [r.method, r.status])).to.deep.equal([["GET", 200]]);
    });
});

describe("emulator: accounts", () => {
    it("loads an account file (the sample account)", async () => {
        const emulator = await startEmulator({ account: SAMPLE_ACCOUNT });
        try {
            const answer = await call(emulator, "GET", "/api/sip", { key: SAMPLE_KEY });
            expect(answer.status).to.equal(200);
            expect(answer.json).to.deep.include({
                domain: "demo-account.sip.ultravox.invalid",
                allowedCidrRanges: ["203.0.113.0/24", "198.51.100.7/24", "203.0.113.0/24"],
                allowAllAgents: false,
            });
        } finally {
            await emulator.close();
        }
    });

    it("refuses a file that is not JSON without quoting it", async () => {
        const file = join(mkdtempSync(join(tmpdir(), "uv-emulator-")), "bad.json");
        writeFileSync(file, `{"apiKeys": ["${KEY}"`);
        let caught: unknown;
        await startEmulator({ account: file }).catch((error: unknown) => {
            caught = error;
        });
        expect((caught as Error).message).to.equal(`The account file ${file} is not valid JSON.`);
    });

    it("refuses an account without keys or without a sip object", async () => {
        const noKeys = await startEmulator({ account: { apiKeys: [], sip: sip() } }).catch((error: Error) => error);
        expect((noKeys as Error).message).to.equal(
            'The account needs "apiKeys": a non-empty array of non-empty strings.',
        );
        const noSip = await startEmulator({ account: fromJavaScript({ apiKeys: [KEY] }) }).catch(
            (error: Error) => error,
        );
        expect((noSip as Error).message).to.equal('The account needs "sip": an object with a string "domain".');
    });
});

describe("emulator: faults", () => {
    let emulator: Emulator;
    let logLines: string[];

    // The faults' delays run on it: a case moves time itself.
    const clock = new FakeClock();

    beforeEach(async () => {
        logLines = [];
        clock.reset();
        emulator = await startEmulator({ account: account(), log: (line) => logLines.push(line), clock });
    });
    afterEach(() => emulator.close());

    it("answers a status with Retry-After once, then normally", async () => {
        emulator.addFault({ status: 429, retryAfter: "3" });
        expect(emulator.pendingFaults).to.equal(1);
        const limited = await call(emulator, "GET", "/api/sip");
        expect(limited.status).to.equal(429);
        expect(limited.headers.get("retry-after")).to.equal("3");
        expect(limited.headers.get("content-type")).to.equal("application/json");
        expect(limited.json).to.deep.equal({ detail: "Too Many Requests" });
        expect(emulator.pendingFaults).to.equal(0);
        expect((await call(emulator, "GET", "/api/sip")).status).to.equal(200);
        expect(emulator.requests.map((r) => [r.status, r.fault])).to.deep.equal([
            [429, true],
            [200, false],
        ]);
        expect(logLines).to.deep.equal(["GET /api/sip 429 (fault)", "GET /api/sip 200"]);
    });

    it("applies to `times` requests of the given method, in the order added", async () => {
        emulator.addFault({ method: "PATCH", status: 503, times: 2 });
        emulator.addFault({ status: 502 });
        expect(emulator.pendingFaults).to.equal(3);
        const statuses: number[] = [];
        statuses.push((await call(emulator, "GET", "/api/sip")).status);
        statuses.push((await patch(emulator, { allowAllAgents: true })).status);
        statuses.push((await patch(emulator, { allowAllAgents: true })).status);
        statuses.push((await patch(emulator, { allowAllAgents: true })).status);
        expect(statuses).to.deep.equal([502, 503, 503, 200]);
    });

    it("faults apply before authentication: the key is not checked", async () => {
        emulator.addFault({ status: 503 });
        expect((await call(emulator, "GET", "/api/sip", { key: null })).status).to.equal(503);
    });

    it("clearFaults drops the queue; bad faults are refused", async () => {
        emulator.addFault({ status: 500, times: 5 });
        emulator.clearFaults();
        expect(emulator.pendingFaults).to.equal(0);
        expect((await call(emulator, "GET", "/api/sip")).status).to.equal(200);
        expect(() => emulator.addFault({ times: 0 })).to.throw(TypeError, "fault.times must be a positive integer.");
        expect(() => emulator.addFault({ status: 42 })).to.throw(
            TypeError,
            "fault.status must be an integer in 100..599.",
        );
    });

    it("delays the normal answer", async () => {
        emulator.addFault({ delayMs: 150 });
        const answered = call(emulator, "GET", "/api/sip");
        await clock.scheduledCount(1);
        expect(clock.scheduled).to.deep.equal([150]);
        await clock.tick(149);
        expect(await isPending(answered)).to.equal(true);
        await clock.tick(1);
        const answer = await answered;
        expect(answer.status).to.equal(200);
        expect(answer.json).to.deep.equal(sip());
    });

    it("serves any bytes with any content type and headers", async () => {
        emulator.addFault({
            body: "<html>Bad gateway</html>",
            contentType: "text/html",
            headers: { "x-trace": "abc" },
        });
        emulator.addFault({ body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) });
        emulator.addFault({ status: 200, body: '{"domain": 5}' });
        const html = await call(emulator, "GET", "/api/sip");
        expect(html.status).to.equal(200);
        expect(html.headers.get("content-type")).to.equal("text/html");
        expect(html.headers.get("x-trace")).to.equal("abc");
        expect(html.text).to.equal("<html>Bad gateway</html>");
        const bytes = await fetch(`${emulator.url}/api/sip`);
        expect(bytes.headers.get("content-type")).to.equal("application/json");
        expect(Buffer.from(await bytes.arrayBuffer())).to.deep.equal(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
        expect((await call(emulator, "GET", "/api/sip")).json).to.deep.equal({ domain: 5 });
    });

    for (const status of [301, 302, 307, 308]) {
        it(`redirects with ${status} and Location`, async () => {
            emulator.addFault({ status, redirectTo: "https://elsewhere.example.com/api/sip" });
            const answer = await call(emulator, "GET", "/api/sip");
            expect(answer.status).to.equal(status);
            expect(answer.headers.get("location")).to.equal("https://elsewhere.example.com/api/sip");
            expect(answer.headers.get("content-type")).to.equal(null);
            expect(answer.text).to.equal("");
        });
    }

    it("redirects with 302 by default; the target's log shows which headers arrived", async () => {
        const target = await startEmulator({ account: account() });
        try {
            emulator.addFault({ redirectTo: `${target.url}/api/sip` });
            const first = await call(emulator, "GET", "/api/sip");
            expect(first.status).to.equal(302);
            // A careful client follows without the key: the target sees none.
            const location = first.headers.get("location") ?? "";
            expect((await fetch(location)).status).to.equal(401);
            expect(emulator.requests[0]).to.include({ status: 302, apiKeyPresent: true, fault: true });
            expect(target.requests).to.have.length(1);
            expect(target.requests[0]).to.include({ apiKeyPresent: false, apiKeyValid: false, status: 401 });
            expect(target.requests[0]?.headers).to.not.have.property("x-api-key");
        } finally {
            await target.close();
        }
    });

    it("serves an oversized body with Content-Length", async () => {
        emulator.addFault({ bodyBytes: 2 * 1024 * 1024 });
        const response = await fetch(`${emulator.url}/api/sip`);
        expect(response.headers.get("content-length")).to.equal("2097152");
        const text = await response.text();
        expect(text.length).to.equal(2 * 1024 * 1024);
        expect((JSON.parse(text) as { pad: string }).pad).to.have.length(2 * 1024 * 1024 - 10);
    });

    it("streams an oversized body slowly, chunked", async () => {
        emulator.addFault({ bodyBytes: 2 * 1024 * 1024, chunked: true, chunkDelayMs: 20, chunkBytes: 256 * 1024 });
        const read = async () => {
            const response = await fetch(`${emulator.url}/api/sip`);
            expect(response.headers.get("content-length")).to.equal(null);
            expect(response.headers.get("transfer-encoding")).to.equal("chunked");
            return (await response.arrayBuffer()).byteLength;
        };
        expect(await clock.drive(read(), 0)).to.equal(2 * 1024 * 1024);
        // 8 chunks, 7 pauses.
        expect(clock.scheduled).to.deep.equal(Array(7).fill(20));
        expect(clock.elapsed).to.equal(140);
    });

    it("stalls after the headers", async () => {
        emulator.addFault({ stallAfterHeaders: true });
        const { response, received, ended } = await rawGet(emulator);
        expect(response.statusCode).to.equal(200);
        expect(response.headers["content-length"]).to.equal(String(Buffer.byteLength(JSON.stringify(sip()))));
        expect(emulator.requests[0]?.status).to.equal(200);
        await emulator.close();
        expect(await ended).to.be.instanceOf(Error);
        // Not a byte of the body came before the connection was closed.
        expect(received().length).to.equal(0);
        expect(logLines).to.deep.equal(["GET /api/sip 200 stalled (fault)"]);
    });

    it("resets the connection after some body bytes", async () => {
        emulator.addFault({ resetAfterBytes: 10 });
        const { response, received, ended } = await rawGet(emulator);
        const error = await ended;
        expect(response.statusCode).to.equal(200);
        expect((error as NodeJS.ErrnoException | null)?.code).to.equal("ECONNRESET");
        expect(received().toString()).to.equal(JSON.stringify(sip()).slice(0, 10));
    });

    it("runs `before` first, so a PATCH can race another writer", async () => {
        emulator.addFault({
            method: "PATCH",
            before: (self) => self.replaceSip({ ...self.account.sip, allowAllAgents: true }),
        });
        const answer = await patch(emulator, { allowedCidrRanges: ["192.0.2.0/24"] });
        expect(answer.status).to.equal(200);
        expect(answer.json).to.deep.equal({ ...sip(), allowAllAgents: true, allowedCidrRanges: ["192.0.2.0/24"] });
    });

    it("hangs, and close() still returns promptly", async () => {
        emulator.addFault({ hang: true });
        const pending = fetch(`${emulator.url}/api/sip`).then(
            () => "answered",
            () => "failed",
        );
        // Once the handler has parked the request, nothing is left that could answer it.
        await until(() => logLines.includes("GET /api/sip hanging (fault)"), "the request to be parked");
        expect(await isPending(pending)).to.equal(true);
        expect(emulator.requests[0]?.status).to.equal(undefined);
        // close() does not wait for the parked request: it ends the connection.
        await emulator.close();
        expect(await pending).to.equal("failed");
    });

    it("close() also ends a delayed request", async () => {
        emulator.addFault({ delayMs: 60_000 });
        const delayed = fetch(`${emulator.url}/api/sip`).then(
            () => "answered",
            () => "failed",
        );
        await clock.scheduledCount(1);
        expect(clock.pending).to.equal(1);
        await emulator.close();
        // The delay was cancelled, not left to run: no timer is pending.
        expect(clock.pending).to.equal(0);
        expect(await delayed).to.equal("failed");
    });
});

describe("emulator: control API", () => {
    it("is off by default: /_emulator/faults is a 404 like any path", async () => {
        const emulator = await startEmulator({ account: account() });
        try {
            const answer = await call(emulator, "POST", "/_emulator/faults", { body: '{"status":503}' });
            expect(answer.status).to.equal(404);
            expect(emulator.pendingFaults).to.equal(0);
        } finally {
            await emulator.close();
        }
    });

    it("adds and clears faults over HTTP when enabled", async () => {
        const emulator = await startEmulator({ account: account(), controlApi: true });
        try {
            const added = await call(emulator, "POST", "/_emulator/faults", {
                body: JSON.stringify({ status: 503, times: 2, body: "down" }),
                contentType: "application/json",
            });
            expect(added.status).to.equal(201);
            expect(added.json).to.deep.equal({ pendingFaults: 2 });
            const faulted = await call(emulator, "GET", "/api/sip");
            expect([faulted.status, faulted.text]).to.deep.equal([503, "down"]);
            expect((await call(emulator, "DELETE", "/_emulator/faults")).status).to.equal(204);
            expect(emulator.pendingFaults).to.equal(0);
            const bad = await call(emulator, "POST", "/_emulator/faults", { body: '{"times": -1}' });
            expect(bad.status).to.equal(400);
            expect(bad.json).to.deep.equal({ detail: "Invalid fault: fault.times must be a positive integer." });
            // Control calls are not API requests.
            expect(emulator.requests.map((r) => r.path)).to.deep.equal(["/api/sip"]);
        } finally {
            await emulator.close();
        }
    });
});

describe("emulator: CLI", function () {
    this.timeout(15_000);
    const children: StartedProcess[] = [];
    afterEach(() => {
        for (const child of children.splice(0)) child.kill();
    });

    /** The emulator's CLI, started; `exit` resolves with its exit code. */
    function run(args: string[]) {
        const started = start(process.execPath, [CLI, ...args], { env: process.env });
        children.push(started);
        const exit = started.exited.then(({ code }) => code);
        return { child: started.child, stdout: started.stdout, stderr: started.stderr, exit };
    }

    it("serves the sample account until SIGTERM, logging without the key", async () => {
        const cli = run(["--port", "0", "--account", SAMPLE_ACCOUNT]);
        await until(() => cli.stdout().includes("\n"), "the emulator's first line");
        const match = /^Ultravox emulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(cli.stdout());
        expect(match, cli.stdout()).to.not.equal(null);
        const response = await fetch(`${match?.[1]}/api/sip`, { headers: { "x-api-key": SAMPLE_KEY } });
        expect(response.status).to.equal(200);
        expect(((await response.json()) as { domain: string }).domain).to.equal("demo-account.sip.ultravox.invalid");
        await until(() => cli.stderr().includes("GET /api/sip 200"), "the request's log line");
        cli.child.kill("SIGTERM");
        expect(await cli.exit).to.equal(0);
        expect(cli.stderr()).to.equal("GET /api/sip 200\n");
        expect(cli.stdout()).to.not.contain(SAMPLE_KEY);
    });

    it("--help prints the usage and exits 0", async () => {
        const cli = run(["--help"]);
        expect(await cli.exit).to.equal(0);
        expect(cli.stdout()).to.match(/^Usage: pulumi-ultravox-emulator --account <file.json> \[options\]\n/);
    });

    it("refuses a non-loopback --host without --allow-non-loopback", async () => {
        const cli = run(["--port", "0", "--account", SAMPLE_ACCOUNT, "--host", "0.0.0.0"]);
        expect(await cli.exit).to.equal(2);
        expect(cli.stdout()).to.equal("");
        expect(cli.stderr()).to.equal(
            "pulumi-ultravox-emulator: --host 0.0.0.0 is not a loopback address; add --allow-non-loopback if you mean it.\n",
        );
    });

    it("exits 2 without --account, and 1 on a missing account file", async () => {
        const noAccount = run(["--port", "0"]);
        expect(await noAccount.exit).to.equal(2);
        expect(noAccount.stderr()).to.match(/^pulumi-ultravox-emulator: --account is required\./);
        const missing = run(["--port", "0", "--account", join(REPO_ROOT, "no-such-account.json")]);
        expect(await missing.exit).to.equal(1);
        expect(missing.stderr()).to.equal(
            `pulumi-ultravox-emulator: The account file ${join(REPO_ROOT, "no-such-account.json")} does not exist; --help shows the account format, or use --sample.\n`,
        );
    });
});
