import * as pulumi from "@pulumi/pulumi";
import { UltravoxError } from "../core/errors";
import type { AgentAllowance, FallbackHandler, SipRouting } from "../core/types";
import { OUTPUT_NAMES, SECRET_OUTPUT_NAMES, SECRET_STATE_NAMES, SIP_CONFIG_ID } from "../lifecycle/outputs";
import type { ConnectionInputs } from "./connectionInputs";
import { sipConfigManagedProvider, sipConfigReadProvider } from "./dynamicProvider";

/**
 * `SipConfig.get`'s `state`, as in Pulumi's generated SDKs: the resource's properties, each
 * optional and an Input. The connection settings say where to read from (an explicit `apiKey`
 * is stored as a secret; left out, the key and base URL come from stack config, then the
 * environment). The outputs are accepted as the generated SDKs accept them, and not used: a read
 * always reads the account.
 */
export interface SipConfigState extends ConnectionInputs {
    domain?: pulumi.Input<string>;
    allowedCidrRanges?: pulumi.Input<pulumi.Input<string>[]>;
    allowAllAgents?: pulumi.Input<boolean>;
    allowedAgents?: pulumi.Input<
        pulumi.Input<{ agentId: pulumi.Input<string>; toUserPattern: pulumi.Input<string> }>[]
    >;
    fallbackHandler?: pulumi.Input<{ url: pulumi.Input<string>; secrets: pulumi.Input<pulumi.Input<string>[]> } | null>;
    fallbackHandlerUrl?: pulumi.Input<string | null>;
    fingerprint?: pulumi.Input<string>;
}

/**
 * The managed form: the fields given are owned by this resource (written at create and update,
 * set back at delete); the fields left out are neither written nor reverted. The connection
 * settings say which account, as for `SipConfig.get`.
 */
export interface SipConfigArgs extends ConnectionInputs {
    /** IPv4 CIDRs to accept calls from; compared after canonicalization (order and host bits cause no diff). */
    allowedCidrRanges?: pulumi.Input<pulumi.Input<string>[]>;
    allowAllAgents?: pulumi.Input<boolean>;
    /** At most 20; `toUserPattern` defaults to `^agent_<agentId>$`. Order matters: first match wins. */
    allowedAgents?: pulumi.Input<
        pulumi.Input<{ agentId: pulumi.Input<string>; toUserPattern?: pulumi.Input<string> }>[]
    >;
    /** Stored as a secret (it holds the signing secrets); `null` removes the handler. */
    fallbackHandler?: pulumi.Input<{ url: pulumi.Input<string>; secrets: pulumi.Input<pulumi.Input<string>[]> } | null>;
    /** Default true: on delete, set the managed fields back to their values before this stack took them over. */
    restoreOnDelete?: pulumi.Input<boolean>;
}

/**
 * An Ultravox account's SIP config.
 * - `SipConfig.get(name, "sip")` reads it as a data source: at `pulumi preview` and at `pulumi up`,
 *   with no state to own (destroy just forgets it).
 * - `new SipConfig(name, args)` owns the fields given in `args`: one stack per account should.
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
    /**
     * The outputs routing depends on, in one plain (non-secret) Output, ready for the renderers:
     * `sip.routing.apply((r) => ultravox.asteriskPjsip(r).text)`.
     */
    readonly routing: pulumi.Output<SipRouting>;

    /**
     * Reads the account's existing SIP config, in the shape of any Pulumi resource's `get`:
     * `SipConfig.get(name, "sip", state?, opts?)`. An account has exactly one SIP config, so its
     * id is always `"sip"`; `state` says where to read from (`apiKey`, `baseUrl`, ...).
     *
     * @example
     * ```ts
     * const sip = ultravox.SipConfig.get("ultravox-sip", "sip");
     * export const pbxAllowlist = sip.allowedCidrRanges;
     * // Another account, with its own key (stored as a secret):
     * const other = ultravox.SipConfig.get("other", "sip", { apiKey: config.requireSecret("otherKey") });
     * ```
     */
    static get(
        name: string,
        id: pulumi.Input<pulumi.ID>,
        state: SipConfigState = {},
        opts: pulumi.CustomResourceOptions = {},
    ): SipConfig {
        // Where to read from; the outputs in `state` are not used (see SipConfigState).
        const args: ConnectionInputs = {
            apiKey: state.apiKey,
            baseUrl: state.baseUrl,
            timeoutMs: state.timeoutMs,
            maxRetries: state.maxRetries,
        };
        if (typeof id === "object" && id !== null && !pulumi.Output.isInstance(id) && !(id instanceof Promise)) {
            // The earlier form, SipConfig.get(name, { apiKey, baseUrl }), from JavaScript.
            throw new UltravoxError(
                "invalid_input",
                `SipConfig.get("${name}") was given an object where the id goes: it takes the id "${SIP_CONFIG_ID}" second and the connection settings third, as Pulumi's generated SDKs do: SipConfig.get("${name}", "${SIP_CONFIG_ID}", { apiKey, baseUrl }).`,
            );
        }
        if (opts.import !== undefined) {
            throw new UltravoxError(
                "invalid_input",
                `SipConfig.get("${name}") was given opts.import: a read has nothing to import, it only reads the account's SIP config. To own the config from this stack, use \`new SipConfig(name, args)\` instead (no import needed: it takes over the fields given).`,
            );
        }
        const readIdValue = readId(args);
        if (typeof id === "string") {
            checkId(name, id);
            return new SipConfig(name, args, { ...opts, id: readIdValue });
        }
        // An id known only later (another resource's output) is checked when it is.
        return new SipConfig(name, args, {
            ...opts,
            id: pulumi.all([id, readIdValue]).apply(([resolved, value]) => {
                checkId(name, resolved);
                return value;
            }),
        });
    }

    /** The engine's type token of both forms (the dynamic provider's, with this package's module and type). */
    static readonly __pulumiType = "pulumi-nodejs:dynamic/ultravox:SipConfig";

    /**
     * Whether `obj` is a `SipConfig`, also one made by another copy of this package (as in
     * Pulumi's generated SDKs, which compare the type token rather than use `instanceof`).
     */
    static override isInstance(obj: unknown): obj is SipConfig {
        if (obj === undefined || obj === null) return false;
        return (obj as { __pulumiType?: unknown }).__pulumiType === SipConfig.__pulumiType;
    }

    /**
     * The managed form: the fields given in `args` are written at create and update, drift is
     * shown by preview and set back by up, and destroy gives back the values from before.
     *
     * @example
     * ```ts
     * const pbxIp = new aws.ec2.Eip("pbx");
     * const allowlist = new ultravox.SipConfig("pbx-allowlist", {
     *     allowedCidrRanges: [pulumi.interpolate`${pbxIp.publicIp}/32`],
     * });
     * ```
     */
    constructor(name: string, args: SipConfigArgs = {}, opts: pulumi.CustomResourceOptions = {}) {
        const reading = opts.id !== undefined;
        if (!reading && opts.import !== undefined) {
            // The engine cannot import a dynamic provider's resource (pulumi/pulumi#16175): it would
            // fail later, with "code must be a string", far from this line.
            throw new UltravoxError(
                "invalid_input",
                `new SipConfig("${name}") was given opts.import: Pulumi cannot import a resource of a dynamic provider (pulumi/pulumi#16175). To adopt the config as it is, use the \`ultravox\` plugin's SipConfig (\`pulumi import ultravox:index:SipConfig <name> sip\`, or its import option). Or leave the option out: \`new SipConfig(name, args)\` takes over the fields given in args, records the account's values from before, and destroy gives those back; the fields left out are neither written nor reverted.`,
            );
        }
        const props: pulumi.Inputs = {
            apiKey: args.apiKey === undefined ? undefined : pulumi.secret(args.apiKey),
            baseUrl: args.baseUrl,
            timeoutMs: args.timeoutMs,
            maxRetries: args.maxRetries,
        };
        if (!reading) {
            props.allowedCidrRanges = args.allowedCidrRanges;
            props.allowAllAgents = args.allowAllAgents;
            props.allowedAgents = args.allowedAgents;
            props.fallbackHandler =
                args.fallbackHandler == null ? args.fallbackHandler : pulumi.secret(args.fallbackHandler);
            props.restoreOnDelete = args.restoreOnDelete;
        }
        // Every output must be listed, even as undefined, or the SDK gives it no resolver.
        for (const output of OUTPUT_NAMES) {
            if (!(output in props) || props[output] === undefined) props[output] = undefined;
        }
        super(
            reading ? sipConfigReadProvider : sipConfigManagedProvider,
            name,
            props,
            {
                ...opts,
                additionalSecretOutputs: [
                    ...new Set([
                        ...(opts.additionalSecretOutputs ?? []),
                        ...SECRET_OUTPUT_NAMES,
                        ...(reading ? [] : SECRET_STATE_NAMES),
                    ]),
                ],
            },
            "ultravox",
            "SipConfig",
        );
        this.routing = pulumi
            .all([
                this.domain,
                this.allowedCidrRanges,
                this.allowAllAgents,
                this.allowedAgents,
                this.fallbackHandlerUrl,
            ])
            .apply(([domain, allowedCidrRanges, allowAllAgents, allowedAgents, fallbackHandlerUrl]) => ({
                domain,
                allowedCidrRanges,
                allowAllAgents,
                allowedAgents,
                fallbackHandlerUrl,
            }));
    }
}

/**
 * The read's id: unknown while a connection setting given as an Output is (at preview, another
 * resource's output), so the engine reads nothing rather than falling back to the stack's own
 * key or base URL, which may be another account's. Never secret: an id is stored in plaintext.
 */
function readId(args: ConnectionInputs): pulumi.Input<string> {
    const settings = [args.apiKey, args.baseUrl, args.timeoutMs, args.maxRetries].filter(
        (value) => value !== undefined,
    );
    if (settings.length === 0) return SIP_CONFIG_ID;
    return pulumi.unsecret(pulumi.all(settings).apply(() => SIP_CONFIG_ID));
}

/** An account has one SIP config, `"sip"`: any other id is a mistake, named at once. */
function checkId(name: string, id: string): void {
    if (id === SIP_CONFIG_ID) return;
    throw new UltravoxError(
        "invalid_input",
        `SipConfig.get("${name}") was given the id ${JSON.stringify(id)}: an Ultravox account has exactly one SIP config, and its id is "${SIP_CONFIG_ID}". Use SipConfig.get("${name}", "${SIP_CONFIG_ID}", { apiKey, baseUrl }) and pick the account with the state's apiKey.`,
    );
}
