import { createServer } from "node:net";
import { inspect } from "node:util";
import { expect } from "chai";
import {
    type Clock,
    type SipConfigData,
    UltravoxClient,
    type UltravoxClientOptions,
    UltravoxError,
} from "pulumi-ultravox";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { FakeClock, isPending, until } from "../helpers/fakeClock";
import { AGENT_A, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { expectNoSecret } from "../helpers/leaks";

describe("client against a real local server", function () {
    this.timeout(15_000);
    let emulator: Emulator;
    let elsewhere: Emulator;
    // The client's deadline and retries and the emulator's delays run on it: schedules are exact.
    const clock = new FakeClock();

    before(async () => {
        emulator = await startEmulator({ account: account(), clock });
        elsewhere = await startEmulator({ account: account("elsewhere.00000000000000000000000000000000") });
    });
    after(async () => {
        await emulator?.close();
        await elsewhere?.close();
    });
    beforeEach(() => {
        clock.reset();
        emulator.clearFaults();
        emulator.requests.length = 0;
        elsewhere.requests.length = 0;
    });

    function client(options: Partial<UltravoxClientOptions> = {}): UltravoxClient {
        return new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url, ...options });
    }

    /** A client on the fake clock, for the cases that assert a schedule. */
    function timed(options: Partial<UltravoxClientOptions> = {}): UltravoxClient {
        return client({ clock, ...options });
    }

    async function failure(promise: Promise<unknown>): Promise<UltravoxError> {
        try {
            await promise;
        } catch (error) {
            expect(error).to.be.instanceOf(UltravoxError);
            expectNoSecret(error, [TEST_API_KEY]);
            return error as UltravoxError;
        }
        throw new Error("expected the call to fail");
    }

    function fault(spec: EmulatorFault): void {
        emulator.addFault(spec);
    }

    it("reads and normalizes the config, sending the key in X-API-Key", async () => {
        const warnings: string[] = [];
        const data: SipConfigData = await client({ onWarning: (m) => warnings.push(m) }).getSipConfig();
        expect(data.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(data.allowedCidrRanges).to.deep.equal(["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"]);
        expect(data.allowedAgents[1]).to.deep.equal({ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` });
        expect(warnings).to.deep.equal(["CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24."]);
        expect(emulator.requests).to.have.length(1);
        expect(emulator.requests[0]?.method).to.equal("GET");
        expect(emulator.requests[0]?.path).to.equal("/api/sip");
        expect(emulator.requests[0]?.headers["x-api-key"]).to.equal(TEST_API_KEY);
    });

    for (const status of [401, 403]) {
        it(`maps ${status} to auth, without retrying`, async () => {
            fault({ status, body: JSON.stringify({ detail: `Invalid key ${TEST_API_KEY}` }) });
            const error = await failure(client().getSipConfig());
            expect(error.code).to.equal("auth");
            expect(error.status).to.equal(status);
            expect(error.message).to.contain(`HTTP ${status}`);
            // The plain client reads its options only: the message names the one to fix.
            expect(error.message).to.contain("Check that the `apiKey` option holds a current key of this account.");
            expect(error.message).to.not.contain("ULTRAVOX_API_KEY");
            // The server echoed the key in its detail: it is redacted, the rest is kept.
            expect(error.message).to.contain("Invalid key [redacted]");
            expect((error.cause as Error).message).to.equal(
                `HTTP ${status} ${status === 401 ? "Unauthorized" : "Forbidden"} from GET ${emulator.url}/api/sip`,
            );
            expect(emulator.requests).to.have.length(1);
        });
    }

    it("maps a wrong key at the emulator itself to auth", async () => {
        const error = await failure(client({ apiKey: "wrongkey.000000000000000000000000000000" }).getSipConfig());
        expect(error.code).to.equal("auth");
        expect(error.status).to.equal(401);
    });

    it("maps 404 to not_found, naming the base URL setting", async () => {
        fault({ status: 404 });
        const error = await failure(client().getSipConfig());
        expect(error.code).to.equal("not_found");
        expect(error.status).to.equal(404);
        expect(error.message).to.equal(
            `GET ${emulator.url}/api/sip answered 404 Not Found. Check the base URL (the \`baseUrl\` option): the API's origin, such as https://api.ultravox.ai, without /api. Check also that the account has SIP enabled. The API said: Not Found`,
        );
    });

    it("retries 429 maxRetries times, then fails rate_limited", async () => {
        fault({ status: 429, retryAfter: "0", times: 10 });
        const error = await failure(client({ maxRetries: 2 }).getSipConfig());
        expect(error.code).to.equal("rate_limited");
        expect(error.status).to.equal(429);
        expect(emulator.requests).to.have.length(3);
    });

    it("honours Retry-After in seconds before retrying", async () => {
        fault({ status: 429, retryAfter: "1" });
        const read = timed().getSipConfig();
        await clock.scheduledCount(2);
        // The deadline, then the wait the server asked for.
        expect(clock.scheduled).to.deep.equal([30_000, 1_000]);
        await clock.tick(999);
        expect(emulator.requests).to.have.length(1);
        await clock.tick(1);
        expect((await read).domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(emulator.requests).to.have.length(2);
        expect(clock.elapsed).to.equal(1_000);
    });

    it("retries 502, 503 and 504, then succeeds", async () => {
        fault({ status: 502, retryAfter: "0" });
        fault({ status: 503, retryAfter: "0" });
        fault({ status: 504, retryAfter: "0" });
        const data = await client().getSipConfig();
        expect(data.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(emulator.requests.map((r) => r.status)).to.deep.equal([502, 503, 504, 200]);
    });

    it("backs off exponentially (with jitter) when there is no Retry-After", async () => {
        fault({ status: 503, times: 2 });
        await clock.drive(timed().getSipConfig());
        expect(emulator.requests).to.have.length(3);
        const [deadline, first, second, ...more] = clock.scheduled;
        expect(deadline).to.equal(30_000);
        // Equal jitter: half the ceiling to the ceiling, 200 ms and then 400 ms.
        expect(first).to.be.within(100, 200);
        expect(second).to.be.within(200, 400);
        expect(more).to.deep.equal([]);
        expect(clock.elapsed).to.equal((first ?? 0) + (second ?? 0));
    });

    it("fails server on a 5xx still there after the retries, and does not retry 500", async () => {
        fault({ status: 503, retryAfter: "0", times: 10 });
        const error = await failure(client({ maxRetries: 3 }).getSipConfig());
        expect(error.code).to.equal("server");
        expect(error.status).to.equal(503);
        expect(emulator.requests).to.have.length(4);

        emulator.clearFaults();
        emulator.requests.length = 0;
        fault({ status: 500 });
        const once = await failure(client().getSipConfig());
        expect(once.code).to.equal("server");
        expect(emulator.requests).to.have.length(1);
    });

    it("maps any other status to http", async () => {
        for (const status of [400, 418, 422]) {
            fault({ status });
            const error = await failure(client().getSipConfig());
            expect(error.code).to.equal("http");
            expect(error.status).to.equal(status);
        }
    });

    it("never follows a redirect to another origin: that origin never sees the key", async () => {
        fault({ status: 302, redirectTo: `${elsewhere.url}/api/sip` });
        const error = await failure(client().getSipConfig());
        expect(error.code).to.equal("http");
        expect(error.status).to.equal(302);
        expect(error.message).to.contain(`to ${elsewhere.url}`);
        expect(elsewhere.requests).to.have.length(0);
        expect(emulator.requests).to.have.length(1);
    });

    it("never follows a redirect to the same origin either", async () => {
        for (const status of [301, 307, 308]) {
            fault({ status, redirectTo: `${emulator.url}/api/sip/` });
            const error = await failure(client().getSipConfig());
            expect(error.code).to.equal("http");
            expect(error.status).to.equal(status);
        }
        expect(emulator.requests).to.have.length(3);
    });

    it("refuses http: off loopback before sending anything", () => {
        let caught: unknown;
        try {
            new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: "http://api.ultravox.ai" });
        } catch (error) {
            caught = error;
        }
        expect(caught).to.be.instanceOf(UltravoxError);
        expect((caught as UltravoxError).code).to.equal("config");
        expectNoSecret(caught, [TEST_API_KEY]);
    });

    it("refuses a missing key with a config error", () => {
        // Explicit options only: the message says so, and names no stack config.
        expect(() => new UltravoxClient({ apiKey: "" })).to.throw(
            UltravoxError,
            "UltravoxClient needs the `apiKey` option: it reads no stack config and no environment (pass process.env.ULTRAVOX_API_KEY yourself).",
        );
        expect(() => new UltravoxClient({ apiKey: "k", baseUrl: "nope" })).to.throw(
            UltravoxError,
            "The Ultravox base URL is not a URL (it is not echoed, in case a key was put there by mistake); set the `baseUrl` option to something like https://api.ultravox.ai.",
        );
    });

    it("times out a server that never answers, at the deadline", async () => {
        fault({ hang: true });
        const read = failure(timed({ timeoutMs: 400 }).getSipConfig());
        await until(() => emulator.requests.length === 1, "the request");
        await clock.tick(399);
        expect(await isPending(read)).to.equal(true);
        await clock.tick(1);
        expect((await read).code).to.equal("timeout");
        expect(clock.elapsed).to.equal(400);
    });

    it("keeps one deadline over all the retries", async () => {
        // Each answer takes 300 ms; the fourth request is still waiting for its answer at 1 s.
        fault({ status: 503, retryAfter: "0", delayMs: 300, times: 10 });
        const error = await failure(clock.drive(timed({ timeoutMs: 1000, maxRetries: 10 }).getSipConfig()));
        expect(error.code).to.equal("timeout");
        expect(clock.scheduled).to.deep.equal([1000, 300, 0, 300, 0, 300, 0, 300]);
        expect(clock.elapsed).to.equal(1000);
        expect(emulator.requests).to.have.length(4);
        emulator.clearFaults();
    });

    it("stops retrying when the Retry-After would pass the deadline", async () => {
        fault({ status: 429, retryAfter: "10", times: 5 });
        const error = await failure(timed({ timeoutMs: 2000 }).getSipConfig());
        expect(error.code).to.equal("rate_limited");
        // Only the deadline was ever set: no wait for a retry that could not happen in time.
        expect(clock.scheduled).to.deep.equal([2000]);
        expect(clock.elapsed).to.equal(0);
        expect(emulator.requests).to.have.length(1);
    });

    it("times out a server that sends headers then stalls, at the deadline", async () => {
        fault({ stallAfterHeaders: true });
        const read = failure(timed({ timeoutMs: 400 }).getSipConfig());
        await until(() => emulator.requests[0]?.status === 200, "the headers");
        await clock.tick(399);
        expect(await isPending(read)).to.equal(true);
        await clock.tick(1);
        expect((await read).code).to.equal("timeout");
    });

    it("maps connection refused to network", async () => {
        const port = await closedPort();
        const error = await failure(
            new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: `http://127.0.0.1:${port}` }).getSipConfig(),
        );
        expect(error.code).to.equal("network");
        expect(error.message).to.contain("ECONNREFUSED");
        expect((error.cause as { code?: string }).code).to.equal("ECONNREFUSED");
    });

    it("retries a connection reset mid-body, then fails network", async () => {
        fault({ resetAfterBytes: 10, bodyBytes: 5000, times: 10 });
        const error = await failure(clock.drive(timed({ maxRetries: 2 }).getSipConfig()));
        expect(error.code).to.equal("network");
        expect(emulator.requests).to.have.length(3);
        // The deadline, then a backoff before each retry.
        expect(clock.scheduled).to.have.length(3);
        emulator.clearFaults();
    });

    it("maps a body that is not JSON to invalid_response", async () => {
        fault({ body: "{not json" });
        const error = await failure(client().getSipConfig());
        expect(error.code).to.equal("invalid_response");
        expect(error.message).to.contain("not valid JSON");
    });

    it("maps a 200 HTML error page to invalid_response", async () => {
        fault({ body: "<html><body>Bad gateway</body></html>", contentType: "text/html" });
        const error = await failure(client().getSipConfig());
        expect(error.code).to.equal("invalid_response");
        expect(error.message).to.contain("text/html");
    });

    it("maps JSON that is not an object to invalid_response", async () => {
        fault({ body: "[1,2]" });
        expect((await failure(client().getSipConfig())).code).to.equal("invalid_response");
    });

    it("lists the failing field paths of a schema violation", async () => {
        const sip = rawSipConfig();
        sip.allowedCidrRanges = ["10.0.0.0/8", "nope"];
        sip.allowedAgents = [{ agentId: "x" }];
        fault({ body: JSON.stringify(sip) });
        const error = await failure(client().getSipConfig());
        expect(error.code).to.equal("invalid_response");
        expect(error.issues).to.deep.equal(["allowedCidrRanges.1", "allowedAgents.0.agentId"]);
        expect(error.message).to.contain("allowedCidrRanges.1");
        expect(error.message).to.contain("allowedAgents.0.agentId");
    });

    it("caps the body at 1 MiB, declared or streamed", async () => {
        fault({ bodyBytes: 2 * 1024 * 1024 });
        const declared = await failure(client().getSipConfig());
        expect(declared.code).to.equal("invalid_response");
        expect(declared.message).to.contain("1048576 bytes");

        fault({ bodyBytes: 2 * 1024 * 1024, chunked: true });
        const streamed = await failure(client().getSipConfig());
        expect(streamed.code).to.equal("invalid_response");
    });

    it("accepts a body just under the cap", async () => {
        const sip = rawSipConfig();
        const base = JSON.stringify(sip);
        (sip as Record<string, unknown>).padding = "p".repeat(1024 * 1024 - base.length - 20);
        fault({ body: JSON.stringify(sip) });
        expect((await client().getSipConfig()).domain).to.equal("acme-test.sip.ultravox.invalid");
    });

    it("shares one request among concurrent reads with the same key and base URL", async () => {
        fault({ delayMs: 150 });
        const results = await clock.drive(Promise.all(Array.from({ length: 5 }, () => timed().getSipConfig())), 5);
        expect(emulator.requests).to.have.length(1);
        for (const result of results) expect(result.fingerprint).to.equal(results[0]?.fingerprint);
        // Once settled, the next read goes out again.
        await timed().getSipConfig();
        expect(emulator.requests).to.have.length(2);
    });

    /** The shared read's request has reached the emulator, which is waiting out its delay. */
    async function sharedReadWaiting(timers: number): Promise<void> {
        await until(() => emulator.requests.length === 1, "the shared request");
        await clock.scheduledCount(timers);
    }

    it("a caller that joins a shared read keeps its own shorter deadline", async () => {
        fault({ delayMs: 1_500 });
        const patient = timed({ timeoutMs: 10_000 }).getSipConfig();
        const hurried = failure(timed({ timeoutMs: 300 }).getSipConfig());
        // The joiner's deadline, the shared read's deadline, the emulator's delay.
        await sharedReadWaiting(3);
        expect([...clock.scheduled].sort((a, b) => a - b)).to.deep.equal([300, 1_500, 10_000]);
        await clock.tick(300);
        const error = await hurried;
        expect(error.code).to.equal("timeout");
        expect(error.message).to.contain("did not complete within 300 ms");
        expect(await isPending(patient)).to.equal(true);
        await clock.tick(1_200);
        expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(clock.elapsed).to.equal(1_500);
        expect(emulator.requests).to.have.length(1);
    });

    it("a joining caller whose own deadline fires while the clock says time is left does not read again", async () => {
        // A timer may fire before the clock says its time has come: here the joiner's clock reads
        // 50 ms behind once 200 ms have passed, so at its 300 ms timer it believes 50 ms are left.
        fault({ delayMs: 1_000 });
        const lagging: Clock = {
            now: () => (clock.elapsed > 200 ? clock.now() - 50 : clock.now()),
            setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
            clearTimeout: (timer) => clock.clearTimeout(timer),
        };
        const patient = timed({ timeoutMs: 10_000 }).getSipConfig();
        const hurried = failure(client({ timeoutMs: 300, clock: lagging }).getSipConfig());
        await sharedReadWaiting(3);
        await clock.tick(300);
        expect((await hurried).code).to.equal("timeout");
        await clock.tick(700);
        expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(emulator.requests).to.have.length(1);
    });

    it("a caller that joins a shared read keeps its own longer deadline when the other's ends first", async () => {
        fault({ delayMs: 1_000 });
        const hurried = failure(timed({ timeoutMs: 300, maxRetries: 0 }).getSipConfig());
        const patient = timed({ timeoutMs: 10_000 }).getSipConfig();
        // The shared read's deadline (300 ms), the joiner's (10 s), the emulator's delay.
        await sharedReadWaiting(3);
        await clock.tick(300);
        expect((await hurried).code).to.equal("timeout");
        // The patient caller reads again on its own, with the 9.7 s it has left; the second
        // request is answered at once (the fault was spent on the first).
        await until(() => emulator.requests.length === 2, "the patient caller's own read");
        expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(clock.scheduled.slice(3)).to.deep.equal([9_700]);
        expect(clock.elapsed).to.equal(300);
    });

    it("every caller of a shared read receives the warnings, on its own sink", async () => {
        fault({ delayMs: 150 });
        const first: string[] = [];
        const second: string[] = [];
        await clock.drive(
            Promise.all([
                timed({ onWarning: (message) => first.push(message) }).getSipConfig(),
                timed({ onWarning: (message) => second.push(message) }).getSipConfig(),
            ]),
            2,
        );
        expect(emulator.requests).to.have.length(1);
        const expected = ["CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24."];
        expect(first).to.deep.equal(expected);
        expect(second).to.deep.equal(expected);
    });

    it("never shows the key when inspected or serialized", () => {
        const c = client();
        expect(inspect(c, { depth: 5, showHidden: true })).to.not.contain(TEST_API_KEY);
        expect(JSON.stringify(c)).to.not.contain(TEST_API_KEY);
        expect(String(Object.values(c))).to.not.contain(TEST_API_KEY);
    });
});

async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}
