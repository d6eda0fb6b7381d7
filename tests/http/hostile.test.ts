/**
 * A hostile API: every way an HTTP answer can go wrong, driven through the emulator's faults
 * (and a raw TCP server for what is not HTTP at all). Each case names the `UltravoxError` code
 * it must end in, counts the requests sent, and checks that no error (message, stack, cause
 * chain, util.inspect) holds the key or a fallback secret. The client and the emulator run on one
 * fake clock: each case's schedule (waits, deadline) is asserted exactly, in fake milliseconds.
 */
import { createServer, type Server, type Socket } from "node:net";
import { expect } from "chai";
import { type SipConfigData, UltravoxClient, type UltravoxClientOptions, UltravoxError } from "pulumi-ultravox";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { FAKE_EPOCH, FakeClock, isPending, until } from "../helpers/fakeClock";
import type { SipFixture } from "../helpers/fixtures";
import { AGENT_A, AGENT_B } from "../helpers/fixtures";
import { clientModule } from "../helpers/internal";
import { expectNoSecret } from "../helpers/leaks";

// Markers shaped like the real thing: any appearance in an error is a leak.
const API_KEY = "h0st1le0.hostilekeyhostilekeyhostilekey00";
const FALLBACK_SECRETS = ["hostile-fallback-secret-one-0001", "hostile-fallback-secret-two-0002"];
/** Short enough that V8 would quote it whole in a JSON.parse message. */
const SHORT_SECRET = "shrt5ecr";
const SECRETS = [API_KEY, ...FALLBACK_SECRETS, SHORT_SECRET];

const DOMAIN = "hostile.sip.ultravox.invalid";
const { MAX_BODY_BYTES } = clientModule;

function validSip(): SipFixture {
    return {
        domain: DOMAIN,
        allowedCidrRanges: ["203.0.113.0/24", "198.51.100.7/32"],
        allowAllAgents: false,
        allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
        fallbackHandler: { url: "https://pbx.example.com/ultravox/fallback", secrets: [...FALLBACK_SECRETS] },
    };
}

const EXPECTED: SipConfigData = {
    domain: DOMAIN,
    allowedCidrRanges: ["198.51.100.7/32", "203.0.113.0/24"],
    allowAllAgents: false,
    allowedAgents: [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ],
    fallbackHandler: { url: "https://pbx.example.com/ultravox/fallback", secrets: [...FALLBACK_SECRETS] },
    // sha256 of the documented material (domain, CIDRs, allowAllAgents, [agentId, toUserPattern] pairs,
    // fallback URL) of this config, computed once outside the package: a golden value.
    fingerprint: "c23782487faf43c70b79bf74556fbc15dd7c527508c61776374ba3f170ecd422",
};

/** A valid config serialized to exactly `size` bytes, with an unknown field as padding. */
function paddedSip(size: number): string {
    const base = JSON.stringify({ ...validSip(), padding: "" });
    if (size < base.length) throw new Error(`size ${size} is below ${base.length}`);
    return JSON.stringify({ ...validSip(), padding: "p".repeat(size - base.length) });
}

interface Outcome {
    data: SipConfigData | undefined;
    error: UltravoxError | undefined;
    /** Fake milliseconds from the start of the read to its end. */
    elapsedMs: number;
}

/** Runs one read on `clock`; whatever it throws must be an UltravoxError that holds no secret. */
async function outcomeOf(read: Promise<SipConfigData>, clock: FakeClock): Promise<Outcome> {
    const started = clock.elapsed;
    try {
        const data = await read;
        return { data, error: undefined, elapsedMs: clock.elapsed - started };
    } catch (error) {
        const elapsedMs = clock.elapsed - started;
        expect(error, String(error)).to.be.instanceOf(UltravoxError);
        expectNoSecret(error, SECRETS);
        return { data: undefined, error: error as UltravoxError, elapsedMs };
    }
}

function expectCode(outcome: Outcome, code: string, status?: number): UltravoxError {
    expect(outcome.data, "the read must fail").to.equal(undefined);
    const error = outcome.error as UltravoxError;
    expect(error.code, error.message).to.equal(code);
    if (status !== undefined) expect(error.status).to.equal(status);
    return error;
}

/** A TCP server that hands every connection to `onConnection`: for answers that are not HTTP at all. */
async function rawServer(
    onConnection: (socket: Socket) => void,
): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
    let connections = 0;
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.once("close", () => sockets.delete(socket));
        onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        url: `http://127.0.0.1:${port}`,
        connections: () => connections,
        close: () => {
            for (const socket of sockets) socket.destroy();
            return new Promise((resolve) => server.close(() => resolve()));
        },
    };
}

describe("hostile API: every way an answer can go wrong", function () {
    this.timeout(20_000);
    let emulator: Emulator;
    let elsewhere: Emulator;
    const clock = new FakeClock();

    before(async () => {
        emulator = await startEmulator({ account: { apiKeys: [API_KEY], sip: validSip() }, clock });
        elsewhere = await startEmulator({ account: { apiKeys: [API_KEY], sip: validSip() } });
    });
    after(async () => {
        await Promise.all([emulator?.close(), elsewhere?.close()]);
    });
    beforeEach(() => {
        clock.reset();
        emulator.clearFaults();
        emulator.requests.length = 0;
        elsewhere.requests.length = 0;
    });
    afterEach(() => {
        // A case that leaves faults unspent did not send the requests it claims.
        expect(emulator.pendingFaults, "faults left unspent").to.equal(0);
    });

    function client(options: Partial<UltravoxClientOptions> = {}, baseUrl = emulator.url): UltravoxClient {
        return new UltravoxClient({ apiKey: API_KEY, baseUrl, clock, ...options });
    }

    /** One read with `faults` queued, every timer run as its turn comes (FakeClock.drive). */
    function read(faults: EmulatorFault[], options: Partial<UltravoxClientOptions> = {}): Promise<Outcome> {
        for (const fault of faults) emulator.addFault(fault);
        return outcomeOf(clock.drive(client(options).getSipConfig()), clock);
    }

    /** One read with `faults` queued whose timers are never run: it must end at fake time 0. */
    function readAtOnce(faults: EmulatorFault[]): Promise<Outcome> {
        for (const fault of faults) emulator.addFault(fault);
        return outcomeOf(client().getSipConfig(), clock);
    }

    /** The read's timers: its deadline, then each wait before a retry. */
    function expectWaits(timeoutMs: number, waits: number[]): void {
        expect(clock.scheduled).to.deep.equal([timeoutMs, ...waits]);
    }

    describe("bodies that are not a SIP config: invalid_response, at once, never retried", () => {
        const valid = JSON.stringify(validSip());
        // The status is kept when the body is refused before parsing; a parsed value that is not an
        // object is refused by the schema module, which knows no status.
        const cases: [string, EmulatorFault, RegExp, number | undefined][] = [
            ["truncated JSON", { body: '{"domain": "acme' }, /not valid JSON/, 200],
            ["a config cut five bytes short", { body: valid.slice(0, -5) }, /not valid JSON/, 200],
            ["invalid JSON", { body: "{not json" }, /not valid JSON/, 200],
            ["a config with trailing garbage", { body: `${valid}xyz` }, /not valid JSON/, 200],
            ["two configs back to back", { body: `${valid}${valid}` }, /not valid JSON/, 200],
            ["a NaN literal", { body: '{"domain": NaN}' }, /not valid JSON/, 200],
            ["single-quoted JSON", { body: "{'domain': 'x'}" }, /not valid JSON/, 200],
            ["an empty body", { body: "" }, /not valid JSON/, 200],
            ["a 204 No Content", { status: 204 }, /not valid JSON/, 204],
            ["an HTML page labelled JSON", { body: "<html><body>Oops</body></html>" }, /not valid JSON/, 200],
            ["JSON null", { body: "null" }, /not an object/, undefined],
            ["a JSON array", { body: "[1,2]" }, /not an object/, undefined],
            ["an empty JSON array", { body: "[]" }, /not an object/, undefined],
            ["a JSON string", { body: '"{\\"domain\\":\\"x\\"}"' }, /not an object/, undefined],
            ["a JSON number", { body: "42" }, /not an object/, undefined],
            ["JSON true", { body: "true" }, /not an object/, undefined],
            [
                "a 200 HTML error page",
                { contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" },
                /text\/html/,
                200,
            ],
            ["the config as text/plain", { contentType: "text/plain", body: valid }, /text\/plain/, 200],
            ["the config as application/xml", { contentType: "application/xml", body: valid }, /application\/xml/, 200],
            ["the config as application/jsonp", { contentType: "application/jsonp", body: valid }, /jsonp/, 200],
        ];
        for (const [what, fault, message, status] of cases) {
            it(`${what}`, async () => {
                const outcome = await readAtOnce([fault]);
                const error = expectCode(outcome, "invalid_response");
                expect(error.status).to.equal(status);
                expect(error.message).to.match(message);
                expect(error.message).to.contain("nothing was applied");
                expect(emulator.requests).to.have.length(1);
                // At once, and never retried: no wait was even scheduled.
                expect(outcome.elapsedMs).to.equal(0);
                expectWaits(30_000, []);
            });
        }

        const accepted: [string, string][] = [
            ["application/json; charset=utf-8", "with a charset"],
            ["APPLICATION/JSON", "in capitals"],
            ["application/problem+json", "as a +json type"],
            ["application/vnd.api+json; charset=UTF-8", "as a vendor +json type with a charset"],
        ];
        // No declared type at all is left to the parser and the schema (a bare server or proxy may
        // omit it); a declared non-JSON type is refused above.
        accepted.push(["", "sent without a content type"]);
        for (const [contentType, what] of accepted) {
            it(`accepts JSON ${what} (${contentType})`, async () => {
                const outcome = await read([{ contentType, body: JSON.stringify(validSip()) }]);
                expect(outcome.error).to.equal(undefined);
                expect(outcome.data).to.deep.equal(EXPECTED);
            });
        }

        it("never quotes the body of invalid JSON, even around a short secret (V8 quotes ~10 chars)", async () => {
            const body = `{"domain":"d","allowedAgents":[],"fallbackHandler":{"url":"https://x.example","secrets":[${SHORT_SECRET}]}}`;
            const error = expectCode(await read([{ body }]), "invalid_response", 200);
            // The cause keeps what V8 said, without the quoted text (checked for secrets in outcomeOf).
            expect((error.cause as Error).message).to.equal(
                "Unexpected token 's' (the text around it is left out: it may hold a secret)",
            );
        });

        it("an answer whose body echoes the key as bad JSON is redacted from the cause", async () => {
            const error = expectCode(await read([{ body: `{"echo": ${API_KEY}}` }]), "invalid_response", 200);
            expect((error.cause as Error).name).to.equal("SyntaxError");
        });
    });

    describe("bodies over the 1 MiB cap: refused as soon as they pass it", () => {
        for (const chunked of [false, true]) {
            const how = chunked ? "chunked" : "with Content-Length";
            it(`accepts exactly ${MAX_BODY_BYTES} bytes and refuses one more (${how})`, async () => {
                const atCap = await read([{ body: paddedSip(MAX_BODY_BYTES), chunked }]);
                expect(atCap.error).to.equal(undefined);
                expect(atCap.data).to.deep.equal(EXPECTED);

                const over = await read([{ body: paddedSip(MAX_BODY_BYTES + 1), chunked }]);
                const error = expectCode(over, "invalid_response");
                expect(error.message).to.contain(`over ${MAX_BODY_BYTES} bytes`);
                expect(emulator.requests).to.have.length(2);
            });
        }

        it("refuses a declared 16 MiB body from its headers alone", async () => {
            const outcome = await readAtOnce([{ bodyBytes: 16 * 1024 * 1024 }]);
            expectCode(outcome, "invalid_response");
            expect(emulator.requests).to.have.length(1);
            expect(outcome.elapsedMs).to.equal(0);
        });

        // 8 MiB in 64 KiB pieces every 50 ms: the whole body would take 128 × 50 ms = 6.4 s.
        const slow = { bodyBytes: 8 * 1024 * 1024, chunkBytes: 64 * 1024, chunkDelayMs: 50 } as const;

        // Real time, on its own emulator: the pieces must reach the client as they are sent, and a
        // fake clock would send them as fast as the test can run timers. Margins are wide.
        it("refuses a slow chunked body once 1 MiB has arrived (~0.85 s), not after all 6.4 s of it (real time)", async () => {
            const realTime = await startEmulator({ account: { apiKeys: [API_KEY], sip: validSip() } });
            try {
                realTime.addFault({ ...slow, chunked: true });
                const started = Date.now();
                const read = new UltravoxClient({ apiKey: API_KEY, baseUrl: realTime.url }).getSipConfig();
                const error = await read.then(
                    () => undefined,
                    (caught: unknown) => caught as UltravoxError,
                );
                expect(error?.code).to.equal("invalid_response");
                expectNoSecret(error, SECRETS);
                // 17 pieces must arrive first (16 pauses of 50 ms); all of them would take 6.4 s.
                expect(Date.now() - started).to.be.within(700, 5_000);
                expect(realTime.requests).to.have.length(1);
            } finally {
                await realTime.close();
            }
        });

        it("refuses a slow body with a declared Content-Length over the cap before its first piece", async () => {
            const outcome = await readAtOnce([slow]);
            expectCode(outcome, "invalid_response");
            expect(outcome.elapsedMs).to.equal(0);
        });
    });

    describe("connections that go wrong: timeout or network, within the deadline", () => {
        /** A read whose server sends nothing more once `arrived` holds: it ends only at its deadline. */
        async function readUntilDeadline(fault: EmulatorFault, arrived: () => boolean): Promise<Outcome> {
            emulator.addFault(fault);
            const outcome = outcomeOf(client({ timeoutMs: 500, maxRetries: 3 }).getSipConfig(), clock);
            await until(arrived, "the request to reach its fault");
            await clock.tick(499);
            expect(await isPending(outcome), "still waiting 1 ms before the deadline").to.equal(true);
            await clock.tick(1);
            return outcome;
        }

        it("a server that accepts and never answers: timeout at the deadline", async () => {
            const outcome = await readUntilDeadline({ hang: true }, () => emulator.requests.length === 1);
            const error = expectCode(outcome, "timeout");
            expect(error.message).to.contain("within 500 ms");
            expect(outcome.elapsedMs).to.equal(500);
            expect(emulator.requests).to.have.length(1);
        });

        it("a server that answers the headers, then stalls: timeout at the deadline", async () => {
            const outcome = await readUntilDeadline(
                { stallAfterHeaders: true },
                () => emulator.requests[0]?.status === 200,
            );
            expectCode(outcome, "timeout");
            expect(outcome.elapsedMs).to.equal(500);
            expect(emulator.requests).to.have.length(1);
        });

        it("a server that answers after the deadline: timeout at the deadline, not at the answer", async () => {
            const outcome = await read([{ delayMs: 5_000 }], { timeoutMs: 500 });
            expectCode(outcome, "timeout");
            expect(outcome.elapsedMs).to.equal(500);
            expectWaits(500, [5_000]);
        });

        it("a body that trickles in slower than the deadline: timeout", async () => {
            // 40 pieces 100 ms apart would take 3.9 s: the 700 ms deadline ends it.
            const outcome = await read([{ bodyBytes: 400, chunkBytes: 10, chunkDelayMs: 100 }], { timeoutMs: 700 });
            expectCode(outcome, "timeout");
            expect(outcome.elapsedMs).to.equal(700);
            expect(emulator.requests).to.have.length(1);
        });

        it("a slow body that completes within the deadline is read whole", async () => {
            const body = JSON.stringify(validSip());
            const outcome = await read([{ body, chunkBytes: 64, chunkDelayMs: 20 }], { timeoutMs: 10_000 });
            expect(outcome.error).to.equal(undefined);
            expect(outcome.data).to.deep.equal(EXPECTED);
            // One pause of 20 ms between each two pieces of 64 bytes.
            expect(outcome.elapsedMs).to.equal((Math.ceil(body.length / 64) - 1) * 20);
        });

        for (const resetAfterBytes of [0, 100]) {
            it(`a reset after ${resetAfterBytes} body bytes: retried maxRetries times, then network`, async () => {
                const fault = { resetAfterBytes, bodyBytes: 5_000, times: 3 };
                const outcome = await read([fault], { maxRetries: 2 });
                const error = expectCode(outcome, "network");
                expect(error.message).to.contain("ERR_HTTP_CONTENT_LENGTH_MISMATCH");
                expect(emulator.requests).to.have.length(3);
            });
        }

        it("a reset mid-body once, then a good answer: the retry succeeds", async () => {
            const outcome = await read([{ resetAfterBytes: 100, bodyBytes: 5_000 }], { maxRetries: 1 });
            expect(outcome.error).to.equal(undefined);
            expect(outcome.data).to.deep.equal(EXPECTED);
            expect(emulator.requests).to.have.length(2);
        });

        it("a reset mid-body with maxRetries 0: one request, network", async () => {
            const outcome = await read([{ resetAfterBytes: 100, bodyBytes: 5_000 }], { maxRetries: 0 });
            expectCode(outcome, "network");
            expect(emulator.requests).to.have.length(1);
        });

        const raw: [string, (socket: Socket) => void, string, boolean][] = [
            [
                "resets the connection before answering",
                (socket) => socket.once("data", () => socket.resetAndDestroy()),
                "ECONNRESET",
                true,
            ],
            [
                "closes the connection before answering",
                (socket) => socket.once("data", () => socket.end()),
                "ECONNRESET",
                true,
            ],
            [
                "answers with bytes that are not HTTP",
                (socket) => socket.once("data", () => socket.end("SSH-2.0-OpenSSH_9.6\r\n\r\n")),
                "HPE_INVALID_CONSTANT",
                false,
            ],
        ];
        for (const [what, behave, code, retried] of raw) {
            it(`a server that ${what}: network (${code}), ${retried ? "retried" : "not retried"}`, async () => {
                const server = await rawServer(behave);
                try {
                    const outcome = await outcomeOf(
                        clock.drive(client({ maxRetries: 2 }, server.url).getSipConfig()),
                        clock,
                    );
                    const error = expectCode(outcome, "network");
                    expect(error.message).to.contain(code);
                    expect(server.connections()).to.equal(retried ? 3 : 1);
                    // The deadline, then a backoff before each retry.
                    expect(clock.scheduled).to.have.length(retried ? 3 : 1);
                } finally {
                    await server.close();
                }
            });
        }
    });

    describe("redirects: never followed, wherever they point", () => {
        for (const status of [301, 302, 303, 307, 308]) {
            it(`${status} to another origin: http, and that origin gets no request`, async () => {
                const error = expectCode(
                    await read([{ status, redirectTo: `${elsewhere.url}/api/sip` }]),
                    "http",
                    status,
                );
                expect(error.message).to.contain(`(a redirect to ${elsewhere.url};`);
                expect(emulator.requests).to.have.length(1);
                expect(elsewhere.requests).to.have.length(0);
            });

            it(`${status} to the same origin (absolute and relative): http, not followed`, async () => {
                for (const redirectTo of [`${emulator.url}/api/sip/`, "/api/sip/", "api/v2/sip"]) {
                    const error = expectCode(await read([{ status, redirectTo }]), "http", status);
                    expect(error.message).to.contain("(a redirect; redirects are never followed");
                }
                expect(emulator.requests).to.have.length(3);
            });
        }

        it("a Location holding the key and an unparsable Location: neither is echoed", async () => {
            const leaky = expectCode(
                await read([{ status: 302, redirectTo: `${elsewhere.url}/steal?key=${API_KEY}&s=${SHORT_SECRET}` }]),
                "http",
                302,
            );
            expect(leaky.message).to.contain(`to ${elsewhere.url};`);
            const broken = expectCode(await read([{ status: 307, redirectTo: "http://[::1" }]), "http", 307);
            expect(broken.message).to.contain("(a redirect; redirects");
            expect(elsewhere.requests).to.have.length(0);
        });
    });

    describe("key redaction in server-controlled strings: the key echoed in any case is never quoted", () => {
        const UPPER = API_KEY.toUpperCase();
        const MIXED = [...API_KEY].map((char, index) => (index % 2 ? char.toUpperCase() : char)).join("");

        const redirects: [string, string, string][] = [
            [
                "the key upper-cased as the Location's host",
                `http://${UPPER}.evil.example/`,
                "http://[redacted].evil.example",
            ],
            [
                "the key in mixed case with a port",
                `https://${MIXED}.evil.example:8443/x`,
                "https://[redacted].evil.example:8443",
            ],
            [
                "the key percent-encoded in the host (the URL parser decodes it)",
                `http://${[...API_KEY.slice(0, 8)].map((char) => `%${char.charCodeAt(0).toString(16)}`).join("")}${API_KEY.slice(8)}.evil.example/`,
                "http://[redacted].evil.example",
            ],
            ["the key as user info and in the path", `http://${UPPER}@evil.example/${UPPER}`, "http://evil.example"],
        ];
        for (const [what, location, origin] of redirects) {
            it(`a redirect with ${what}: http, the origin quoted with the key redacted`, async () => {
                const error = expectCode(await read([{ status: 302, redirectTo: location }]), "http", 302);
                expect(error.message).to.contain(`(a redirect to ${origin}; redirects are never followed`);
                expect(emulator.requests).to.have.length(1);
            });
        }

        const contentTypes: [string, string, string][] = [
            ["the key as its subtype, upper-cased", `application/${UPPER}`, '"application/[redacted]"'],
            ["the key in mixed case as a parameter", `text/html; key=${MIXED}`, '"text/html"'],
            ["the key past a 60-character cap", `text/${"x".repeat(50)}${UPPER}`, `"text/${"x".repeat(50)}[reda…"`],
            ["the key where no media type is", `${UPPER}`, "(not a media type; not quoted)"],
        ];
        for (const [what, contentType, quoted] of contentTypes) {
            it(`a content type with ${what}: invalid_response, the key never quoted`, async () => {
                const error = expectCode(
                    await read([{ contentType, body: JSON.stringify(validSip()) }]),
                    "invalid_response",
                    200,
                );
                expect(error.message).to.contain(`content type ${quoted}, not JSON`);
            });
        }

        it("an error detail echoing the key upper-cased: redacted", async () => {
            const body = JSON.stringify({ detail: `Key ${UPPER} refused` });
            const error = expectCode(await read([{ status: 403, body }], { maxRetries: 0 }), "auth", 403);
            expect(error.message).to.contain("The API said: Key [redacted] refused");
        });
    });

    describe("429 storms: Retry-After of every shape, within maxRetries and the deadline", () => {
        /** A wait of exactly this many ms, or one drawn from [min, max] (the backoff's jitter). */
        type Wait = number | [number, number];
        interface StormCase {
            retryAfter: string;
            what: string;
            maxRetries: number;
            requests: number;
            /** The wait before each retry. */
            waits: Wait[];
        }
        const TIMEOUT_MS = 5_000;
        const storms: StormCase[] = [
            { retryAfter: "0", what: "zero", maxRetries: 3, requests: 4, waits: [0, 0, 0] },
            { retryAfter: "1", what: "one second", maxRetries: 1, requests: 2, waits: [1_000] },
            // Capped at MAX_RETRY_AFTER_MS (20 s), which is past the deadline: no wait, no retry.
            { retryAfter: "999999999", what: "huge", maxRetries: 3, requests: 1, waits: [] },
            { retryAfter: "9".repeat(400), what: "too big for a double", maxRetries: 3, requests: 1, waits: [] },
            {
                retryAfter: "Fri, 31 Dec 2099 23:59:59 GMT",
                what: "a far-future date",
                maxRetries: 3,
                requests: 1,
                waits: [],
            },
            {
                retryAfter: "2099-01-01T00:00:00Z",
                what: "a far-future ISO date",
                maxRetries: 3,
                requests: 1,
                waits: [],
            },
            {
                retryAfter: "Thu, 01 Jan 1970 00:00:00 GMT",
                what: "a past date",
                maxRetries: 3,
                requests: 4,
                waits: [0, 0, 0],
            },
            // Two seconds after the fake clock's start (whole seconds, as HTTP dates have).
            {
                retryAfter: new Date(FAKE_EPOCH + 2_000).toUTCString(),
                what: "a date two seconds ahead",
                maxRetries: 1,
                requests: 2,
                waits: [2_000],
            },
            // Garbage falls back to backoff: 100–200 ms, then 200–400 ms.
            ...["-1", "-30", "soon", "", "1,5", "0x10", "1e3", "Infinity", "NaN", "1 2"].map(
                (retryAfter): StormCase => ({
                    retryAfter,
                    what: `garbage ${JSON.stringify(retryAfter)}`,
                    maxRetries: 2,
                    requests: 3,
                    waits: [
                        [100, 200],
                        [200, 400],
                    ],
                }),
            ),
        ];
        for (const storm of storms) {
            it(`${storm.what}: ${storm.requests} request(s), then rate_limited`, async () => {
                const outcome = await read([{ status: 429, retryAfter: storm.retryAfter, times: storm.requests }], {
                    maxRetries: storm.maxRetries,
                    timeoutMs: TIMEOUT_MS,
                });
                const error = expectCode(outcome, "rate_limited", 429);
                expect(error.message).to.contain(`after ${storm.requests} attempt${storm.requests === 1 ? "" : "s"})`);
                expect(emulator.requests).to.have.length(storm.requests);
                const [deadline, ...waits] = clock.scheduled;
                expect(deadline).to.equal(TIMEOUT_MS);
                expect(waits).to.have.length(storm.waits.length);
                storm.waits.forEach((wait, index) => {
                    if (typeof wait === "number") expect(waits[index]).to.equal(wait);
                    else expect(waits[index]).to.be.within(...wait);
                });
                expect(outcome.elapsedMs).to.equal(waits.reduce((sum, wait) => sum + wait, 0));
            });
        }

        it("a 1 s Retry-After storm under a 1.5 s deadline: one retry, then stops short of the deadline", async () => {
            const outcome = await read([{ status: 429, retryAfter: "1", times: 2 }], {
                maxRetries: 10,
                timeoutMs: 1_500,
            });
            expectCode(outcome, "rate_limited", 429);
            expect(emulator.requests).to.have.length(2);
            expectWaits(1_500, [1_000]);
            expect(outcome.elapsedMs).to.equal(1_000);
        });
    });

    describe("5xx bursts: retried while they last, within maxRetries", () => {
        const now = (status: number, extra: Partial<EmulatorFault> = {}): EmulatorFault => ({
            status,
            retryAfter: "0",
            ...extra,
        });
        const bursts: [string, EmulatorFault[], number, string | undefined, number | undefined][] = [
            ["three 503s, then the config", [now(503, { times: 3 })], 3, undefined, undefined],
            ["502, 503, 504, then the config", [now(502), now(503), now(504)], 3, undefined, undefined],
            [
                "429, 503, a reset, then the config",
                [now(429), now(503), { resetAfterBytes: 10, bodyBytes: 500 }],
                3,
                undefined,
                undefined,
            ],
            ["four 503s with maxRetries 3", [now(503, { times: 4 })], 3, "server", 503],
            ["two 502s with maxRetries 1", [now(502, { times: 2 })], 1, "server", 502],
            ["a 500 (not retried)", [now(500)], 3, "server", 500],
            ["a 501 (not retried)", [now(501)], 3, "server", 501],
            ["a 503, then a 200 that is not JSON", [now(503), { body: "{" }], 3, "invalid_response", 200],
            ["a 503, then a 401", [now(503), now(401)], 3, "auth", 401],
        ];
        for (const [what, faults, maxRetries, code, status] of bursts) {
            const total = faults.reduce((sum, fault) => sum + (fault.times ?? 1), 0);
            const requests = code === undefined ? total + 1 : total;
            it(`${what}: ${code ?? "success"} after ${requests} request(s)`, async () => {
                const outcome = await read(faults, { maxRetries });
                if (code === undefined) {
                    expect(outcome.error).to.equal(undefined);
                    expect(outcome.data).to.deep.equal(EXPECTED);
                } else {
                    expectCode(outcome, code, status);
                }
                expect(emulator.requests).to.have.length(requests);
                // The deadline, then one wait before each retry.
                expect(clock.scheduled).to.have.length(requests);
            });
        }
    });

    describe("schema violations at every field: invalid_response naming exactly the failing paths", () => {
        const agents = (count: number) =>
            Array.from({ length: count }, (_, i) => ({
                agentId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            }));
        const handler = (change: Record<string, unknown>) => ({
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: [...FALLBACK_SECRETS],
            ...change,
        });
        const DROP = Symbol("drop");
        const violations: [string, string, unknown, string[]][] = [
            ["domain", "missing", DROP, ["domain"]],
            ["domain", "null", null, ["domain"]],
            ["domain", "a number", 42, ["domain"]],
            ["domain", "empty", "", ["domain"]],
            ["domain", "an array", [DOMAIN], ["domain"]],
            // domain validation: a domain flows into outputs and SIP URIs, so anything but a host name is refused.
            ["domain", "with a newline", `${DOMAIN}\n`, ["domain"]],
            ["domain", "with an injected SIP header", `${DOMAIN}\r\nVia: SIP/2.0/UDP evil.example`, ["domain"]],
            ["domain", "with a URI parameter", `${DOMAIN};transport=tcp`, ["domain"]],
            ["domain", "with a user part", `agent@${DOMAIN}`, ["domain"]],
            ["domain", "with a port", `${DOMAIN}:5060`, ["domain"]],
            ["domain", "with a space", "acme sip.invalid", ["domain"]],
            ["domain", "with a C1 control character", `${DOMAIN}\u009b2J`, ["domain"]],
            ["domain", "a label over 63 characters", `${"a".repeat(64)}.invalid`, ["domain"]],
            ["domain", "over 253 characters", `${"a.".repeat(126)}ab`, ["domain"]],
            ["allowedCidrRanges", "a string", "10.0.0.0/8", ["allowedCidrRanges"]],
            ["allowedCidrRanges", "an object", { 0: "10.0.0.0/8" }, ["allowedCidrRanges"]],
            ["allowedCidrRanges", "a number in it", ["10.0.0.0/8", 167772160], ["allowedCidrRanges.1"]],
            ["allowedCidrRanges", "null in it", [null], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "a /33", ["10.0.0.0/33"], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "an octet of 256", ["10.0.0.256/8"], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "an IPv6 CIDR", ["2001:db8::/32"], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "an address without a prefix", ["10.0.0.1"], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "a leading zero", ["010.0.0.0/8"], ["allowedCidrRanges.0"]],
            ["allowedCidrRanges", "spaces", [" 10.0.0.0/8"], ["allowedCidrRanges.0"]],
            [
                "allowedCidrRanges",
                "the last of many bad",
                [...Array(99).fill("10.0.0.0/8"), "x"],
                ["allowedCidrRanges.99"],
            ],
            ["allowAllAgents", "a string", "true", ["allowAllAgents"]],
            ["allowAllAgents", "a number", 1, ["allowAllAgents"]],
            ["allowedAgents", "missing", DROP, ["allowedAgents"]],
            ["allowedAgents", "null", null, ["allowedAgents"]],
            ["allowedAgents", "an object", { agentId: AGENT_A }, ["allowedAgents"]],
            ["allowedAgents", "21 agents", agents(21), ["allowedAgents"]],
            ["allowedAgents", "a bare id", [AGENT_A], ["allowedAgents.0"]],
            ["allowedAgents", "an agent without an id", [{}], ["allowedAgents.0.agentId"]],
            ["allowedAgents", "an id that is not a UUID", [{ agentId: "agent-1" }], ["allowedAgents.0.agentId"]],
            ["allowedAgents", "a numeric id", [{ agentId: 7 }], ["allowedAgents.0.agentId"]],
            [
                "allowedAgents",
                "a numeric pattern",
                [{ agentId: AGENT_A, toUserPattern: 5 }],
                ["allowedAgents.0.toUserPattern"],
            ],
            [
                "allowedAgents",
                "a 201-char pattern",
                [{ agentId: AGENT_A, toUserPattern: "x".repeat(201) }],
                ["allowedAgents.0.toUserPattern"],
            ],
            ["fallbackHandler", "a string", "https://pbx.example.com", ["fallbackHandler"]],
            ["fallbackHandler", "an array", [handler({})], ["fallbackHandler"]],
            ["fallbackHandler", "no url", { secrets: [...FALLBACK_SECRETS] }, ["fallbackHandler.url"]],
            ["fallbackHandler", "a url that is not one", handler({ url: "not a url" }), ["fallbackHandler.url"]],
            ["fallbackHandler", "no secrets", handler({ secrets: undefined }), ["fallbackHandler.secrets"]],
            ["fallbackHandler", "zero secrets", handler({ secrets: [] }), ["fallbackHandler.secrets"]],
            [
                "fallbackHandler",
                "11 secrets",
                handler({ secrets: Array(11).fill(SHORT_SECRET) }),
                ["fallbackHandler.secrets"],
            ],
            [
                "fallbackHandler",
                "secrets as a string",
                // Up to 10 chars: a longer string also fails zod's array length check (it reads .length), a second issue at the same path.
                handler({ secrets: SHORT_SECRET }),
                ["fallbackHandler.secrets"],
            ],
            [
                "fallbackHandler",
                "a numeric secret",
                handler({ secrets: [FALLBACK_SECRETS[0], 7] }),
                ["fallbackHandler.secrets.1"],
            ],
            [
                "fallbackHandler",
                "a 121-char secret",
                handler({
                    secrets: [`${FALLBACK_SECRETS[1]}${"z".repeat(121 - (FALLBACK_SECRETS[1] as string).length)}`],
                }),
                ["fallbackHandler.secrets.0"],
            ],
        ];
        for (const [field, what, value, paths] of violations) {
            it(`${field}: ${what}`, async () => {
                const sip = validSip();
                if (value === DROP) delete sip[field];
                else sip[field] = value;
                const error = expectCode(await read([{ body: JSON.stringify(sip) }]), "invalid_response", undefined);
                expect(error.issues).to.deep.equal(paths);
                for (const path of paths) expect(error.message).to.contain(`${path}: `);
                expect(error.message).to.contain("Nothing was applied");
                expect(emulator.requests).to.have.length(1);
            });
        }

        it("several fields at once: every path, in the schema's field order", async () => {
            const sip = {
                ...validSip(),
                domain: 5,
                allowAllAgents: "yes",
                allowedCidrRanges: ["x", "10.0.0.0/8", "y"],
            };
            const error = expectCode(await read([{ body: JSON.stringify(sip) }]), "invalid_response");
            expect(error.issues).to.deep.equal([
                "domain",
                "allowedCidrRanges.0",
                "allowedCidrRanges.2",
                "allowAllAgents",
            ]);
        });

        it("a failure at the last of 20 agents gives no partial result, and the next read is whole", async () => {
            const sip = validSip();
            sip.allowedAgents = [...agents(19), { agentId: "not-a-uuid" }];
            const failed = await read([{ body: JSON.stringify(sip) }]);
            expectCode(failed, "invalid_response");
            expect(failed.error?.issues).to.deep.equal(["allowedAgents.19.agentId"]);
            expect(failed.data).to.equal(undefined);
            // Nothing of the bad answer is kept or cached: the fault is spent, the next read is the account's.
            const next = await read([]);
            expect(next.data).to.deep.equal(EXPECTED);
        });
    });

    describe("answers that echo credentials: never in any error", () => {
        // Only the key can be redacted from a detail: the client cannot know what else is a secret.
        const echo = JSON.stringify({ detail: `Key ${API_KEY} refused` });
        const statuses: [number, string][] = [
            [400, "http"],
            [401, "auth"],
            [403, "auth"],
            [404, "not_found"],
            [418, "http"],
            [429, "rate_limited"],
            [500, "server"],
            [503, "server"],
        ];
        for (const [status, code] of statuses) {
            it(`${status} with the key in its detail: ${code}, the key redacted`, async () => {
                const error = expectCode(
                    await read([{ status, body: echo, retryAfter: "0", times: 1 }], { maxRetries: 0 }),
                    code,
                    status,
                );
                expect(error.message).to.contain("[redacted]");
            });
        }

        it("an HTML error page holding the key: no snippet of it in the error", async () => {
            const page = `<html><body>key=${API_KEY} ${FALLBACK_SECRETS.join(" ")}</body></html>`;
            const error = expectCode(
                await read([{ status: 502, contentType: "text/html", body: page }], { maxRetries: 0 }),
                "server",
                502,
            );
            expect(error.message).to.not.contain("<html>");
        });
    });
});
