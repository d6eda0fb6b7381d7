/**
 * `waitForActiveSeconds`: after a create or an update, the registration is read again until the
 * API says it is active (`successful: true`). The API gives no other signal of whether Ultravox's
 * REGISTER to the PBX works, so without a wait a wrong password shows only at the first call.
 */
import type { UltravoxClient } from "../api/client";
import { type Clock, systemClock } from "../core/clock";
import { UltravoxError } from "../core/errors";
import { quote } from "../core/quote";
import type { SipRegistrationData } from "../core/types";

/** An hour: longer than any registrar's first answer, short enough that a typo does not hang an `up`. */
export const MAX_WAIT_FOR_ACTIVE_SECONDS = 3600;
/** Between two reads: well under the API's rate limits, quick enough for a registrar's first answer. */
export const ACTIVE_POLL_MS = 1000;

/** Why `waitForActiveSeconds` is not taken, or undefined when it is (absent, null, or 0..3600 whole seconds). */
export function waitForActiveIssue(value: unknown): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_WAIT_FOR_ACTIVE_SECONDS) {
        return `Must be a whole number of seconds from 0 (do not wait) to ${MAX_WAIT_FOR_ACTIVE_SECONDS}`;
    }
    return undefined;
}

/** How a message names the registration: its id, user, proxy and outbound proxy (never the password). */
export function describeRegistration(registration: SipRegistrationData): string {
    const through = registration.outboundProxy === null ? "" : ` through ${quote(registration.outboundProxy)}`;
    const as = registration.authUser === null ? "" : ` (authenticating as ${quote(registration.authUser)})`;
    return `The SIP registration ${registration.registrationId} of ${quote(registration.username)}${as} at ${quote(registration.proxy)}${through}`;
}

/** The failure: what the API said, and what to do next. It carries the registration as last read. */
export class RegistrationNotActive extends UltravoxError {
    constructor(
        readonly registration: SipRegistrationData,
        seconds: number,
        timedOut: boolean,
    ) {
        const said = `the API says successful=${String(registration.successful)}`;
        const what = timedOut
            ? registration.successful === null
                ? `is not known to be active after ${seconds} s: ${said} (not tried yet, or an API that does not say)`
                : `is still not active after ${seconds} s: ${said}`
            : `is not active: ${said} (Ultravox's REGISTER to that proxy failed)`;
        super(
            "not_active",
            `${describeRegistration(registration)} ${what}. Check that the PBX has an account for ${quote(registration.authUser ?? registration.username)} with this password and that it accepts the REGISTER (a PBX rendered from the same secret does), and that the proxy is reachable. The registration stays recorded in the stack: the next \`pulumi up\` waits again (waitForActiveSeconds: ${seconds}).`,
        );
    }
}

function sleep(clock: Clock, ms: number): Promise<void> {
    return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/**
 * Re-reads `written` until the API says `successful: true`, and gives that read. Fails when the
 * time runs out, or when it turns false: a `false` already there at the write (from an earlier
 * attempt, before the registrar was fixed) is waited through, as the service registers again.
 */
export async function awaitActive(
    client: UltravoxClient,
    written: SipRegistrationData,
    seconds: number,
    clock: Clock = systemClock,
): Promise<SipRegistrationData> {
    const deadline = clock.now() + seconds * 1000;
    let live = written;
    let staleFalse = written.successful === false;
    for (;;) {
        if (live.successful === true) return live;
        if (live.successful === false && !staleFalse) throw new RegistrationNotActive(live, seconds, false);
        if (live.successful !== false) staleFalse = false;
        const left = deadline - clock.now();
        if (left <= 0) throw new RegistrationNotActive(live, seconds, true);
        await sleep(clock, Math.min(ACTIVE_POLL_MS, left));
        live = await client.getSipRegistration(written.registrationId);
    }
}
