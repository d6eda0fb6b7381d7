import * as pulumi from "@pulumi/pulumi";
import { sipConfigReadProvider } from "./dynamicProvider";
import { OUTPUT_NAMES, SECRET_OUTPUT_NAMES } from "./outputs";
import type { AgentAllowance, FallbackHandler } from "./types";

/** Where to read from. Everything is optional: the key and base URL fall back to stack config, then the environment. */
export interface SipConfigGetArgs {
    /** Always stored as a secret. Default: `ultravox:apiKey`, then `ULTRAVOX_API_KEY`. */
    apiKey?: pulumi.Input<string>;
    /** Default: `ultravox:baseUrl`, then `ULTRAVOX_BASE_URL`, then `https://api.ultravox.ai`. */
    baseUrl?: pulumi.Input<string>;
    /** The whole read, retries included. Default 30 000 ms. */
    timeoutMs?: pulumi.Input<number>;
    /** Retries on 429, 502, 503, 504 and connection resets. Default 3. */
    maxRetries?: pulumi.Input<number>;
}

/** The id every read uses: an account has exactly one SIP config. */
export const SIP_CONFIG_ID = "sip";

/**
 * An Ultravox account's SIP config. `SipConfig.get(name)` reads it as a data source: at
 * `pulumi preview` and at `pulumi up`, with no state to own (destroy just forgets it).
 */
export class SipConfig extends pulumi.dynamic.Resource {
    /** The SIP domain to send INVITEs to (`sip:agent_<id>@<domain>`). */
    declare readonly domain: pulumi.Output<string>;
    /** IPv4 CIDRs Ultravox accepts calls from: canonical, deduplicated, sorted numerically. */
    declare readonly allowedCidrRanges: pulumi.Output<string[]>;
    declare readonly allowAllAgents: pulumi.Output<boolean>;
    /** In the API's order (first match wins), each with its `toUserPattern` filled in. */
    declare readonly allowedAgents: pulumi.Output<AgentAllowance[]>;
    /** Secret as a whole: it holds the webhook's signing secrets. */
    declare readonly fallbackHandler: pulumi.Output<FallbackHandler | null>;
    /** The fallback handler's URL as a plain value. */
    declare readonly fallbackHandlerUrl: pulumi.Output<string | null>;
    /** sha256 of the normalized config without secrets: changes only when the config does. */
    declare readonly fingerprint: pulumi.Output<string>;

    /** Reads the account's existing SIP config. */
    static get(name: string, args: SipConfigGetArgs = {}, opts: pulumi.CustomResourceOptions = {}): SipConfig {
        return new SipConfig(name, args, { ...opts, id: SIP_CONFIG_ID });
    }

    private constructor(name: string, args: SipConfigGetArgs, opts: pulumi.CustomResourceOptions) {
        const props: pulumi.Inputs = {
            apiKey: args.apiKey === undefined ? undefined : pulumi.secret(args.apiKey),
            baseUrl: args.baseUrl,
            timeoutMs: args.timeoutMs,
            maxRetries: args.maxRetries,
        };
        // Every output must be listed, even as undefined, or the SDK gives it no resolver.
        for (const output of OUTPUT_NAMES) props[output] = undefined;
        super(
            sipConfigReadProvider,
            name,
            props,
            {
                ...opts,
                additionalSecretOutputs: [
                    ...new Set([...(opts.additionalSecretOutputs ?? []), ...SECRET_OUTPUT_NAMES]),
                ],
            },
            "ultravox",
            "SipConfig",
        );
    }
}
