import { expect } from "chai";
import { retry } from "../helpers/internal";

const { backoffMs, retryAfterMs, sleep, MAX_RETRY_AFTER_MS, RETRY_STATUSES, RETRY_NETWORK_CODES } = retry;

describe("retry: Retry-After", () => {
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");

    it("reads seconds, whole or fractional", () => {
        expect(retryAfterMs("3", now)).to.equal(3000);
        expect(retryAfterMs(" 0.25 ", now)).to.equal(250);
        expect(retryAfterMs("0", now)).to.equal(0);
    });

    it("reads an HTTP date against the given clock, a past one as no wait", () => {
        expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", now)).to.equal(10_000);
        expect(retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).to.equal(0);
    });

    it("caps long waits at 20 s, a number too long for a double included", () => {
        expect(MAX_RETRY_AFTER_MS).to.equal(20_000);
        expect(retryAfterMs("21", now)).to.equal(20_000);
        expect(retryAfterMs("Wed, 21 Oct 2015 09:00:00 GMT", now)).to.equal(20_000);
        expect(retryAfterMs("9".repeat(400), now)).to.equal(20_000);
    });

    it("takes the first of repeated headers", () => {
        expect(retryAfterMs(["2", "9"], now)).to.equal(2000);
    });

    it("gives undefined for an absent, empty or garbage header", () => {
        for (const header of [undefined, "", "  ", "soon", "-1", "1e3", "2015-10-21", []]) {
            expect(retryAfterMs(header, now), JSON.stringify(header)).to.equal(undefined);
        }
    });
});

describe("retry: backoff", () => {
    const lowest = (min: number) => min;
    const highest = (_min: number, maxExclusive: number) => maxExclusive - 1;

    it("draws from half the ceiling to the ceiling, the ceiling doubling from 200 ms to 5 s", () => {
        expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffMs(attempt, lowest))).to.deep.equal([
            100, 200, 400, 800, 1600, 2500, 2500,
        ]);
        expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffMs(attempt, highest))).to.deep.equal([
            200, 400, 800, 1600, 3200, 5000, 5000,
        ]);
    });

    it("stays within those bounds with the real random source", () => {
        for (let draw = 0; draw < 200; draw++) {
            const wait = backoffMs(2);
            expect(wait).to.be.within(400, 800);
            expect(Number.isInteger(wait)).to.equal(true);
        }
    });
});

describe("retry: what is retried", () => {
    it("retries 429, 502, 503 and 504, not 500", () => {
        expect([...RETRY_STATUSES]).to.deep.equal([429, 502, 503, 504]);
    });

    it("retries resets and cut bodies, not refusals or unknown names", () => {
        expect(RETRY_NETWORK_CODES.has("ECONNRESET")).to.equal(true);
        expect(RETRY_NETWORK_CODES.has("ERR_STREAM_PREMATURE_CLOSE")).to.equal(true);
        expect(RETRY_NETWORK_CODES.has("ECONNREFUSED")).to.equal(false);
        expect(RETRY_NETWORK_CODES.has("ENOTFOUND")).to.equal(false);
    });
});

describe("retry: sleep", () => {
    it("resolves after the wait", async () => {
        const started = Date.now();
        await sleep(30, new AbortController().signal);
        expect(Date.now() - started).to.be.at.least(25);
    });

    it("rejects at once when the signal aborts, or has aborted", async () => {
        const controller = new AbortController();
        const waiting = sleep(60_000, controller.signal);
        controller.abort();
        let caught: unknown;
        await waiting.catch((error: unknown) => {
            caught = error;
        });
        expect((caught as Error).message).to.equal("aborted");
        const already = await sleep(10, controller.signal).then(
            () => "resolved",
            (error: Error) => error.message,
        );
        expect(already).to.equal("aborted");
    });
});
