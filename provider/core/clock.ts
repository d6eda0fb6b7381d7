/**
 * The time a component reads and the timers it waits on. Every wait in the package (the
 * client's deadline and retries, the emulator's delays) goes through one, so a test can hand
 * in a fake clock and assert the exact schedule instead of racing the wall clock.
 */

/**
 * A scheduled timer: whatever the clock's `setTimeout` gives back, handed to its `clearTimeout`.
 * Where it has Node's `unref()` (the real clock's do), the client calls it on its deadline, so
 * that a pending deadline alone never keeps a process alive.
 */
export type ClockTimer = object;

/** Node's `unref()`, where the timer has it. */
export function unrefTimer(timer: ClockTimer): void {
    (timer as { unref?: () => unknown }).unref?.();
}

/**
 * A clock and its timers, as `UltravoxClientOptions.clock` and the emulator's `clock` option take
 * them: the real one by default; a fake one (say, one built on @sinonjs/fake-timers) in tests.
 */
export interface Clock {
    /** Milliseconds since the epoch, as `Date.now()`. */
    now(): number;
    setTimeout(callback: () => void, ms: number): ClockTimer;
    clearTimeout(timer: ClockTimer): void;
}

/** The real clock: `Date.now()` and Node's timers, looked up at each call (so a test's fakes apply too). */
export const systemClock: Clock = {
    now: () => Date.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
