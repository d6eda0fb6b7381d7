/**
 * Load on loopback: concurrent reads share one request, 5 000 sequential reads hold memory
 * flat (measured in a child process with --expose-gc, so only the client is on its heap), and a
 * 429 storm keeps every client within maxRetries and its deadline. Delays and waits run on fake
 * clocks (tests/helpers/fakeClock.ts): the schedules are exact.
 */
import * as path from "node:path";
import { expect } from "chai";
import { type SipConfigData, UltravoxClient, type UltravoxClientOptions, UltravoxError } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { FakeClock } from "../helpers/fakeClock";
import { expectNoSecret } from "../helpers/leaks";
import { childEnv, runNode } from "../helpers/process";
import { REPO_ROOT } from "../helpers/repo";

const API_KEY = "l0adk3y0.loadkeyloadkeyloadkeyloadkey0000";
const OTHER_KEY = "l0adk3y1.otherloadkeyotherloadkeyotherlo";
const AGENT = "2f1c7e0a-4b1d-4c53-9a7e-1d2b3c4d5e6f";
const SIP = {
    domain: "load.sip.ultravox.invalid",
    allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24", "198.51.100.7/32"],
    allowAllAgents: false,
    allowedAgents: [{ agentId: AGENT }],
    fallbackHandler: { url: "https://pbx.example.com/fallback", secrets: ["load-fallback-secret-0001"] },
};
const EXPECTED = {
    domain: SIP.domain,
    allowedCidrRanges: ["10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
    allowAllAgents: false,
    allowedAgents: [{ agentId: AGENT, toUserPattern: `^agent_${AGENT}$` }],
    fallbackHandler: SIP.fallbackHandler,
};

/** A distinct key per storm client, so that no two share a request; faults apply before the key is checked. */
const stormKey = (index: number) => `st0rm${String(index).padStart(3, "0")}.${"k".repeat(32)}`;

async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: UltravoxError }> {
    try {
        return { value: await promise };
    } catch (error) {
        expect(error).to.be.instanceOf(UltravoxError);
        return { error: error as UltravoxError };
    }
}

function withoutFingerprint(data: SipConfigData | undefined): Omit<SipConfigData, "fingerprint"> | undefined {
    if (!data) return undefined;
    const { fingerprint: _, ...rest } = data;
    return rest;
}

describe("load: shared reads, flat memory, retry storms", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    // The emulator's delays and the shared reads' deadlines: time moves only when a case runs it.
    const clock = new FakeClock();

    before(async () => {
        emulator = await startEmulator({ account: { apiKeys: [API_KEY, OTHER_KEY], sip: SIP }, clock });
    });
    after(async () => {
        await emulator?.close();
    });
    beforeEach(() => {
        clock.reset();
        emulator.clearFaults();
        emulator.requests.length = 0;
    });

    function client(options: Partial<UltravoxClientOptions> = {}): UltravoxClient {
        return new UltravoxClient({ apiKey: API_KEY, baseUrl: emulator.url, clock, ...options });
    }

    describe("200 concurrent reads in one process", () => {
        it("send exactly one HTTP request and all get the same config, each its own copy", async () => {
            // The answer takes 200 ms, so every read below starts while the first is in flight.
            emulator.addFault({ delayMs: 200 });
            // 200 deadlines: the first read's and each joiner's.
            const results = await clock.drive(
                Promise.all(Array.from({ length: 200 }, () => client().getSipConfig())),
                200,
            );
            expect(emulator.requests).to.have.length(1);
            expect(clock.elapsed).to.equal(200);
            const first = results[0] as SipConfigData;
            expect(withoutFingerprint(first)).to.deep.equal(EXPECTED);
            for (const result of results) expect(result).to.deep.equal(first);
            // One caller changing its result changes no other's.
            expect(new Set(results).size).to.equal(200);
            first.allowedCidrRanges.push("192.0.2.0/24");
            (first.fallbackHandler as { secrets: string[] }).secrets.length = 0;
            expect(withoutFingerprint(results[199])).to.deep.equal(EXPECTED);

            // Settled: the next read goes out again.
            await client().getSipConfig();
            expect(emulator.requests).to.have.length(2);
        });

        it("share a failure too: one request, 200 identical errors, and nothing cached afterwards", async () => {
            emulator.addFault({ status: 500, delayMs: 100 });
            const outcomes = await clock.drive(
                Promise.all(Array.from({ length: 200 }, () => settled(client().getSipConfig()))),
                200,
            );
            expect(emulator.requests).to.have.length(1);
            for (const outcome of outcomes) {
                expect(outcome.value).to.equal(undefined);
                expect(outcome.error?.code).to.equal("server");
                expect(outcome.error?.status).to.equal(500);
                expectNoSecret(outcome.error, [API_KEY]);
            }
            const next = await client().getSipConfig();
            expect(withoutFingerprint(next)).to.deep.equal(EXPECTED);
            expect(emulator.requests).to.have.length(2);
        });

        it("with two keys (or two base URLs) send one request per key and URL", async () => {
            emulator.addFault({ delayMs: 150, times: 3 });
            const otherUrl = emulator.url.replace("127.0.0.1", "localhost");
            const reads = Array.from({ length: 200 }, (_, index) =>
                index % 3 === 0
                    ? client().getSipConfig()
                    : index % 3 === 1
                      ? client({ apiKey: OTHER_KEY }).getSipConfig()
                      : client({ baseUrl: otherUrl }).getSipConfig(),
            );
            await clock.drive(Promise.all(reads), 200);
            expect(emulator.requests).to.have.length(3);
            expect(emulator.requests.map((request) => request.headers["x-api-key"]).sort()).to.deep.equal(
                [API_KEY, API_KEY, OTHER_KEY].sort(),
            );
        });

        it("fresh reads (a read-back after a write) are never shared", async () => {
            emulator.addFault({ delayMs: 100, times: 5 });
            await clock.drive(Promise.all(Array.from({ length: 5 }, () => client().getSipConfig({ fresh: true }))), 5);
            expect(emulator.requests).to.have.length(5);
        });
    });

    describe("5 000 sequential reads", () => {
        // Runs in a child process: only the client is on the measured heap; the emulator stays here.
        const script = `
const { UltravoxClient } = require(${JSON.stringify(path.join(REPO_ROOT, "dist", "index.js"))});
const client = new UltravoxClient({ apiKey: process.env.LOAD_KEY, baseUrl: process.env.LOAD_URL });
const heapAfterGc = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
const countResources = () => process.getActiveResourcesInfo().length;
(async () => {
    let fingerprint;
    const read = async () => {
        const data = await client.getSipConfig();
        if (fingerprint !== undefined && data.fingerprint !== fingerprint) throw new Error("the config changed");
        fingerprint = data.fingerprint;
    };
    // Warm-up: JIT, the schemas' lazy loading, the socket pool.
    for (let i = 0; i < 1000; i++) await read();
    const before = heapAfterGc();
    const resourcesBefore = countResources();
    const started = Date.now();
    for (let i = 0; i < 2500; i++) await read();
    const middle = heapAfterGc();
    for (let i = 0; i < 2500; i++) await read();
    const after = heapAfterGc();
    process.stdout.write(JSON.stringify({
        before, middle, after, ms: Date.now() - started,
        resourcesBefore, resourcesAfter: countResources(), resources: process.getActiveResourcesInfo(),
    }));
})().catch((error) => { console.error(String(error)); process.exit(1); });
`;

        it("hold the heap flat (< 2.5 MB growth, 500 bytes a read; < 1.25 MB in the second half) and leak no handles", async function () {
            this.timeout(90_000);
            // The emulator records every request: drop the records as they come, or this process grows.
            const trim = setInterval(() => {
                emulator.requests.length = 0;
            }, 200);
            let run: Awaited<ReturnType<typeof runNode>>;
            try {
                run = await runNode(["--expose-gc", "-e", script], {
                    cwd: REPO_ROOT,
                    env: childEnv({ LOAD_KEY: API_KEY, LOAD_URL: emulator.url }),
                    timeoutMs: 80_000,
                });
            } finally {
                clearInterval(trim);
            }
            expect(run.code, run.stderr).to.equal(0);
            const figures = JSON.parse(run.stdout) as {
                before: number;
                middle: number;
                after: number;
                ms: number;
                resourcesBefore: number;
                resourcesAfter: number;
                resources: string[];
            };
            expect(figures.after - figures.before).to.be.below(2.5 * 1024 * 1024);
            expect(figures.after - figures.middle).to.be.below(1.25 * 1024 * 1024);
            // No timer or socket piles up: the same handles as before (a pooled keep-alive socket at most).
            expect(figures.resourcesAfter).to.be.at.most(figures.resourcesBefore);
            expect(stderrWithoutWarnings(run.stderr)).to.equal("");
        });
    });

    describe("a 429 storm", () => {
        for (const maxRetries of [0, 1, 3, 5]) {
            it(`maxRetries ${maxRetries}: exactly ${maxRetries + 1} request(s), then rate_limited`, async () => {
                emulator.addFault({ status: 429, retryAfter: "0", times: 100 });
                const outcome = await settled(clock.drive(client({ maxRetries }).getSipConfig()));
                expect(outcome.error?.code).to.equal("rate_limited");
                expect(emulator.requests).to.have.length(maxRetries + 1);
                expect(clock.scheduled).to.deep.equal([30_000, ...Array(maxRetries).fill(0)]);
                emulator.clearFaults();
            });
        }

        it("Retry-After 1 s under a 2.5 s deadline with maxRetries 10: 3 requests, done before the deadline", async () => {
            emulator.addFault({ status: 429, retryAfter: "1", times: 100 });
            const outcome = await settled(clock.drive(client({ maxRetries: 10, timeoutMs: 2_500 }).getSipConfig()));
            expect(outcome.error?.code).to.equal("rate_limited");
            expect(emulator.requests).to.have.length(3);
            // Two waits of 1 s; a third would end past the deadline, so it is not started.
            expect(clock.scheduled).to.deep.equal([2_500, 1_000, 1_000]);
            expect(clock.elapsed).to.equal(2_000);
            emulator.clearFaults();
        });

        it("50 clients at once, Retry-After 0, maxRetries 3: exactly 4 requests each, 200 in all", async () => {
            emulator.addFault({ status: 429, retryAfter: "0", times: 10_000 });
            // Fifty clients busy at once: each on its own clock, driven on its own.
            const outcomes = await Promise.all(
                Array.from({ length: 50 }, (_, index) => {
                    const own = new FakeClock();
                    return settled(
                        own.drive(client({ apiKey: stormKey(index), maxRetries: 3, clock: own }).getSipConfig()),
                    );
                }),
            );
            expect(outcomes.map((outcome) => outcome.error?.code)).to.deep.equal(Array(50).fill("rate_limited"));
            expect(emulator.requests).to.have.length(200);
            const perKey = new Map<string, number>();
            for (const request of emulator.requests) {
                const key = String(request.headers["x-api-key"]);
                perKey.set(key, (perKey.get(key) ?? 0) + 1);
            }
            expect([...perKey.values()]).to.deep.equal(Array(50).fill(4));
            emulator.clearFaults();
        });

        it("50 clients at once, no Retry-After (jittered backoff), 1 s deadline, maxRetries 10: each stops by its deadline", async () => {
            emulator.addFault({ status: 429, times: 10_000 });
            const clocks = Array.from({ length: 50 }, () => new FakeClock());
            const outcomes = await Promise.all(
                clocks.map((own, index) =>
                    settled(
                        own.drive(
                            client({
                                apiKey: stormKey(index),
                                maxRetries: 10,
                                timeoutMs: 1_000,
                                clock: own,
                            }).getSipConfig(),
                        ),
                    ),
                ),
            );
            const perKey = new Map<string, number>();
            for (const request of emulator.requests) {
                const key = String(request.headers["x-api-key"]);
                perKey.set(key, (perKey.get(key) ?? 0) + 1);
            }
            expect(perKey.size).to.equal(50);
            clocks.forEach((own, index) => {
                expect(outcomes[index]?.error?.code).to.equal("rate_limited");
                // The deadline, then backoffs of 100–200, 200–400, 400–800 ms while they end before it.
                const [deadline, ...waits] = own.scheduled;
                expect(deadline).to.equal(1_000);
                const ceilings = [200, 400, 800];
                waits.forEach((wait, attempt) => {
                    expect(wait).to.be.within((ceilings[attempt] ?? 0) / 2, ceilings[attempt] ?? 0);
                });
                expect(own.elapsed).to.equal(waits.reduce((sum, wait) => sum + wait, 0));
                expect(own.elapsed).to.be.below(1_000);
                expect(perKey.get(stormKey(index))).to.equal(waits.length + 1);
            });
            // Jitter spreads the clients out: they do not all retry at the same moment.
            expect(new Set(clocks.map((own) => own.scheduled[1])).size).to.be.above(1);
            emulator.clearFaults();
        });
    });
});

/** Node prints nothing else on stderr here; a deprecation or experimental warning is not a failure. */
function stderrWithoutWarnings(stderr: string): string {
    return stderr
        .split("\n")
        .filter((line) => line.trim() !== "" && !/Warning:|--trace-warnings|--trace-deprecation/.test(line))
        .join("\n");
}
