/**
 * The cross-language package's schema, written by hand: the one description every language's SDK
 * is generated from (`npm run gen-sdks`) and that the plugin serves to the engine (`GetSchema`).
 * Property names and descriptions follow the TypeScript package, so a value means the same in
 * every language.
 */

import { functionTypes, packageFunctions } from "./functions/index";

export const PACKAGE_NAME = "ultravox";
export const SIP_CONFIG_TYPE = "ultravox:index:SipConfig";
export const GET_SIP_CONFIG_FUNCTION = "ultravox:index:getSipConfig";
/** The plugin's version: the npm package's, so an SDK and the plugin it asks for agree. */
export const PACKAGE_VERSION: string = (require("../../package.json") as { version: string }).version;

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

const settingsDescription = {
    apiKey: "The Ultravox API key. Default: stack config `ultravox:apiKey`, then `ULTRAVOX_API_KEY`.",
    baseUrl:
        "The API's base URL. Default: `ultravox:baseUrl`, then `ULTRAVOX_BASE_URL`, then `https://api.ultravox.ai`; `http:` only to loopback.",
};

export const packageSchema = {
    name: PACKAGE_NAME,
    displayName: "Ultravox",
    version: PACKAGE_VERSION,
    description: "Read an Ultravox account's SIP configuration into a Pulumi stack.",
    keywords: ["pulumi", "ultravox", "sip", "category/network"],
    license: "Apache-2.0",
    config: {
        variables: {
            apiKey: { ...string, secret: true, description: settingsDescription.apiKey },
            baseUrl: { ...string, description: settingsDescription.baseUrl },
        },
    },
    provider: {
        description: "Which Ultravox account to read, and how. Without arguments: stack config, then the environment.",
        inputProperties: {
            apiKey: { ...string, secret: true, description: settingsDescription.apiKey },
            baseUrl: { ...string, description: settingsDescription.baseUrl },
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
        "ultravox:index:FallbackHandler": {
            type: "object",
            description: "The fallback webhook. `secrets` are credentials.",
            properties: { url: string, secrets: stringList },
            required: ["url", "secrets"],
        },
        ...functionTypes,
    },
    resources: {
        [SIP_CONFIG_TYPE]: {
            description:
                'The account\'s SIP config, read (never written) from a stack: use `SipConfig.get(name, "sip")`. ' +
                "Read at preview and at up; the fallback handler is a secret output.",
            properties: sipConfigProperties,
            required: requiredOutputs,
            inputProperties: {},
        },
    },
    functions: {
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
            importBasePath: "pulumi-ultravox/sdk/go/ultravox",
            modulePath: "pulumi-ultravox/sdk/go",
            generateResourceContainerTypes: false,
            respectSchemaVersion: true,
        },
        python: { packageName: "pulumi_ultravox", respectSchemaVersion: true, pyproject: { enabled: true } },
        nodejs: { packageName: "pulumi-ultravox-package" },
    },
};
