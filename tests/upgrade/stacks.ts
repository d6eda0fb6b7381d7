/**
 * The stacks whose states each release leaves in tests/upgrade/states/<version>/, written once by
 * that release (tests/upgrade/generateStates.ts) and replayed by every later one
 * (tests/e2e/upgrade.test.ts): the same programs, the same stack config, the same account.
 *
 * Frozen with the states: changing a program, a constant or the initial account here makes the
 * checked-in states disagree with it, and the upgrade test fails. A new release adds its own
 * folder of states; it never rewrites an old one.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumiModule from "@pulumi/pulumi";
import type * as ultravoxModule from "pulumi-ultravox";
import type { EmulatorAccount } from "pulumi-ultravox/emulator";
import { AGENT_A, AGENT_B, DOMAIN, TEST_API_KEY } from "../helpers/fixtures";
import { REPO_ROOT } from "../helpers/repo";

/** The passphrase of the secrets provider every checked-in state is encrypted with. Not a secret: a test's. */
/** Where the checked-in states live: one folder per release that wrote them. */
export const STATES_DIR = path.join(REPO_ROOT, "tests", "upgrade", "states");

/** The releases whose states are checked in, oldest first. */
export function releasesWithStates(): string[] {
    return fs
        .readdirSync(STATES_DIR, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
}

export const UPGRADE_PASSPHRASE = "upgrade-states-passphrase-not-a-secret";
/** The one stack name; each program is a project of its own (the URNs hold both names). */
export const STACK = "upgrade";

export const FALLBACK_URL = "https://pbx.example.com/ultravox/fallback-upgrade";
export const FALLBACK_SECRET = "upgrade-fallback-secret-0123456789";
export const PBX_PASSWORD = "upgrade-pbx-password-0123456789";
/** The registration the account holds before any stack runs: the read stacks read it. */
export const EXISTING_REGISTRATION_ID = "5d0c1a8e-7b3f-4e2a-9c61-0f4b8d2e7a13";
const EXISTING_PASSWORD = "existing-pbx-password-9876543210";
const INITIAL_FALLBACK_SECRETS = ["initial-fallback-secret-one-0123", "initial-fallback-secret-two-4567"];

/** Every credential and secret the states and accounts hold: plain text nowhere in the checked-in files. */
export const SECRETS: Readonly<Record<string, string>> = {
    apiKey: TEST_API_KEY,
    fallbackSecret: FALLBACK_SECRET,
    pbxPassword: PBX_PASSWORD,
    existingPassword: EXISTING_PASSWORD,
    initialFallbackSecretOne: INITIAL_FALLBACK_SECRETS[0] as string,
    initialFallbackSecretTwo: INITIAL_FALLBACK_SECRETS[1] as string,
};
/** The emulator's URL, a new port on every run. */
export const BASE_URL_PLACEHOLDER = "{{baseUrl}}";

/** `{{name}}` for each secret and the base URL, in a checked-in file's text. */
export function withPlaceholders(text: string, baseUrl: string): string {
    let out = text.split(baseUrl).join(BASE_URL_PLACEHOLDER);
    for (const [name, value] of Object.entries(SECRETS)) out = out.split(value).join(`{{${name}}}`);
    return out;
}

/** A checked-in file's text with each placeholder replaced; an unknown (or unexpected) placeholder is an error. */
export function withoutPlaceholders(text: string, baseUrl?: string): string {
    return text.replace(/\{\{([A-Za-z]+)\}\}/g, (placeholder, name: string) => {
        if (placeholder === BASE_URL_PLACEHOLDER) {
            if (baseUrl === undefined) throw new Error(`unexpected placeholder ${placeholder}`);
            return baseUrl;
        }
        const value = SECRETS[name];
        if (value === undefined) throw new Error(`unknown placeholder ${placeholder}`);
        return value;
    });
}

/** The account before any stack ran: its SIP config, and one registration made outside the stacks. */
export function initialAccount(): EmulatorAccount {
    return {
        apiKeys: [TEST_API_KEY],
        sip: {
            domain: DOMAIN,
            allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24", "9.0.0.0/8"],
            allowAllAgents: false,
            allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
            fallbackHandler: {
                url: "https://pbx.example.com/ultravox/fallback-initial",
                secrets: INITIAL_FALLBACK_SECRETS,
            },
        },
        registrations: [
            {
                registrationId: EXISTING_REGISTRATION_ID,
                created: "2026-01-05T09:30:00.000Z",
                username: "existing",
                password: EXISTING_PASSWORD,
                proxy: "pbx.example.test",
                outboundProxy: "edge.pbx.example.test:5060",
                authUser: null,
            },
        ],
    };
}

/** The managed stack's inputs: what `up` writes to the account. */
export const MANAGED = {
    allowedCidrRanges: ["203.0.113.50/32", "198.51.100.0/24"],
    allowedAgents: [{ agentId: AGENT_A, toUserPattern: "^pbx$" }, { agentId: AGENT_B }],
    registration: { username: "ultravox", proxy: "sip.pbx.example.test:5060", authUser: "ultravox-auth" },
} as const;

/** The stacks: each door (the TypeScript dynamic provider, the plugin through YAML) owning and reading. */
export const STATE_NAMES = ["dynamic-managed", "dynamic-read", "plugin-managed", "plugin-read"] as const;
export type StateName = (typeof STATE_NAMES)[number];
export const isPluginState = (name: StateName): boolean => name.startsWith("plugin-");
export const isManagedState = (name: StateName): boolean => name.endsWith("-managed");
export const projectOf = (name: StateName): string => `uv-upgrade-${name}`;

/** The stack config each stack runs with (not part of its state): `[key, value, secret]`. */
export function stackConfig(name: StateName, baseUrl: string): [string, string, boolean][] {
    const settings: [string, string, boolean][] = [
        ["ultravox:apiKey", TEST_API_KEY, true],
        ["ultravox:baseUrl", baseUrl, false],
    ];
    if (isManagedState(name)) {
        settings.push(
            [`${projectOf(name)}:fallbackSecret`, FALLBACK_SECRET, true],
            [`${projectOf(name)}:pbxPassword`, PBX_PASSWORD, true],
        );
    }
    return settings;
}

/**
 * The TypeScript program of a dynamic-provider stack, written against `ultravox` (one release's
 * package) and `pulumi` (the SDK that package loads): the generator passes the old release's, the
 * test this checkout's.
 */
export function dynamicProgram(
    name: "dynamic-managed" | "dynamic-read",
    ultravox: typeof ultravoxModule,
    pulumi: typeof pulumiModule,
): () => Promise<Record<string, unknown>> {
    if (name === "dynamic-read") {
        return async () => {
            const sip = ultravox.SipConfig.get("sip", "sip");
            const existing = ultravox.SipRegistration.get("existing", EXISTING_REGISTRATION_ID);
            return { domain: sip.domain, allowedCidrRanges: sip.allowedCidrRanges, existingProxy: existing.proxy };
        };
    }
    return async () => {
        const config = new pulumi.Config();
        const allowlist = new ultravox.SipConfig("allowlist", {
            allowedCidrRanges: [...MANAGED.allowedCidrRanges],
            allowedAgents: MANAGED.allowedAgents.map((agent) => ({ ...agent })),
            fallbackHandler: { url: FALLBACK_URL, secrets: [config.requireSecret("fallbackSecret")] },
        });
        const trunk = new ultravox.SipRegistration("trunk", {
            ...MANAGED.registration,
            password: config.requireSecret("pbxPassword"),
        });
        return {
            domain: allowlist.domain,
            allowedCidrRanges: allowlist.allowedCidrRanges,
            registrationId: trunk.registrationId,
        };
    };
}

/** `${expression}`: a Pulumi YAML interpolation, as YAML reads it. */
const yamlRef = (expression: string): string => `\${${expression}}`;

/**
 * The Pulumi.yaml of a plugin stack: the same resources through `ultravox:index:*`, the plugin
 * found at `../../provider/package/plugin` (the project folder sits two levels under a checkout).
 */
export function yamlProgram(name: "plugin-managed" | "plugin-read"): string {
    const head = [
        `name: ${projectOf(name)}`,
        "runtime: yaml",
        "packages:",
        "  ultravox: ../../provider/package/plugin",
    ];
    if (name === "plugin-read") {
        return `${[
            ...head,
            "resources:",
            "  sip:",
            "    type: ultravox:SipConfig",
            "    get:",
            "      id: sip",
            "  existing:",
            "    type: ultravox:SipRegistration",
            "    get:",
            `      id: ${EXISTING_REGISTRATION_ID}`,
            "outputs:",
            `  domain: ${yamlRef("sip.domain")}`,
            `  allowedCidrRanges: ${yamlRef("sip.allowedCidrRanges")}`,
            `  existingProxy: ${yamlRef("existing.proxy")}`,
        ].join("\n")}\n`;
    }
    const [first, second] = MANAGED.allowedAgents;
    return `${[
        ...head,
        "config:",
        "  fallbackSecret:",
        "    type: string",
        "  pbxPassword:",
        "    type: string",
        "resources:",
        "  allowlist:",
        "    type: ultravox:SipConfig",
        "    properties:",
        "      allowedCidrRanges:",
        ...MANAGED.allowedCidrRanges.map((range) => `        - ${range}`),
        "      allowedAgents:",
        `        - agentId: ${first.agentId}`,
        `          toUserPattern: "${first.toUserPattern}"`,
        `        - agentId: ${second.agentId}`,
        "      fallbackHandler:",
        `        url: ${FALLBACK_URL}`,
        "        secrets:",
        `          - ${yamlRef("fallbackSecret")}`,
        "  trunk:",
        "    type: ultravox:SipRegistration",
        "    properties:",
        `      username: ${MANAGED.registration.username}`,
        `      password: ${yamlRef("pbxPassword")}`,
        `      proxy: ${MANAGED.registration.proxy}`,
        `      authUser: ${MANAGED.registration.authUser}`,
        "outputs:",
        `  domain: ${yamlRef("allowlist.domain")}`,
        `  allowedCidrRanges: ${yamlRef("allowlist.allowedCidrRanges")}`,
        `  registrationId: ${yamlRef("trunk.registrationId")}`,
    ].join("\n")}\n`;
}
