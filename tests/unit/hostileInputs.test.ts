/**
 * Pure-logic classes of issue 21's defects: a key pasted into the base URL, control characters in
 * any value written into a rendered file, credentials in the fallback handler's URL, own-property
 * lookups of a plugin invoke's arguments.
 */
import * as path from "node:path";
import { expect } from "chai";
import {
    asteriskPjsip,
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    azureNsgSecurityRules,
    freeswitchGateway,
    gcpFirewallRules,
    kamailioDispatcherList,
    kamailioPermissionsAddress,
    nftablesRuleset,
    type SipRouting,
    UltravoxClient,
} from "pulumi-ultravox";
import { thrownBy } from "../helpers/errors";
import { AGENT_A, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { schema, settings } from "../helpers/internal";
import { DIST_DIR } from "../helpers/repo";

const argumentsModule = require(
    path.join(DIST_DIR, "package/arguments"),
) as typeof import("../../dist/package/arguments");

const ROUTING: SipRouting = {
    domain: "acme-test.sip.ultravox.invalid",
    allowedCidrRanges: ["203.0.113.0/24"],
    allowAllAgents: false,
    allowedAgents: [{ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` }],
};
const CIDRS = ["203.0.113.0/24"];

describe("settings: a key pasted into the base URL is never quoted back", () => {
    const KEY = "Pa5tedK3y.abcdefghijklmnopqrstuvwxyz012345";
    const urls: [string, string][] = [
        ["the host of an http: URL", `http://${KEY}.example.invalid`],
        ["the host, in another case", `http://${KEY.toUpperCase()}.example.invalid`],
        ["one label of the host", `http://api.${KEY.replace(".", "-")}.example.invalid`],
        ["the scheme", `${KEY.replace(/[.\d]/g, "")}://example.invalid`],
    ];
    for (const [where, url] of urls) {
        it(`in ${where}: resolveSettings and the client redact it, in any case`, () => {
            const keys = [KEY, KEY.replace(".", "-"), KEY.replace(/[.\d]/g, "")];
            const resolved = thrownBy(
                () =>
                    settings.resolveSettings({
                        args: { apiKey: keys.find((key) => url.includes(key)) ?? KEY, baseUrl: url },
                        env: {},
                    }),
                "config",
            );
            const client = thrownBy(
                () =>
                    new UltravoxClient({
                        apiKey: keys.find((key) => url.toLowerCase().includes(key.toLowerCase())) ?? KEY,
                        baseUrl: url,
                    }),
                "config",
            );
            for (const message of [resolved.message, client.message]) {
                for (const key of keys) expect(message.toLowerCase()).to.not.contain(key.toLowerCase());
            }
        });
    }

    it("a client whose base URL holds the key in its path shows it redacted wherever it prints the URL", () => {
        const client = new UltravoxClient({
            apiKey: TEST_API_KEY,
            baseUrl: `https://api.example.invalid/${TEST_API_KEY}`,
        });
        expect(JSON.stringify(client)).to.not.contain(TEST_API_KEY);
        expect(JSON.stringify(client)).to.contain("[redacted]");
    });
});

describe("rendered files: no value written into one may hold a control or separator character", () => {
    const BREAKERS = ["\u0000", "\u0001", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029"];
    const writers: [string, (value: string) => unknown][] = [
        ["kamailioDispatcherList attrs", (value) => kamailioDispatcherList(ROUTING, { attrs: `duid=a${value}b` })],
        ["kamailioPermissionsAddress tag", (value) => kamailioPermissionsAddress(CIDRS, { tag: `a${value}b` })],
        ["gcpFirewallRules description", (value) => gcpFirewallRules(CIDRS, { description: `a${value}b` })],
        ["azureNsgSecurityRules description", (value) => azureNsgSecurityRules(CIDRS, { description: `a${value}b` })],
        ["azureNsgSecurityRules namePrefix", (value) => azureNsgSecurityRules(CIDRS, { namePrefix: `a${value}b` })],
        [
            "awsSecurityGroupIngress description",
            (value) => awsSecurityGroupIngress(CIDRS, { description: `a${value}b` }),
        ],
        ["awsPrefixListIngress description", (value) => awsPrefixListIngress("pl-1", { description: `a${value}b` })],
        [
            "awsManagedPrefixListArgs description",
            (value) => awsManagedPrefixListArgs(CIDRS, { description: `a${value}b` }),
        ],
        ["nftablesRuleset table", (value) => nftablesRuleset(CIDRS, { table: `a${value}b` })],
        ["nftablesRuleset setName", (value) => nftablesRuleset(CIDRS, { setName: `a${value}b` })],
        ["asteriskPjsip endpointName", (value) => asteriskPjsip(ROUTING, { endpointName: `a${value}b` })],
        ["asteriskPjsip context", (value) => asteriskPjsip(ROUTING, { context: `a${value}b` })],
        ["freeswitchGateway gatewayName", (value) => freeswitchGateway(ROUTING, { gatewayName: `a${value}b` })],
        ["freeswitchGateway aclName", (value) => freeswitchGateway(ROUTING, { aclName: `a${value}b` })],
    ];
    for (const [what, write] of writers) {
        it(`${what}: refuses each of ${BREAKERS.length} such characters with invalid_input`, () => {
            for (const breaker of BREAKERS) {
                const error = thrownBy(() => write(breaker), "invalid_input");
                expect(error.message, JSON.stringify(breaker)).to.match(/^[^\n\r\u0085\u2028\u2029]*$/);
            }
        });
    }
});

describe("the read: a fallback handler URL that carries credentials is warned of, never quoted", () => {
    const withUrl = (url: string) => ({ ...rawSipConfig(), fallbackHandler: { url, secrets: ["s3cret-value"] } });
    const cases: [string, string, string | undefined][] = [
        ["user and password", "https://bob:hunter2pass@pbx.example.com/hook", "user information before the host"],
        ["a user alone", "https://bob@pbx.example.com/hook", "user information before the host"],
        ["a token parameter", "https://pbx.example.com/hook?token=hunter2pass", 'the query parameter "token"'],
        [
            "an api_key parameter",
            "https://pbx.example.com/hook?x=1&api_key=hunter2pass",
            'the query parameter "api_key"',
        ],
        ["a signature parameter", "https://pbx.example.com/hook?sig=hunter2pass", 'the query parameter "sig"'],
        ["nothing of the kind", "https://pbx.example.com/hook?call=1", undefined],
    ];
    for (const [what, url, named] of cases) {
        it(`${what}`, () => {
            const warnings: string[] = [];
            const parsed = schema.parseSipConfig(withUrl(url), (message) => warnings.push(message));
            // Still the plain value the docs promise.
            expect(parsed.fallbackHandler?.url).to.equal(url);
            const about = warnings.filter((warning) =>
                warning.startsWith("The fallback handler's URL carries credentials"),
            );
            if (named === undefined) {
                expect(about).to.deep.equal([]);
                return;
            }
            expect(about).to.have.length(1);
            expect(about[0]).to.contain(`(${named})`);
            expect(about[0]).to.not.contain("hunter2pass");
            expect(about[0]).to.not.contain("bob");
        });
    }

    it("a NUL or a line break in the URL fails validation", () => {
        for (const url of [
            "https://pbx.example.com/ho\u0000ok",
            "https://pbx.example.com/hook\n",
            "https://pbx.example.com/\u2028",
        ]) {
            const error = thrownBy(() => schema.parseSipConfig(withUrl(url)), "invalid_response");
            expect(error.issues).to.deep.equal(["fallbackHandler.url"]);
        }
        expect(
            schema.sipConfigPatchSchema.safeParse({
                fallbackHandler: { url: "https://a.example/\u0000", secrets: ["s"] },
            }).success,
        ).to.equal(false);
    });
});

describe("plugin arguments: members are own properties, looked up as such", () => {
    const inputs = { properties: { text: { type: "string" as const } }, required: [] };

    it("an own member named __proto__, constructor or toString is an unknown input, named", () => {
        for (const name of ["__proto__", "constructor", "toString", "valueOf"]) {
            const args: Record<string, unknown> = {};
            Object.defineProperty(args, name, { value: "x", enumerable: true });
            const error = thrownBy(() => argumentsModule.checkArguments(args, inputs, {}), "invalid_input");
            expect(error.message).to.equal(`${name} is not an input of this function (it takes text).`);
        }
    });

    it("the values that arrived secret are noted, wherever they are", () => {
        const secret = (value: unknown) => ({
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value,
        });
        const checked = argumentsModule.checkArguments({ text: secret("hidden") }, inputs, {});
        expect(checked).to.deep.equal({ values: { text: "hidden" }, secrets: ["hidden"], anySecret: true });
    });
});
