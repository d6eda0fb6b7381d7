/**
 * The cross-language package's schema, written by hand: the one description every language's SDK
 * is generated from (`npm run gen-sdks`) and that the plugin serves to the engine (`GetSchema`).
 * Property names and descriptions follow the TypeScript package, so a value means the same in
 * every language.
 */

import {
    goModulePath,
    HOMEPAGE,
    LICENSE,
    logoUrl,
    NPM_PACKAGE_NAME,
    PACKAGE_VERSION,
    PLUGIN_DOWNLOAD_URL,
    publisher,
    repositoryUrl,
} from "./distribution";
import { functionTypes, packageFunctions } from "./functions/index";

export const PACKAGE_NAME = "ultravox";
export const SIP_CONFIG_TYPE = "ultravox:index:SipConfig";
export const GET_SIP_CONFIG_FUNCTION = "ultravox:index:getSipConfig";
export const SIP_REGISTRATION_TYPE = "ultravox:index:SipRegistration";
export const GET_SIP_REGISTRATIONS_FUNCTION = "ultravox:index:getSipRegistrations";
export { PACKAGE_VERSION } from "./distribution";

const string = { type: "string" } as const;
const stringList = { type: "array", items: string } as const;

/** What a read gives, in the order the TypeScript package documents it. */
const sipConfigProperties = {
    domain: { ...string, description: "Where to send INVITEs: `sip:agent_<agentId>@<domain>`." },
    allowedCidrRanges: {
        ...stringList,
        description:
            "IPv4 CIDRs Ultravox accepts calls from (your PBXs and SBCs): host bits zeroed, deduplicated, sorted numerically.",
    },
    allowAllAgents: { type: "boolean", description: "Whether every agent of the account may be called." },
    allowedAgents: {
        type: "array",
        items: { $ref: "#/types/ultravox:index:AgentAllowance" },
        description: "The agents that may be called, in the API's order (first match wins).",
    },
    fallbackHandler: {
        $ref: "#/types/ultravox:index:FallbackHandler",
        secret: true,
        description: "The fallback webhook with its signing secrets (secret), or null.",
    },
    fallbackHandlerUrl: { ...string, description: "The fallback handler's URL as a plain value, or null." },
    fingerprint: {
        ...string,
        description: "sha256 (hex) of the normalized config without the secrets: changes only when routing changes.",
    },
    agentDialTargets: {
        type: "array",
        items: { $ref: "#/types/ultravox:index:AgentDialTarget" },
        description:
            "How to dial each entry of `allowedAgents`, in order: `uri` only where `sip:agent_<agentId>@<domain>` reaches that agent under this config.",
    },
} as const;

/** What the function gives: everything but the secret `fallbackHandler` (see its description). */
const { fallbackHandler: _secret, ...functionProperties } = sipConfigProperties;

/** Always present in a read (`fallbackHandler` and `fallbackHandlerUrl` may be null). */
const requiredOutputs = [
    "domain",
    "allowedCidrRanges",
    "allowAllAgents",
    "allowedAgents",
    "fingerprint",
    "agentDialTargets",
];

const registrationInputs = {
    username: { ...string, description: "The SIP user Ultravox registers as (at most 60 characters, no spaces)." },
    password: {
        ...string,
        secret: true,
        description: "Write-only: the API never returns it. Always a secret, in the inputs and the outputs.",
    },
    proxy: {
        ...string,
        description: "The SIP server to register with: a host, host:port or SIP URI (at most 100 characters).",
    },
    outboundProxy: { ...string, description: "A proxy used to reach that server (at most 100 characters)." },
    authUser: {
        ...string,
        description: "The authentication user, when it differs from `username` (at most 60 characters).",
    },
} as const;

const { password: _writeOnly, ...registrationWritable } = registrationInputs;

const registrationReadable = {
    registrationId: { ...string, description: "The API's id of the registration." },
    created: { ...string, description: "When it was created (ISO 8601)." },
    ...registrationWritable,
    successful: {
        type: "boolean",
        description:
            "Whether the registration is active (Ultravox's REGISTER to the proxy succeeded), as the API last said; null when it does not say.",
    },
} as const;

const waitForActiveSeconds = {
    type: "integer",
    description:
        "Absent or 0: don't wait. Else create and update read the registration again until the API says it is active (`successful: true`), and fail (`not_active`) if it turns false or after this many seconds (at most 3600). The registration stays recorded either way, and the next `up` waits again.",
} as const;

const settingsDescription = {
    timeoutMs:
        "The deadline of each call to the API in milliseconds, retries included. Default: `ultravox:timeoutMs`, then 30000.",
    maxRetries: "Retries on 429, 502, 503, 504 and connection resets. Default: `ultravox:maxRetries`, then 3.",
    apiKey: "The Ultravox API key. Default: stack config `ultravox:apiKey`, then `ULTRAVOX_API_KEY`.",
    baseUrl:
        "The API's base URL. Default: `ultravox:baseUrl`, then `ULTRAVOX_BASE_URL`, then `https://api.ultravox.ai`; `http:` only to loopback.",
};

/** The schema, naming where the engine downloads the plugin from (a release gives its own URL). */
export function packageSchemaWith(pluginDownloadURL: string) {
    return { ...packageSchema, pluginDownloadURL };
}

export const packageSchema = {
    name: PACKAGE_NAME,
    displayName: "Ultravox",
    version: PACKAGE_VERSION,
    description: "Read and own an Ultravox account's SIP configuration from a Pulumi stack.",
    // The Pulumi Registry's conventions: kind/native (a provider of its own, not bridged) and a category.
    keywords: ["pulumi", "ultravox", "sip", "kind/native", "category/network"],
    publisher: publisher(),
    homepage: HOMEPAGE,
    license: LICENSE,
    repository: repositoryUrl(),
    logoUrl: logoUrl(),
    pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
    config: {
        variables: {
            apiKey: { ...string, secret: true, description: settingsDescription.apiKey },
            baseUrl: { ...string, description: settingsDescription.baseUrl },
            timeoutMs: { type: "integer", description: settingsDescription.timeoutMs },
            maxRetries: { type: "integer", description: settingsDescription.maxRetries },
        },
    },
    provider: {
        description: "Which Ultravox account to read, and how. Without arguments: stack config, then the environment.",
        inputProperties: {
            apiKey: { ...string, secret: true, description: settingsDescription.apiKey },
            baseUrl: { ...string, description: settingsDescription.baseUrl },
            timeoutMs: { type: "integer", description: settingsDescription.timeoutMs },
            maxRetries: { type: "integer", description: settingsDescription.maxRetries },
        },
    },
    types: {
        "ultravox:index:AgentAllowance": {
            type: "object",
            description: "One agent that may be called, with its pattern filled in.",
            properties: {
                agentId: string,
                toUserPattern: { ...string, description: "Defaults to `^agent_<agentId>$`." },
            },
            required: ["agentId", "toUserPattern"],
        },
        "ultravox:index:AgentDialTarget": {
            type: "object",
            description: "How a call reaches one agent of `allowedAgents` (what `explainInboundCall` decides).",
            properties: {
                agentId: string,
                uri: {
                    ...string,
                    description:
                        "`sip:agent_<agentId>@<domain>` when that To user reaches this agent under the config; else absent.",
                },
                toUserPattern: {
                    ...string,
                    description: "The agent's pattern: when `uri` is absent, dial a To user it matches.",
                },
                note: {
                    ...string,
                    description: "Why `uri` is absent and what to dial instead; absent when `uri` is set.",
                },
            },
            required: ["agentId", "toUserPattern"],
        },
        "ultravox:index:AllowedAgent": {
            type: "object",
            description: "One agent that may be called, as a SipConfig's input.",
            properties: {
                agentId: { ...string, description: "The agent's id (a UUID)." },
                toUserPattern: {
                    ...string,
                    description:
                        "The To user calls must match to reach this agent (at most 200 characters). Defaults to `^agent_<agentId>$`.",
                },
            },
            required: ["agentId"],
        },
        "ultravox:index:SipRegistrationData": {
            type: "object",
            description: "A SIP registration as the API gives it (the password is write-only: never given).",
            properties: registrationReadable,
            required: ["registrationId", "created", "username", "proxy"],
        },
        "ultravox:index:FallbackHandler": {
            type: "object",
            description: "The fallback webhook. `secrets` are credentials.",
            properties: { url: string, secrets: stringList },
            required: ["url", "secrets"],
        },
        ...functionTypes,
    },
    resources: {
        [SIP_REGISTRATION_TYPE]: {
            description:
                "A SIP registration: Ultravox registers with your SIP server (a cloud PBX, one without a fixed address) as a SIP user. " +
                "Create POSTs it, a change of any input PATCHes it in place, delete DELETEs it (one already gone counts as deleted); `preview` and `refresh` show a change made in the console. " +
                "The password is write-only: one changed outside the stack goes unseen; change it in the program to rotate it. " +
                '`pulumi import ultravox:index:SipRegistration <name> <registrationId>` adopts one: its generated `password: ""` keeps the registration\'s own password, and a password put there later is written by the next `up`.',
            properties: { ...registrationReadable, password: registrationInputs.password },
            required: ["registrationId", "created", "username", "proxy"],
            inputProperties: { ...registrationInputs, waitForActiveSeconds },
            requiredInputs: ["username", "password", "proxy"],
        },
        [SIP_CONFIG_TYPE]: {
            description:
                "The account's SIP config. Created with arguments, a SipConfig owns the fields given: create records their values from before, " +
                "update PATCHes only them, `preview` and `refresh` show a console edit, `up` sets it back, and destroy restores the fields that still hold what the stack wrote. " +
                'Its `get` with the id `"sip"` reads it without owning it; `pulumi import ultravox:index:SipConfig <name> sip` adopts it as it is. ' +
                "The account and key come from the provider. The fallback handler is a secret.",
            properties: sipConfigProperties,
            required: requiredOutputs,
            inputProperties: {
                allowedCidrRanges: {
                    ...stringList,
                    description:
                        "IPv4 CIDRs to accept calls from, host bits zero (`203.0.113.0/24`, `198.51.100.7/32`); order does not matter.",
                },
                allowAllAgents: { type: "boolean", description: "Whether every agent of the account may be called." },
                allowedAgents: {
                    type: "array",
                    items: { $ref: "#/types/ultravox:index:AllowedAgent" },
                    description: "At most 20. Order matters: the first pattern that matches wins.",
                },
                fallbackHandler: {
                    $ref: "#/types/ultravox:index:FallbackHandler",
                    secret: true,
                    description: "The fallback webhook and its signing secrets (at least one); stored as a secret.",
                },
                restoreOnDelete: {
                    type: "boolean",
                    description:
                        "Default true: destroy sets the owned fields back to their values from before the stack took them over.",
                },
            },
        },
    },
    functions: {
        [GET_SIP_REGISTRATIONS_FUNCTION]: {
            description:
                "Every SIP registration of the account, every page (no password: it is write-only). A list whose pages leave the base URL, repeat or never end is refused.",
            outputs: {
                properties: {
                    registrations: {
                        type: "array",
                        items: { $ref: "#/types/ultravox:index:SipRegistrationData" },
                        description: "In the API's order.",
                    },
                },
                required: ["registrations"],
            },
        },
        [GET_SIP_CONFIG_FUNCTION]: {
            description:
                "Reads the account's SIP config as a plain value (nothing in the state), without the fallback handler's signing secrets: " +
                "the SDKs' plain invoke forms drop a result's secret mark (Python) or refuse it (Go), so a function cannot carry them safely. " +
                "For `fallbackHandler`, read the resource: `SipConfig.get`.",
            outputs: { properties: functionProperties, required: requiredOutputs },
        },
        ...Object.fromEntries(
            Object.entries(packageFunctions).map(([token, { description, inputs, outputs }]) => [
                token,
                { description, inputs, outputs },
            ]),
        ),
    },
    // supportPack: the generators write a go.mod and a pyproject.toml, so each SDK is a package of its own.
    meta: { supportPack: true },
    language: {
        go: {
            importBasePath: `${goModulePath()}/ultravox`,
            modulePath: goModulePath(),
            generateResourceContainerTypes: false,
            respectSchemaVersion: true,
        },
        python: { packageName: "pulumi_ultravox", respectSchemaVersion: true, pyproject: { enabled: true } },
        // The npm package, whose plugin is the same one (one Node.js package name).
        nodejs: { packageName: NPM_PACKAGE_NAME },
    },
};
