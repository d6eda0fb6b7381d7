import * as pulumi from "@pulumi/pulumi";
import { clientFromSources } from "../api/client";
import type { ConnectionOptions } from "../api/settings";
import type { SipRegistrationData } from "../core/types";
import type { ConnectionInputs } from "./connectionInputs";

/** Where `getSipRegistrations` reads from: see `ConnectionOptions`. */
export type GetSipRegistrationsArgs = ConnectionOptions;

/** Where `getSipRegistrationsOutput` reads from: `ConnectionOptions`, each an Input. */
export type GetSipRegistrationsOutputArgs = ConnectionInputs;

/** What `getSipRegistrations` resolves to. */
export interface GetSipRegistrationsResult {
    /** Every registration of the account, every page, in the API's order (no password: it is write-only). */
    registrations: SipRegistrationData[];
}

/**
 * Reads every SIP registration of the account, from the program itself: nothing is stored in the
 * state. Settings as for `SipConfig.get`. A list whose pages leave the base URL, repeat or never
 * end is refused (`invalid_response`).
 */
export async function getSipRegistrations(
    args: GetSipRegistrationsArgs = {},
    _opts?: pulumi.InvokeOptions,
): Promise<GetSipRegistrationsResult> {
    const client = clientFromSources(
        {
            args: { apiKey: args.apiKey, baseUrl: args.baseUrl },
            config: (key) => pulumi.runtime.getConfig(key),
            env: process.env,
        },
        { timeoutMs: args.timeoutMs, maxRetries: args.maxRetries },
    );
    return { registrations: await client.listSipRegistrations() };
}

/**
 * `getSipRegistrations` as an Output.
 *
 * @example
 * ```ts
 * const registered = ultravox.getSipRegistrationsOutput();
 * export const registeredUsers = registered.registrations.apply((list) => list.map((r) => r.username));
 * ```
 */
export function getSipRegistrationsOutput(
    args: GetSipRegistrationsOutputArgs = {},
    opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetSipRegistrationsResult> {
    return pulumi.output(args).apply((resolved) => {
        const plain: GetSipRegistrationsArgs = {};
        if (resolved.apiKey !== undefined) plain.apiKey = resolved.apiKey;
        if (resolved.baseUrl !== undefined) plain.baseUrl = resolved.baseUrl;
        if (resolved.timeoutMs !== undefined) plain.timeoutMs = resolved.timeoutMs;
        if (resolved.maxRetries !== undefined) plain.maxRetries = resolved.maxRetries;
        return getSipRegistrations(plain, opts);
    });
}
