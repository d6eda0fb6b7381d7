/**
 * The package's functions over gRPC against the real plugin process: each invoke gives exactly
 * what the TypeScript renderer gives for the same input (warnings that TypeScript passes to
 * `onWarning` come back in `warnings`), and a bad input fails the invoke with the renderer's own
 * `UltravoxError [invalid_input]` text while the plugin keeps serving.
 */
import { specialSecretSig, specialSigKey, unknownValue as UNKNOWN_VALUE } from "@pulumi/pulumi/runtime/rpc";
import { expect } from "chai";
import {
    agentDialTargets,
    asteriskPjsip,
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
    azureNsgSecurityRules,
    carrierTrunkUris,
    explainInboundCall,
    freeswitchGateway,
    gcpFirewallRules,
    getSipConfig,
    kamailioDispatcherList,
    kamailioPermissionsAddress,
    nftablesRuleset,
    type SipRouting,
    type WarningSink,
} from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, AGENT_B, account, DOMAIN, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { InvokeError, type PackagePlugin, startPackagePlugin } from "../helpers/packagePlugin";

/** As the API serves them: one with host bits set (a warning), one twice. */
const RAW_CIDRS: string[] = rawSipConfig().allowedCidrRanges ?? [];
/** The read's routing values for the fixture account (what `SipConfig.get` gives). */
const ROUTING = {
    domain: DOMAIN,
    allowedAgents: [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ],
    allowAllAgents: false,
    fallbackHandlerUrl: "https://pbx.example.com/ultravox/fallback",
};
const CONFIG: SipRouting = { ...ROUTING, allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "203.0.113.0/24"] };
const HOST_BITS_WARNING = "CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.";

/** A CIDR renderer's result and the warnings it passed to `onWarning`. */
function collected<T>(render: (onWarning: WarningSink) => T): { result: T; warnings: string[] } {
    const warnings: string[] = [];
    return { result: render((message) => warnings.push(message)), warnings };
}

/** The text of what `render` throws (what the plugin answers for it). */
function thrownText(render: () => unknown): string {
    try {
        render();
    } catch (error) {
        return String(error);
    }
    throw new Error("the TypeScript renderer did not throw");
}

interface Case {
    token: string;
    args: Record<string, unknown>;
    expected: () => unknown;
}

const rtp = { from: 10000, to: 20000 };

const CASES: Case[] = [
    {
        token: "nftablesRuleset",
        args: { allowedCidrRanges: RAW_CIDRS, rtp, dropOthers: true, table: "pbx", family: "ip" },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                nftablesRuleset(RAW_CIDRS, { rtp, dropOthers: true, table: "pbx", family: "ip", onWarning }),
            );
            return { text: result, warnings };
        },
    },
    {
        token: "awsSecurityGroupIngress",
        args: {
            allowedCidrRanges: RAW_CIDRS,
            aggregate: true,
            ports: [{ protocol: "udp", from: 5060, to: 5060 }],
            description: "pbx sip",
        },
        expected: () => {
            const options = { aggregate: true, ports: [{ protocol: "udp" as const, from: 5060, to: 5060 }] };
            const { result, warnings } = collected((onWarning) =>
                awsSecurityGroupIngress(RAW_CIDRS, { ...options, description: "pbx sip", onWarning }),
            );
            return { rules: result, warnings };
        },
    },
    {
        token: "awsSecurityGroupIngressChunks",
        args: { allowedCidrRanges: RAW_CIDRS, maxRulesPerGroup: 6 },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                awsSecurityGroupIngressChunks(RAW_CIDRS, { maxRulesPerGroup: 6, onWarning }),
            );
            return { groups: result, warnings };
        },
    },
    {
        token: "awsManagedPrefixListArgs",
        args: { allowedCidrRanges: RAW_CIDRS, description: "pbx", maxEntries: 10 },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                awsManagedPrefixListArgs(RAW_CIDRS, { description: "pbx", maxEntries: 10, onWarning }),
            );
            return { ...result, warnings };
        },
    },
    {
        token: "awsPrefixListIngress",
        args: { prefixListId: "pl-0123456789abcdef0", rtp },
        expected: () => ({ rules: awsPrefixListIngress("pl-0123456789abcdef0", { rtp }) }),
    },
    {
        token: "gcpFirewallRules",
        args: { allowedCidrRanges: RAW_CIDRS, rtp, maxSourceRangesPerRule: 2 },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                gcpFirewallRules(RAW_CIDRS, { rtp, maxSourceRangesPerRule: 2, onWarning }),
            );
            return { rules: result, warnings };
        },
    },
    {
        token: "azureNsgSecurityRules",
        args: { allowedCidrRanges: RAW_CIDRS, priorityStart: 200, namePrefix: "uv", maxPrefixesPerRule: 3 },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                azureNsgSecurityRules(RAW_CIDRS, {
                    priorityStart: 200,
                    namePrefix: "uv",
                    maxPrefixesPerRule: 3,
                    onWarning,
                }),
            );
            return { rules: result, warnings };
        },
    },
    {
        token: "kamailioPermissionsAddress",
        args: { allowedCidrRanges: RAW_CIDRS, groupId: 2, port: 5060, tag: "uv" },
        expected: () => {
            const { result, warnings } = collected((onWarning) =>
                kamailioPermissionsAddress(RAW_CIDRS, { groupId: 2, port: 5060, tag: "uv", onWarning }),
            );
            return { text: result, warnings };
        },
    },
    {
        token: "asteriskPjsip",
        args: {
            ...ROUTING,
            transport: "tls",
            codecs: ["G.722", "ulaw"],
            endpointName: "uv",
            aclCidrs: ["203.0.113.0/24"],
        },
        expected: () =>
            asteriskPjsip(CONFIG, {
                transport: "tls",
                codecs: ["G.722", "ulaw"],
                endpointName: "uv",
                aclCidrs: ["203.0.113.0/24"],
            }),
    },
    {
        token: "freeswitchGateway",
        args: { ...ROUTING, allowedCidrRanges: CONFIG.allowedCidrRanges, gatewayName: "uv", callerIdInFrom: false },
        expected: () => freeswitchGateway(CONFIG, { gatewayName: "uv", callerIdInFrom: false }),
    },
    {
        token: "kamailioDispatcherList",
        args: { ...ROUTING, transport: "tcp", setId: 3, flags: 16, attrs: "duid=uv" },
        expected: () => kamailioDispatcherList(CONFIG, { transport: "tcp", setId: 3, flags: 16, attrs: "duid=uv" }),
    },
    {
        token: "carrierTrunkUris",
        args: { ...ROUTING, transport: "tcp", agents: [AGENT_A] },
        expected: () => carrierTrunkUris(CONFIG, { transport: "tcp", agents: [AGENT_A] }),
    },
    {
        token: "explainInboundCall",
        args: {
            allowedCidrRanges: CONFIG.allowedCidrRanges,
            allowedAgents: ROUTING.allowedAgents,
            allowAllAgents: false,
            fallbackHandlerUrl: ROUTING.fallbackHandlerUrl,
            sourceIp: "203.0.113.9",
            toUser: "support",
        },
        expected: () => explainInboundCall(CONFIG, { sourceIp: "203.0.113.9", toUser: "support" }),
    },
];

/** A bad input of each function, and what the TypeScript renderer throws for it. */
const BAD: { token: string; args: Record<string, unknown>; thrown: () => unknown }[] = [
    {
        token: "nftablesRuleset",
        args: { allowedCidrRanges: RAW_CIDRS, table: "table" },
        thrown: () => nftablesRuleset(RAW_CIDRS, { table: "table" }),
    },
    {
        token: "awsSecurityGroupIngress",
        args: { allowedCidrRanges: ["10.0.0.0/33"] },
        thrown: () => awsSecurityGroupIngress(["10.0.0.0/33"]),
    },
    {
        token: "awsSecurityGroupIngressChunks",
        args: { allowedCidrRanges: RAW_CIDRS, maxRulesPerGroup: 2 },
        thrown: () => awsSecurityGroupIngressChunks(RAW_CIDRS, { maxRulesPerGroup: 2 }),
    },
    {
        token: "awsManagedPrefixListArgs",
        args: { allowedCidrRanges: RAW_CIDRS, maxEntries: 2 },
        thrown: () => awsManagedPrefixListArgs(RAW_CIDRS, { maxEntries: 2 }),
    },
    {
        token: "awsPrefixListIngress",
        args: { prefixListId: "pl-1", description: 'say "hi"' },
        thrown: () => awsPrefixListIngress("pl-1", { description: 'say "hi"' }),
    },
    {
        token: "gcpFirewallRules",
        args: { allowedCidrRanges: RAW_CIDRS, maxSourceRangesPerRule: 0 },
        thrown: () => gcpFirewallRules(RAW_CIDRS, { maxSourceRangesPerRule: 0 }),
    },
    {
        token: "azureNsgSecurityRules",
        args: { allowedCidrRanges: RAW_CIDRS, priorityStart: 50 },
        thrown: () => azureNsgSecurityRules(RAW_CIDRS, { priorityStart: 50 }),
    },
    {
        token: "kamailioPermissionsAddress",
        args: { allowedCidrRanges: RAW_CIDRS, tag: "a b" },
        thrown: () => kamailioPermissionsAddress(RAW_CIDRS, { tag: "a b" }),
    },
    {
        token: "asteriskPjsip",
        args: { ...ROUTING, codecs: ["g7222"] },
        thrown: () => asteriskPjsip(CONFIG, { codecs: ["g7222"] }),
    },
    {
        token: "freeswitchGateway",
        args: { ...ROUTING, allowedCidrRanges: [], gatewayName: "my gateway" },
        thrown: () => freeswitchGateway(CONFIG, { gatewayName: "my gateway" }),
    },
    {
        token: "kamailioDispatcherList",
        args: { ...ROUTING, domain: "bad domain" },
        thrown: () => kamailioDispatcherList({ ...CONFIG, domain: "bad domain" }),
    },
    {
        token: "carrierTrunkUris",
        args: { ...ROUTING, transport: "sctp" },
        thrown: () => carrierTrunkUris(CONFIG, { transport: "sctp" as "udp" }),
    },
    {
        token: "explainInboundCall",
        args: { allowedCidrRanges: [], allowedAgents: [], allowAllAgents: false, sourceIp: "999.1.1.1", toUser: "x" },
        thrown: () => explainInboundCall(CONFIG, { sourceIp: "999.1.1.1", toUser: "x" }),
    },
];

describe("plugin: the ultravox package's functions, invoked over gRPC", function () {
    this.timeout(60_000);
    let plugin: PackagePlugin;

    before(async () => {
        plugin = await startPackagePlugin();
    });

    after(async () => {
        await plugin?.stop();
    });

    async function invokeError(token: string, args: Record<string, unknown>): Promise<string> {
        try {
            await plugin.invoke(`ultravox:index:${token}`, args);
        } catch (error) {
            if (error instanceof InvokeError) return error.details;
            throw error;
        }
        throw new Error(`${token} did not fail`);
    }

    for (const { token, args, expected } of CASES) {
        it(`${token} gives exactly what the TypeScript ${token} gives`, async () => {
            expect(await plugin.invoke(`ultravox:index:${token}`, args)).to.deep.equal(expected());
        });
    }

    it("the CIDR renderers return the warnings TypeScript passes to onWarning", async () => {
        const result = await plugin.invoke("ultravox:index:nftablesRuleset", { allowedCidrRanges: RAW_CIDRS });
        expect(result.warnings).to.deep.equal([HOST_BITS_WARNING]);
    });

    it("explainInboundCall leaves agentId out when the call reaches no agent, as TypeScript does", async () => {
        const args = { allowedCidrRanges: ["203.0.113.0/24"], allowedAgents: [], allowAllAgents: false };
        const result = await plugin.invoke("ultravox:index:explainInboundCall", {
            ...args,
            sourceIp: "198.51.100.1",
            toUser: "support",
        });
        expect(result).to.deep.equal({
            accepted: false,
            route: "rejected",
            reason: "Source IP 198.51.100.1 is not allowed: none of the 1 ranges in allowedCidrRanges contains it.",
            warnings: [],
        });
    });

    for (const { token, args, thrown } of BAD) {
        it(`${token}: a bad input fails with the renderer's own invalid_input text`, async () => {
            const expected = thrownText(thrown);
            expect(expected).to.match(/^UltravoxError \[invalid_input\]: /);
            expect(await invokeError(token, args)).to.equal(expected);
        });
    }

    it("an input of the wrong type, an unknown input or a missing one fails with invalid_input, naming it", async () => {
        expect(await invokeError("nftablesRuleset", { allowedCidrRanges: RAW_CIDRS, rtp: "10000-20000" })).to.equal(
            'UltravoxError [invalid_input]: rtp must be an object, got "10000-20000".',
        );
        expect(await invokeError("nftablesRuleset", { allowedCidrRanges: [5060] })).to.equal(
            "UltravoxError [invalid_input]: allowedCidrRanges[0] must be a string, got 5060.",
        );
        expect(await invokeError("asteriskPjsip", { ...ROUTING, allowedAgents: [{ agentId: AGENT_A }] })).to.equal(
            "UltravoxError [invalid_input]: allowedAgents[0].toUserPattern is required.",
        );
        expect(await invokeError("nftablesRuleset", { allowedCidrRanges: RAW_CIDRS, colour: "red" })).to.equal(
            "UltravoxError [invalid_input]: colour is not an input of this function (it takes allowedCidrRanges, ports, rtp, aggregate, table, setName, family, dropOthers).",
        );
        expect(await invokeError("carrierTrunkUris", { domain: DOMAIN, allowAllAgents: false })).to.equal(
            "UltravoxError [invalid_input]: allowedAgents is required.",
        );
        expect(await invokeError("nftablesRulesets", {})).to.match(
            /^UltravoxError \[invalid_input\]: Unknown function "ultravox:index:nftablesRulesets"; this plugin's functions are /,
        );
    });

    it("a secret in the wrong place is named as one, never quoted; a secret where it fits is unwrapped", async () => {
        const handler = rawSipConfig().fallbackHandler as { url: string; secrets: string[] };
        const CALL = {
            allowedCidrRanges: CONFIG.allowedCidrRanges,
            allowedAgents: ROUTING.allowedAgents,
            allowAllAgents: false,
            sourceIp: "203.0.113.9",
            toUser: "support",
        };
        // The fallback handler passed where its URL was meant, as a secret and as a plain object.
        expect(await invokeError("explainInboundCall", { ...CALL, fallbackHandlerUrl: secret(handler) })).to.equal(
            "UltravoxError [invalid_input]: fallbackHandlerUrl must be a string, got a secret value.",
        );
        expect(await invokeError("explainInboundCall", { ...CALL, fallbackHandlerUrl: handler })).to.equal(
            "UltravoxError [invalid_input]: fallbackHandlerUrl must be a string, got an object.",
        );
        expect(await invokeError("nftablesRuleset", { allowedCidrRanges: secret("203.0.113.0/24") })).to.equal(
            "UltravoxError [invalid_input]: allowedCidrRanges must be a list, got a secret value.",
        );
        const wrapped = await plugin.invoke("ultravox:index:nftablesRuleset", {
            allowedCidrRanges: secret(["203.0.113.0/24"]),
        });
        // Built from a secret, the result is secret (each member in an envelope).
        expect(wrapped).to.deep.equal({
            text: secret(nftablesRuleset(["203.0.113.0/24"])),
            warnings: secret([]),
        });
    });

    it("takes a read's objects under their Python names, as the Python SDK sends them to an invoke", async () => {
        const pythonAgents = ROUTING.allowedAgents.map(({ agentId, toUserPattern }) => ({
            agent_id: agentId,
            to_user_pattern: toUserPattern,
        }));
        expect(
            await plugin.invoke("ultravox:index:asteriskPjsip", { ...ROUTING, allowedAgents: pythonAgents }),
        ).to.deep.equal(asteriskPjsip(CONFIG));
        expect(await invokeError("asteriskPjsip", { ...ROUTING, allowed_agents: pythonAgents })).to.equal(
            "UltravoxError [invalid_input]: allowed_agents is not an input of this function (it takes domain, allowedAgents, allowAllAgents, fallbackHandlerUrl, agents, transport, codecs, endpointName, context, transportSection, aclCidrs, aclName).",
        );
    });

    it("keeps serving after the failures", async () => {
        expect(plugin.alive()).to.equal(true);
        const result = await plugin.invoke("ultravox:index:kamailioPermissionsAddress", {
            allowedCidrRanges: ["203.0.113.0/24"],
        });
        expect(result).to.deep.equal({ text: kamailioPermissionsAddress(["203.0.113.0/24"]), warnings: [] });
    });
});

describe("plugin: the getSipConfig function, invoked over gRPC", function () {
    this.timeout(60_000);
    let plugin: PackagePlugin;
    let emulator: Emulator;

    before(async () => {
        emulator = await startEmulator({ account: account() });
        plugin = await startPackagePlugin({ ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url });
    });

    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });

    it("gives the read's values but the fallback handler, with no secret anywhere in the result", async () => {
        const result = await plugin.invoke("ultravox:index:getSipConfig", {});
        const { fallbackHandler, ...withoutHandler } = await getSipConfig({
            apiKey: TEST_API_KEY,
            baseUrl: emulator.url,
        });
        expect(fallbackHandler?.secrets).to.have.length(2);
        expect(result).to.deep.equal({ ...withoutHandler, agentDialTargets: agentDialTargets(withoutHandler) });
        const text = JSON.stringify(result);
        // A secret envelope would carry Pulumi's special-value key.
        expect(text).to.not.contain(specialSigKey);
        for (const secret of fallbackHandler?.secrets ?? []) expect(text).to.not.contain(secret);
    });

    it('refuses another id than "sip" as the TypeScript data source does: UltravoxError [invalid_input]', async () => {
        const before = emulator.requests.length;
        const error = await plugin.read("other").then(
            () => undefined,
            (caught: unknown) => caught as InvokeError,
        );
        expect(error?.details).to.equal(
            'UltravoxError [invalid_input]: An account has one SIP config, whose id is "sip" (got "other"): read it with SipConfig.get(name, "sip"), or adopt it with `pulumi import ultravox:index:SipConfig <name> sip`.',
        );
        expect(emulator.requests.length).to.equal(before);
    });
});

/** A plugin started before a block's tests and stopped after them. */
function pluginPerBlock(): () => PackagePlugin {
    let plugin: PackagePlugin | undefined;
    before(async () => {
        plugin = await startPackagePlugin();
    });
    after(async () => {
        await plugin?.stop();
    });
    return () => plugin as PackagePlugin;
}

/** What a call that must fail says (the text the engine prints); the test fails if it succeeds. */
async function failureText(call: Promise<unknown>): Promise<string> {
    try {
        await call;
    } catch (error) {
        if (error instanceof InvokeError) return error.details;
        throw error;
    }
    throw new Error("the call did not fail");
}

/** How the engine sends a secret argument. */
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const isEnvelope = (value: unknown): value is { value: unknown } =>
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;

/** Every path in `args` to a string, a number or a boolean (array items and nested objects included). */
function scalarPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return [path];
    if (Array.isArray(value)) return value.flatMap((item, index) => scalarPaths(item, [...path, index]));
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([key, member]) => scalarPaths(member, [...path, key]));
    }
    return [];
}

/** `args` with the value at `path` replaced by `replace(old)`. */
function replaced(args: unknown, path: readonly (string | number)[], replace: (old: unknown) => unknown): unknown {
    if (path.length === 0) return replace(args);
    const [head, ...rest] = path as [string | number, ...(string | number)[]];
    const copy = (Array.isArray(args) ? [...args] : { ...(args as object) }) as Record<string | number, unknown>;
    copy[head] = replaced(copy[head], rest, replace);
    return copy;
}

describe("plugin: secret arguments are never quoted, and what is built from them is secret", function () {
    this.timeout(120_000);
    const plugin = pluginPerBlock();
    const handler = rawSipConfig().fallbackHandler as { url: string; secrets: string[] };
    const [signingSecret = ""] = handler.secrets;

    async function outcome(
        token: string,
        args: unknown,
    ): Promise<{ error?: string; result?: Record<string, unknown> }> {
        try {
            return { result: await plugin().invoke(`ultravox:index:${token}`, args as Record<string, unknown>) };
        } catch (error) {
            if (error instanceof InvokeError) return { error: error.details };
            throw error;
        }
    }

    it("the reported examples: the renderers' own checks say 'a secret value' where they quoted it", async () => {
        expect(await outcome("asteriskPjsip", { ...ROUTING, agents: secret(handler.secrets) })).to.deep.equal({
            error: "UltravoxError [invalid_input]: agents[0] a secret value is not in allowedAgents and allowAllAgents is off.",
        });
        expect(await outcome("asteriskPjsip", { ...ROUTING, transport: secret(signingSecret) })).to.deep.equal({
            error: 'UltravoxError [invalid_input]: transport must be "udp", "tcp" or "tls", got a secret value.',
        });
        const description = await outcome("awsSecurityGroupIngress", {
            allowedCidrRanges: RAW_CIDRS,
            description: secret(`${signingSecret}\n`),
        });
        expect(description.error).to.match(
            /^UltravoxError \[invalid_input\]: description a secret value holds a control/,
        );
    });

    for (const { token, args, expected } of CASES) {
        it(`${token}: any argument sent as a secret, valid or not, is never quoted, and marks the result secret`, async () => {
            const paths = scalarPaths(args);
            expect(paths.length).to.be.greaterThan(0);
            for (const path of paths) {
                // The same value as a secret: the same result, every member of it secret.
                const same = await outcome(token, replaced(args, path, secret));
                expect(same.error, `${path.join(".")} as a secret`).to.equal(undefined);
                const members = Object.values(same.result ?? {});
                expect(members.every(isEnvelope), `${path.join(".")}: every member secret`).to.equal(true);
                const unwrapped = Object.fromEntries(
                    Object.entries(same.result ?? {}).map(([name, member]) => [
                        name,
                        (member as { value: unknown }).value,
                    ]),
                );
                expect(unwrapped).to.deep.equal(expected());
                // Another secret value there (a signing secret, a large number): refused unquoted, or taken secretly.
                for (const value of [`${signingSecret}-${path.join("-")}`, 987654321]) {
                    const other = await outcome(
                        token,
                        replaced(args, path, () => secret(value)),
                    );
                    // Refused: the message names no secret. Taken: whatever holds it is secret.
                    if (other.error !== undefined) {
                        expect(other.error, `${path.join(".")} = secret ${value}`).to.not.contain(String(value));
                    } else {
                        const members = Object.values(other.result ?? {});
                        expect(members.every(isEnvelope), `${path.join(".")}: result secret`).to.equal(true);
                    }
                }
            }
        });
    }

    it("explainInboundCall's reason quoting a secret To user comes back secret", async () => {
        const result = await plugin().invoke("ultravox:index:explainInboundCall", {
            allowedCidrRanges: CONFIG.allowedCidrRanges,
            allowedAgents: ROUTING.allowedAgents,
            allowAllAgents: false,
            sourceIp: "203.0.113.9",
            toUser: secret(signingSecret),
        });
        expect(isEnvelope(result.reason)).to.equal(true);
        expect(String((result.reason as { value: unknown }).value)).to.contain(signingSecret);
        expect(Object.values(result).every(isEnvelope)).to.equal(true);
    });
});

describe("plugin: names are looked up as own properties only", function () {
    this.timeout(60_000);
    const plugin = pluginPerBlock();

    const invokeError = (token: string, args: Record<string, unknown>) => failureText(plugin().invoke(token, args));

    it("a function named __proto__ is an unknown function", async () => {
        // (An input of that name cannot be sent from a JavaScript client: protobuf's JavaScript map
        // drops it. The engine's Go client can; the plugin reads every member as an own property.)
        expect(await invokeError("ultravox:index:__proto__", {})).to.match(
            /^UltravoxError \[invalid_input\]: Unknown function "ultravox:index:__proto__"; this plugin's functions are /,
        );
    });

    for (const name of ["toString", "constructor", "valueOf", "hasOwnProperty", "isPrototypeOf"]) {
        it(`a function named ${name} is an unknown function; an input named ${name} is an unknown input`, async () => {
            expect(await invokeError(`ultravox:index:${name}`, {})).to.match(
                new RegExp(
                    `^UltravoxError \\[invalid_input\\]: Unknown function "ultravox:index:${name}"; this plugin's functions are ultravox:index:nftablesRuleset, `,
                ),
            );
            expect(
                await invokeError("ultravox:index:nftablesRuleset", { allowedCidrRanges: RAW_CIDRS, [name]: 1 }),
            ).to.equal(
                `UltravoxError [invalid_input]: ${name} is not an input of this function (it takes allowedCidrRanges, ports, rtp, aggregate, table, setName, family, dropOthers).`,
            );
            expect(
                await invokeError("ultravox:index:nftablesRuleset", {
                    allowedCidrRanges: RAW_CIDRS,
                    rtp: { from: 10000, to: 20000, [name]: "x" },
                }),
            ).to.equal(
                `UltravoxError [invalid_input]: rtp.${name} is not an input of this function (it takes from, to).`,
            );
            expect(plugin().alive()).to.equal(true);
        });
    }
});

describe("plugin: values written into a rendered file, through the plugin", function () {
    this.timeout(60_000);
    const plugin = pluginPerBlock();

    for (const character of ["\u0000", "\u0001", "\u0085", "\u2028", "\u2029", "\u007f"]) {
        it(`refuses ${JSON.stringify(character)} in Kamailio's tag and attrs and in a firewall description`, async () => {
            const calls: [string, Record<string, unknown>][] = [
                ["kamailioPermissionsAddress", { allowedCidrRanges: RAW_CIDRS, tag: `a${character}b` }],
                ["kamailioDispatcherList", { ...ROUTING, attrs: `duid=a${character}b` }],
                ["gcpFirewallRules", { allowedCidrRanges: RAW_CIDRS, description: `a${character}b` }],
                ["azureNsgSecurityRules", { allowedCidrRanges: RAW_CIDRS, description: `a${character}b` }],
            ];
            for (const [token, args] of calls) {
                const failed = await failureText(plugin().invoke(`ultravox:index:${token}`, args));
                expect(failed, token).to.match(
                    /^UltravoxError \[invalid_input\]: \w+ ".*" holds a control, line-separator or paragraph-separator character/,
                );
            }
        });
    }
});

describe("plugin: messages past gRPC's default 4 MiB", function () {
    this.timeout(120_000);
    const plugin = pluginPerBlock();

    it("250 000 CIDRs (about 4.5 MB of arguments) render as in TypeScript", async () => {
        const cidrs = Array.from(
            { length: 250_000 },
            (_, index) => `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}/32`,
        );
        const result = await plugin().invoke("ultravox:index:kamailioPermissionsAddress", { allowedCidrRanges: cidrs });
        expect(result).to.deep.equal({ text: kamailioPermissionsAddress(cidrs), warnings: [] });
    });
});

describe("plugin: getSipConfig's arguments and the provider's settings", function () {
    this.timeout(60_000);
    let emulator: Emulator;

    before(async () => {
        emulator = await startEmulator({ account: account() });
    });

    after(async () => emulator?.close());
    beforeEach(() => emulator.clearRequests());

    it("getSipConfig takes no argument: any one given is refused, named, before any request", async () => {
        const plugin = await startPackagePlugin({ ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url });
        try {
            for (const [args, name] of [
                [{ apiKey: secret("another-key"), baseUrl: "http://127.0.0.1:1" }, "apiKey"],
                [{ bogus: 1 }, "bogus"],
                [{ toString: "x" }, "toString"],
            ] as const) {
                const failed = await failureText(plugin.invoke("ultravox:index:getSipConfig", args));
                expect(failed).to.equal(
                    `UltravoxError [invalid_input]: ${name} is not an input of this function (it takes none).`,
                );
                expect(failed).to.not.contain("another-key");
            }
            expect(emulator.requests).to.have.length(0);
        } finally {
            await plugin.stop();
        }
    });

    for (const [kind, apiKey] of [
        ["a number", 42],
        ["an object", { key: TEST_API_KEY }],
        ["a list", [TEST_API_KEY]],
        ["a boolean", true],
    ] as const) {
        it(`Configure refuses an apiKey that is ${kind} with a config error, never using the environment's key`, async () => {
            const refused = await startPackagePlugin(
                { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url },
                { apiKey: secret(apiKey) },
            ).then(
                async (plugin) => {
                    await plugin.stop();
                    return "configured";
                },
                (error: InvokeError) => error.details,
            );
            expect(refused).to.match(
                /^UltravoxError \[config\]: The ultravox provider's apiKey must be a string, got /,
            );
            expect(refused).to.not.contain(TEST_API_KEY);
            expect(emulator.requests).to.have.length(0);
        });
    }

    it("an unknown key or base URL (the engine's placeholder, at preview) reads nothing and never sends the placeholder", async () => {
        for (const configure of [
            { apiKey: secret(UNKNOWN_VALUE) },
            { apiKey: UNKNOWN_VALUE, baseUrl: emulator.url },
            { apiKey: TEST_API_KEY, baseUrl: UNKNOWN_VALUE },
        ]) {
            const plugin = await startPackagePlugin(
                { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url },
                configure,
            );
            try {
                expect(await plugin.read("sip")).to.deep.equal({});
                expect(await plugin.invoke("ultravox:index:getSipConfig", {})).to.deep.equal({});
            } finally {
                await plugin.stop();
            }
        }
        expect(emulator.requests).to.have.length(0);
    });
});
