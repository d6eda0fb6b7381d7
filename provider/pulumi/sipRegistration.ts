import * as pulumi from "@pulumi/pulumi";
import { UltravoxError } from "../core/errors";
import { REGISTRATION_SECRET_NAMES } from "../lifecycle/sipRegistration";
import type { ConnectionInputs } from "./connectionInputs";
import { sipRegistrationProvider } from "./dynamicProvider";

/** The inputs of a SIP registration: Ultravox registers with `proxy` as `username`. */
export interface SipRegistrationArgs extends ConnectionInputs {
    /** The SIP user Ultravox registers as (at most 60 characters, no spaces or control characters). */
    username: pulumi.Input<string>;
    /** Write-only: the API never returns it. Stored as a secret, always. */
    password: pulumi.Input<string>;
    /** The SIP server to register with: a host, host:port or SIP URI (at most 100 characters). */
    proxy: pulumi.Input<string>;
    /** A proxy used to reach that server (at most 100 characters). */
    outboundProxy?: pulumi.Input<string | null>;
    /** The authentication user, when it differs from `username` (at most 60 characters). */
    authUser?: pulumi.Input<string | null>;
    /**
     * Absent or 0: don't wait. Else create and update read the registration again until the API
     * says it is active (`successful: true`), and fail (`not_active`) if it turns false or after
     * this many seconds (at most 3600). The registration stays recorded either way, and the next
     * `up` waits again.
     */
    waitForActiveSeconds?: pulumi.Input<number>;
}

/** What `SipRegistration.get` reads from: the connection settings; the other fields are not used. */
export interface SipRegistrationState extends ConnectionInputs {
    registrationId?: pulumi.Input<string>;
    created?: pulumi.Input<string>;
    username?: pulumi.Input<string>;
    proxy?: pulumi.Input<string>;
    outboundProxy?: pulumi.Input<string | null>;
    authUser?: pulumi.Input<string | null>;
    successful?: pulumi.Input<boolean | null>;
    password?: pulumi.Input<string>;
}

const OUTPUT_NAMES = [
    "registrationId",
    "created",
    "username",
    "proxy",
    "outboundProxy",
    "authUser",
    "successful",
    "password",
] as const;

/**
 * A SIP registration: Ultravox registers with your SIP server (a cloud PBX, one without a fixed
 * address) as a SIP user. Create POSTs it, a change of any input PATCHes it in place, delete
 * DELETEs it; `preview` and `refresh` show a change made in the console to every readable field.
 * The password cannot be read back: one changed outside the stack goes unseen; change it in the
 * program to rotate it.
 */
export class SipRegistration extends pulumi.dynamic.Resource {
    /** The API's id of the registration. */
    declare readonly registrationId: pulumi.Output<string>;
    /** When it was created (ISO 8601). */
    declare readonly created: pulumi.Output<string>;
    declare readonly username: pulumi.Output<string>;
    declare readonly proxy: pulumi.Output<string>;
    declare readonly outboundProxy: pulumi.Output<string | null>;
    declare readonly authUser: pulumi.Output<string | null>;
    /**
     * Whether the registration is active (Ultravox's REGISTER to the proxy succeeded), as the API
     * last said: at the create or update, or at `pulumi refresh`; null when it does not say.
     */
    declare readonly successful: pulumi.Output<boolean | null>;
    /** Secret: the password the stack last wrote (the API never returns it). */
    declare readonly password: pulumi.Output<string>;

    /** The engine's type token (the dynamic provider's, with this package's module and type). */
    static readonly __pulumiType = "pulumi-nodejs:dynamic/ultravox:SipRegistration";

    /**
     * Whether `obj` is a `SipRegistration`, also one made by another copy of this package (the
     * type token is compared, as Pulumi's generated SDKs do).
     */
    static override isInstance(obj: unknown): obj is SipRegistration {
        if (obj === undefined || obj === null) return false;
        return (obj as { __pulumiType?: unknown }).__pulumiType === SipRegistration.__pulumiType;
    }

    /**
     * Reads an existing registration by its `registrationId`, without owning it. `state` says
     * where to read from (`apiKey`, `baseUrl`, ...).
     *
     * @example
     * ```ts
     * const existing = ultravox.SipRegistration.get("pbx", "7f0c3a5e-2a8e-4c1b-9d55-3e2f1a0b9c8d");
     * export const registeredAs = existing.username;
     * ```
     */
    static get(
        name: string,
        id: pulumi.Input<pulumi.ID>,
        state: SipRegistrationState = {},
        opts: pulumi.CustomResourceOptions = {},
    ): SipRegistration {
        const props: pulumi.Inputs = {
            apiKey: state.apiKey === undefined ? undefined : pulumi.secret(state.apiKey),
            baseUrl: state.baseUrl,
            timeoutMs: state.timeoutMs,
            maxRetries: state.maxRetries,
        };
        return new SipRegistration(name, props as unknown as SipRegistrationArgs, { ...opts, id });
    }

    /**
     * @example
     * ```ts
     * const password = config.requireSecret("pbxPassword");
     * const registration = new ultravox.SipRegistration("pbx", {
     *     username: "ultravox",
     *     password,
     *     proxy: "pbx.example.com",
     * });
     * ```
     */
    constructor(name: string, args: SipRegistrationArgs, opts: pulumi.CustomResourceOptions = {}) {
        const reading = opts.id !== undefined;
        if (!reading && opts.import !== undefined) {
            throw new UltravoxError(
                "invalid_input",
                `new SipRegistration("${name}") was given opts.import: Pulumi cannot import a resource of a dynamic provider (pulumi/pulumi#16175). Adopt it with the \`ultravox\` plugin's SipRegistration (\`pulumi import ultravox:index:SipRegistration <name> <registrationId>\`, or its import option), or read it with SipRegistration.get(name, registrationId).`,
            );
        }
        if (!reading && (args === undefined || args === null || typeof args !== "object")) {
            throw new UltravoxError(
                "invalid_input",
                `new SipRegistration("${name}") needs args: { username, password, proxy }.`,
            );
        }
        const props: pulumi.Inputs = reading
            ? { ...(args as pulumi.Inputs) }
            : {
                  username: args.username,
                  password: pulumi.secret(args.password),
                  proxy: args.proxy,
                  outboundProxy: args.outboundProxy,
                  authUser: args.authUser,
                  waitForActiveSeconds: args.waitForActiveSeconds,
                  apiKey: args.apiKey === undefined ? undefined : pulumi.secret(args.apiKey),
                  baseUrl: args.baseUrl,
                  timeoutMs: args.timeoutMs,
                  maxRetries: args.maxRetries,
              };
        // Every output must be listed, even as undefined, or the SDK gives it no resolver.
        for (const output of OUTPUT_NAMES) {
            if (!(output in props)) props[output] = undefined;
        }
        super(
            sipRegistrationProvider,
            name,
            props,
            {
                ...opts,
                additionalSecretOutputs: [
                    ...new Set([...(opts.additionalSecretOutputs ?? []), ...REGISTRATION_SECRET_NAMES]),
                ],
            },
            "ultravox",
            "SipRegistration",
        );
    }
}
