import { createServer } from "node:net";
import { inspect } from "node:util";
import { expect } from "chai";
import { type SipConfigData, UltravoxClient, type UltravoxClientOptions, UltravoxError } from "pulumi-ultravox";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { expectNoSecret } from "../helpers/leaks";

describe("client against a real local server", function () {
    this.timeout(15_000);
    let emulator: Emulator;
    let elsewhere: Emulator;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        elsewhere = await startEmulator({ account: account("elsewhere.00000000000000000000000000000000") });
    });
    after(async () => {
        await emulator?.close();
        await elsewhere?.close();
    });
    beforeEach(() => {
        emulator.clearFaults();
        emulator.requests.length = 0;
        elsewhere.requests.length = 0;
    });

    function client(options: Partial<UltravoxClientOptions> = {}): UltravoxClient {
        return new UltravoxClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url, ...options });
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
        const started = Date.now();
        const data = await client().getSipConfig();
        const elapsed = Date.now() - started;
        expect(data.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(emulator.requests).to.have.length(2);
        expect(elapsed).to.be.within(950, 2500);
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
        const started = Date.now();
        await client().getSipConfig();
        // 100–200 ms, then 200–400 ms.
        expect(Date.now() - started).to.be.within(280, 1500);
        expect(emulator.requests).to.have.length(3);
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

    it("times out a server that never answers, within the deadline", async () => {
        fault({ hang: true });
        const started = Date.now();
        const error = await failure(client({ timeoutMs: 400 }).getSipConfig());
        expect(error.code).to.equal("timeout");
        expect(Date.now() - started).to.be.within(380, 1200);
    });

    it("keeps one deadline over all the retries", async () => {
        fault({ status: 503, retryAfter: "0", delayMs: 300, times: 10 });
        const started = Date.now();
        const error = await failure(client({ timeoutMs: 1000, maxRetries: 10 }).getSipConfig());
        expect(error.code).to.equal("timeout");
        expect(Date.now() - started).to.be.within(950, 1600);
        expect(emulator.requests.length).to.be.within(3, 4);
    });

    it("stops retrying when the Retry-After would pass the deadline", async () => {
        fault({ status: 429, retryAfter: "10", times: 5 });
        const started = Date.now();
        const error = await failure(client({ timeoutMs: 2000 }).getSipConfig());
        expect(error.code).to.equal("rate_limited");
        expect(Date.now() - started).to.be.below(1000);
        expect(emulator.requests).to.have.length(1);
    });

    it("times out a server that sends headers then stalls", async () => {
        fault({ stallAfterHeaders: true });
        const error = await failure(client({ timeoutMs: 400 }).getSipConfig());
        expect(error.code).to.equal("timeout");
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
        const error = await failure(client({ maxRetries: 2 }).getSipConfig());
        expect(error.code).to.equal("network");
        expect(emulator.requests).to.have.length(3);
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
        const results = await Promise.all(Array.from({ length: 5 }, () => client().getSipConfig()));
        expect(emulator.requests).to.have.length(1);
        for (const result of results) expect(result.fingerprint).to.equal(results[0]?.fingerprint);
        // Once settled, the next read goes out again.
        await client().getSipConfig();
        expect(emulator.requests).to.have.length(2);
    });

    it("a caller that joins a shared read keeps its own shorter deadline", async () => {
        fault({ delayMs: 1_500 });
        const patient = client({ timeoutMs: 10_000 }).getSipConfig();
        const started = Date.now();
        const hurried = await failure(client({ timeoutMs: 300 }).getSipConfig());
        expect(hurried.code).to.equal("timeout");
        expect(hurried.message).to.contain("did not complete within 300 ms");
        expect(Date.now() - started).to.be.lessThan(1_200);
        expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(emulator.requests).to.have.length(1);
    });

    it("a joining caller whose own deadline fires while the clock says time is left does not read again", async () => {
        // Timers and Date.now() can disagree by a few ms under load; here by 50 ms, on purpose.
        fault({ delayMs: 1_000 });
        const realNow = Date.now;
        const started = realNow();
        Date.now = () => {
            const now = realNow();
            return now - started > 200 ? now - 50 : now;
        };
        try {
            const patient = client({ timeoutMs: 10_000 }).getSipConfig();
            const hurried = await failure(client({ timeoutMs: 300 }).getSipConfig());
            expect(hurried.code).to.equal("timeout");
            expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        } finally {
            Date.now = realNow;
        }
        expect(emulator.requests).to.have.length(1);
    });

    it("a caller that joins a shared read keeps its own longer deadline when the other's ends first", async () => {
        fault({ delayMs: 1_000 });
        const hurried = failure(client({ timeoutMs: 300, maxRetries: 0 }).getSipConfig());
        const patient = client({ timeoutMs: 10_000 }).getSipConfig();
        expect((await hurried).code).to.equal("timeout");
        expect((await patient).domain).to.equal("acme-test.sip.ultravox.invalid");
        // The patient caller read again on its own once the shared read was given up.
        expect(emulator.requests).to.have.length(2);
    });

    it("every caller of a shared read receives the warnings, on its own sink", async () => {
        fault({ delayMs: 150 });
        const first: string[] = [];
        const second: string[] = [];
        await Promise.all([
            client({ onWarning: (message) => first.push(message) }).getSipConfig(),
            client({ onWarning: (message) => second.push(message) }).getSipConfig(),
        ]);
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
