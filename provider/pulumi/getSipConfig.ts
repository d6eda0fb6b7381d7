import * as pulumi from "@pulumi/pulumi";
import { clientFromSources } from "../api/client";
import type { ConnectionOptions } from "../api/settings";
import { type GetSipConfigResult, toOutputs } from "../lifecycle/outputs";
import type { ConnectionInputs } from "./connectionInputs";

export type { GetSipConfigResult };

/** Where `getSipConfig` reads from: see `ConnectionOptions`. */
export type GetSipConfigArgs = ConnectionOptions;

/** Where `getSipConfigOutput` reads from: `ConnectionOptions`, each an Input. */
export type GetSipConfigOutputArgs = ConnectionInputs;

/**
 * Reads the account's SIP config from the program itself (dynamic providers have no
 * invokes): nothing is stored in the state. Settings as for `SipConfig.get`.
 */
export async function getSipConfig(
    args: GetSipConfigArgs = {},
    _opts?: pulumi.InvokeOptions,
): Promise<GetSipConfigResult> {
    const client = clientFromSources(
        {
            args: { apiKey: args.apiKey, baseUrl: args.baseUrl },
            config: (key) => pulumi.runtime.getConfig(key),
            env: process.env,
        },
        {
            timeoutMs: args.timeoutMs,
            maxRetries: args.maxRetries,
            onWarning: (message) => void pulumi.log.warn(`pulumi-ultravox: ${message}`),
        },
    );
    return toOutputs(await client.getSipConfig());
}

/**
 * `getSipConfig` as an Output. Like any Pulumi invoke result, the whole Output is secret when
 * the result holds a secret (the fallback handler's signing secrets).
 *
 * `opts.dependsOn` is honoured as the SDK does for invokes: the read waits until each listed
 * custom resource has its id (a component: its URN), and in a preview where an id is not known
 * yet (a resource still to be created) the result is unknown and no request is sent. The other
 * invoke options (`provider`, `version`, `parent`, ...) have no meaning for a read made by the
 * program itself and are ignored.
 *
 * @example
 * ```ts
 * const config = ultravox.getSipConfigOutput();
 * export const agentCount = config.apply((c) => c.allowedAgents.length);
 * ```
 */
export function getSipConfigOutput(
    args: GetSipConfigOutputArgs = {},
    opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetSipConfigResult> {
    const result = pulumi.all([args, dependenciesReady(opts?.dependsOn)]).apply(([resolved]) => {
        const plain: GetSipConfigArgs = {};
        if (resolved.apiKey !== undefined) plain.apiKey = resolved.apiKey;
        if (resolved.baseUrl !== undefined) plain.baseUrl = resolved.baseUrl;
        if (resolved.timeoutMs !== undefined) plain.timeoutMs = resolved.timeoutMs;
        if (resolved.maxRetries !== undefined) plain.maxRetries = resolved.maxRetries;
        return getSipConfig(plain, opts);
    });
    return result.apply(
        (value): pulumi.Output<GetSipConfigResult> =>
            value.fallbackHandler ? pulumi.secret(value) : pulumi.output(value),
    ) as pulumi.Output<GetSipConfigResult>;
}

/** Known once every resource in `dependsOn` is: custom resources by their id, others by their URN. */
function dependenciesReady(dependsOn: pulumi.InvokeOutputOptions["dependsOn"]): pulumi.Output<unknown[]> {
    if (dependsOn === undefined) return pulumi.output([]);
    return pulumi
        .output(dependsOn as pulumi.Input<pulumi.Input<pulumi.Resource>[]>)
        .apply((listed) =>
            pulumi.all(
                (Array.isArray(listed) ? listed : [listed]).map((resource) =>
                    pulumi.CustomResource.isInstance(resource) ? resource.id : resource.urn,
                ),
            ),
        );
}
