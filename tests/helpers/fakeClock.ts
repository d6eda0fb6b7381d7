/**
 * A fake clock for the package's `Clock` option (the client's and the emulator's), on
 * @sinonjs/fake-timers: time moves only when a test moves it, and every delay scheduled is
 * recorded, so a test asserts the exact schedule instead of an elapsed-time window.
 *
 * Real I/O still runs on the real event loop: between two steps a test waits, in real time, for
 * something it can observe (a timer scheduled, a request recorded, the call settled), never for a
 * stretch of time.
 */
import { createClock } from "@sinonjs/fake-timers";
import type { Clock, ClockTimer } from "pulumi-ultravox";
import { until } from "./tools";

export { until };

/** An arbitrary, fixed start: Retry-After dates are computed from it. */
export const FAKE_EPOCH = Date.UTC(2026, 11, 5, 12, 0, 0);

export class FakeClock implements Clock {
    #fake = createClock(FAKE_EPOCH);
    /** Every delay asked for, in the order asked, whoever asked (client or emulator). */
    readonly scheduled: number[] = [];
    /** How many of `scheduled` came before the current `drive` (the earlier calls' timers). */
    #driven = 0;

    now(): number {
        return this.#fake.now;
    }

    setTimeout(callback: () => void, ms: number): ClockTimer {
        this.scheduled.push(ms);
        return this.#fake.setTimeout(callback, ms) as unknown as ClockTimer;
    }

    clearTimeout(timer: ClockTimer): void {
        // The timer is one this clock's setTimeout made: the fake's own type.
        this.#fake.clearTimeout(timer as never);
    }

    /** Fake milliseconds since the start (or the last `reset`). */
    get elapsed(): number {
        return this.#fake.now - FAKE_EPOCH;
    }

    /** How many timers are pending. */
    get pending(): number {
        return this.#fake.countTimers();
    }

    /** Back to the start, no timer pending, nothing recorded: for a clock shared by a suite's tests. */
    reset(): void {
        this.#fake.reset();
        this.#fake.setSystemTime(FAKE_EPOCH);
        this.scheduled.length = 0;
        this.#driven = 0;
    }

    /** Moves time by `ms`, running every timer due on the way. */
    async tick(ms: number): Promise<void> {
        await this.#fake.tickAsync(ms);
    }

    /** Moves time to the earliest pending timer and runs it (with any others due then). */
    async next(): Promise<void> {
        await this.#fake.nextAsync();
    }

    /** Waits (real time, for real I/O) until `count` timers have been scheduled in all. */
    async scheduledCount(count: number): Promise<void> {
        await until(() => this.scheduled.length >= count, `${count} timers scheduled (so far: ${this.scheduled})`);
    }

    /**
     * Runs a call whose every step but the first is started by a timer. Once the call has set
     * its own `setupTimers` since the last drive (the client's deadline: one per caller), for each
     * new timer scheduled the earliest pending one is run, until the call settles. Right only where one
     * party acts at a time (the client waits on the server while the server waits on its timer, or
     * the client sleeps before a retry); a server that hangs without a timer, or two parties busy
     * at once, are stepped by hand.
     */
    async drive<T>(call: Promise<T>, setupTimers = 1): Promise<T> {
        let settled = false;
        const watched = call.then(
            (value) => {
                settled = true;
                return value;
            },
            (error: unknown) => {
                settled = true;
                throw error;
            },
        );
        watched.catch(() => undefined);
        const setup = this.#driven + setupTimers;
        await until(() => settled || this.scheduled.length >= setup, "the call's own timers");
        let seen = setup;
        for (;;) {
            await until(() => settled || this.scheduled.length > seen, "the call to settle or schedule a timer");
            if (settled) {
                this.#driven = this.scheduled.length;
                return watched;
            }
            // One run per timer scheduled: several may come in one step (three servers' delays).
            seen += 1;
            await this.next();
        }
    }
}

/** Whether `promise` is still pending once the real event loop has turned (its settling is not timed). */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
    const marker = Symbol("pending");
    const outcome = await Promise.race([
        promise.then(
            () => undefined,
            () => undefined,
        ),
        new Promise((resolve) => setImmediate(() => resolve(marker))),
    ]);
    return outcome === marker;
}
