/**
 * SipConfig.get through the real dynamic-provider plugin process, over gRPC, from a consumer
 * folder that installed the packed package: Configure → Check → Read, exactly as the engine
 * drives a read, with the provider text the SDK itself serialized.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { expect } from "chai";
import { type Emulator, type EmulatorFault, startEmulator } from "pulumi-ultravox/emulator";
import { type Consumer, getConsumer } from "../helpers/consumer";
import { AGENT_A, AGENT_B } from "../helpers/fixtures";
import {
    type Plugin,
    PluginCallError,
    type Props,
    runProviderText,
    type SerializedProvider,
    SIP_CONFIG_URN,
    serializedProvider,
    startPlugin,
} from "../helpers/plugin";

// Markers shaped like real keys (8 chars, ".", 32 chars): any appearance in text is a leak.
const API_KEY = "mark3r00.leakleakleakleakleakleakleakleak";
const ENV_API_KEY = "env0k3y0.envkey00envkey00envkey00envkey00";
const OTHER_API_KEY = "0th3rmrk.otherkeyotherkeyotherkeyotherkey";
const REVOKED_API_KEY = "r3v0k3d0.revoked0revoked0revoked0revoked0";
const FALLBACK_SECRETS = ["fallback-marker-secret-one-0001", "fallback-marker-secret-two-0002"];
const EVERY_KEY = [API_KEY, ENV_API_KEY, OTHER_API_KEY, REVOKED_API_KEY];

const FALLBACK_URL = "https://pbx.example.com/ultravox/fallback";

/** The main account, as GET /api/sip answers: unsorted, a duplicate, host bits set, a default pattern. */
const MAIN_SIP = {
    domain: "acme-plugin.sip.ultravox.invalid",
    allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24", "198.51.100.7/32", "203.0.113.0/24", "9.0.0.0/8"],
    allowAllAgents: false,
    allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
    fallbackHandler: { url: FALLBACK_URL, secrets: FALLBACK_SECRETS },
};

const OTHER_SIP = { domain: "other.sip.ultravox.invalid", allowAllAgents: true, allowedAgents: [] };

const MAIN_CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const MAIN_AGENTS = [
    { agentId: AGENT_B, toUserPattern: "^support$" },
    { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
];
const MAIN_OUTPUTS = {
    domain: MAIN_SIP.domain,
    allowedCidrRanges: MAIN_CIDRS,
    allowAllAgents: false,
    allowedAgents: MAIN_AGENTS,
    fallbackHandler: { url: FALLBACK_URL, secrets: FALLBACK_SECRETS },
    fallbackHandlerUrl: FALLBACK_URL,
    // sha256 of the documented material (domain, CIDRs, allowAllAgents, [agentId, toUserPattern] pairs,
    // fallback URL) of this config, computed once outside the package: a golden value.
    fingerprint: "62b3a4b27e7c4827757b99c19b4c8f71241353d23e4f97931099bf6aa4153d69",
};
const OTHER_OUTPUTS = {
    domain: OTHER_SIP.domain,
    allowedCidrRanges: [],
    allowAllAgents: true,
    allowedAgents: [],
    fallbackHandler: null,
    fallbackHandlerUrl: null,
    fingerprint: "83455974c375de735c09dc7387a21babdd711f148c3d6db13289faeb15709c47",
};

/** The rejection of `promise`, which must be a gRPC error from the plugin. */
async function callError(promise: Promise<unknown>): Promise<PluginCallError> {
    let result: unknown;
    try {
        result = await promise;
    } catch (error) {
        expect(error).to.be.instanceOf(PluginCallError);
        return error as PluginCallError;
    }
    expect.fail(`expected a gRPC error, got a success: ${JSON.stringify(result)}`);
}

function expectNoCredential(text: string, what: string): void {
    for (const secret of [...EVERY_KEY, ...FALLBACK_SECRETS]) {
        expect(text.includes(secret), `${what} holds ${secret.slice(0, 8)}…`).to.equal(false);
    }
}

function expectNoKey(text: string, what: string): void {
    for (const key of EVERY_KEY) expect(text.includes(key), `${what} holds ${key.slice(0, 8)}…`).to.equal(false);
}

describe("plugin: SipConfig.get through the real dynamic-provider plugin over gRPC", function () {
    this.timeout(60_000);

    let consumer: Consumer;
    let emulator: Emulator;
    let other: Emulator;
    let provider: SerializedProvider;

    before(async function () {
        this.timeout(180_000);
        [consumer, emulator, other] = await Promise.all([
            getConsumer(),
            startEmulator({ account: { apiKeys: [API_KEY, ENV_API_KEY], sip: MAIN_SIP } }),
            startEmulator({ account: { apiKeys: [OTHER_API_KEY], sip: OTHER_SIP } }),
        ]);
        // The program has the key everywhere it could be: the text must hold none of it.
        provider = await serializedProvider(consumer, {
            config: { "ultravox:apiKey": API_KEY, "ultravox:baseUrl": emulator.url },
            env: { ULTRAVOX_API_KEY: ENV_API_KEY },
        });
    });

    after(async () => {
        await Promise.all([emulator?.close(), other?.close()]);
    });

    /** What a first read sends: `SipConfig.get` has no prior state, so only inputs. */
    const getInputs = (extra: Props = {}): Props => ({ __provider: provider.text, ...extra });

    describe("the consumer program folder", () => {
        it("holds pulumi-ultravox as an installed copy, with its own dependencies (zod, re2js)", () => {
            const realDir = fs.realpathSync(consumer.dir);
            expect(fs.lstatSync(consumer.packageDir).isSymbolicLink()).to.equal(false);
            // Resolved as a module of the program resolves it (a plain require.resolve from this
            // file would find the repo itself through the package's self-reference).
            const programRequire = createRequire(path.join(consumer.dir, "index.js"));
            for (const request of ["pulumi-ultravox", "pulumi-ultravox/provider-impl"]) {
                const resolved = programRequire.resolve(request);
                expect(resolved.startsWith(path.join(realDir, "node_modules", "pulumi-ultravox")), resolved).to.equal(
                    true,
                );
            }
            // Its dependencies as the installed package finds them: from the consumer, not this repo.
            const installed = JSON.parse(fs.readFileSync(path.join(consumer.packageDir, "package.json"), "utf8")) as {
                dependencies: Record<string, string>;
            };
            expect(Object.keys(installed.dependencies).sort()).to.deep.equal(["re2js", "zod"]);
            const packageRequire = createRequire(path.join(consumer.packageDir, "dist", "api", "client.js"));
            for (const dependency of Object.keys(installed.dependencies)) {
                const resolved = packageRequire.resolve(dependency);
                expect(resolved.startsWith(path.join(realDir, "node_modules", dependency)), resolved).to.equal(true);
            }
        });
    });

    describe("the serialized provider, as the SDK makes it", () => {
        it("is small, holds no credential and loads the package's stable subpath", async () => {
            const bytes = Buffer.byteLength(provider.text);
            expect(bytes).to.be.below(2048);
            expectNoCredential(provider.text, "the serialized provider");
            expect(provider.text).to.include('require("pulumi-ultravox/provider-impl")');
            expect(provider.type).to.equal("pulumi-nodejs:dynamic/ultravox:SipConfig");
            expect(provider.id).to.equal("sip");
            // No apiKey input when the program passes none: the key stays in the stack config.
            expect(provider.inputKeys).to.deep.equal(["__provider"]);

            // An explicit key is an input (sent as a secret), never part of the provider text.
            const withArgs = await serializedProvider(consumer, { args: { apiKey: API_KEY, baseUrl: emulator.url } });
            expect(withArgs.text).to.equal(provider.text);
            expect(withArgs.inputKeys).to.include.members(["__provider", "apiKey", "baseUrl"]);
        });

        it("runs from a fresh Node process: configure, then read gives the exact outputs", async () => {
            const run = await runProviderText(consumer, provider.text, {
                config: { "ultravox:apiKey": API_KEY, "ultravox:baseUrl": emulator.url },
                id: "sip",
                props: {},
            });
            expect(run.error).to.equal(undefined);
            expect(run.result).to.deep.equal({ id: "sip", props: MAIN_OUTPUTS });
            expectNoKey(run.stdout.replace(JSON.stringify(run.result), "") + run.stderr, "the process output");
        });
    });

    describe("with the key and base URL in the stack config", () => {
        let plugin: Plugin;

        before(async () => {
            plugin = await startPlugin(consumer);
            // The engine sends the stack config decrypted; wrapping the key as a secret as well
            // shows the plugin's unwrapping path is harmless.
            await plugin.configure(
                { "ultravox:apiKey": API_KEY, "ultravox:baseUrl": emulator.url },
                { secretKeys: ["ultravox:apiKey"] },
            );
        });

        afterEach(() => emulator.clearFaults());
        after(async () => {
            await plugin?.stop();
        });

        it("Check passes the inputs through, __provider included", async () => {
            const checked = await plugin.check(SIP_CONFIG_URN, {}, getInputs());
            expect(checked).to.deep.equal({ inputs: getInputs(), failures: [] });
        });

        it("Read (a first read: inputs only) gives the exact outputs and no apiKey", async () => {
            const before = emulator.requests.length;
            const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs());
            expect(read.id).to.equal("sip");
            expect(read.properties).to.deep.equal({ ...MAIN_OUTPUTS, __provider: provider.text });
            expect(read.properties).not.to.have.property("apiKey");
            expect(read.inputs).to.equal(undefined);
            const sent = emulator.requests.slice(before);
            expect(sent.map((request) => [request.method, request.path, request.headers["x-api-key"]])).to.deep.equal([
                ["GET", "/api/sip", API_KEY],
            ]);
        });

        it("Read with properties holding only __provider gives the same", async () => {
            const read = await plugin.read("sip", SIP_CONFIG_URN, { __provider: provider.text });
            expect(read).to.deep.equal({
                id: "sip",
                properties: { ...MAIN_OUTPUTS, __provider: provider.text },
                inputs: undefined,
            });
        });

        it("Create on the read-only provider fails, saying what to use instead", async () => {
            const before = emulator.requests.length;
            const error = await callError(plugin.create(SIP_CONFIG_URN, getInputs()));
            expect(error.method).to.equal("Create");
            expect(error.message)
                .to.include("SipConfig.get only reads the account's SIP config; it cannot create one")
                .and.to.include("use `new SipConfig(name, args)`");
            expect(emulator.requests.length).to.equal(before);
        });

        it("a refresh (the prior outputs as properties) reads the same account again", async () => {
            const prior = { ...MAIN_OUTPUTS, fingerprint: "stale", __provider: provider.text };
            const read = await plugin.read("sip", SIP_CONFIG_URN, prior, getInputs());
            expect(read.properties).to.deep.equal({ ...MAIN_OUTPUTS, __provider: provider.text });
        });

        it("an explicit apiKey and baseUrl override the stack config, and are returned for refresh", async () => {
            const mainBefore = emulator.requests.length;
            const otherBefore = other.requests.length;
            const explicit = { apiKey: OTHER_API_KEY, baseUrl: other.url };
            const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs(explicit));
            const expected = { ...OTHER_OUTPUTS, ...explicit, __provider: provider.text };
            expect(read.properties).to.deep.equal(expected);
            expect(emulator.requests.length).to.equal(mainBefore);
            expect(other.requests.slice(otherBefore).map((request) => request.headers["x-api-key"])).to.deep.equal([
                OTHER_API_KEY,
            ]);

            // A refresh hands over only the prior outputs: they carry the account to read.
            const refreshed = await plugin.read("sip", SIP_CONFIG_URN, read.properties, getInputs(explicit));
            expect(refreshed.properties).to.deep.equal(expected);
            expect(emulator.requests.length).to.equal(mainBefore);
        });

        it("a 401 whose body echoes the key is an error naming the problem, without the key", async () => {
            emulator.addFault({ status: 401, body: JSON.stringify({ detail: `Invalid API key ${API_KEY}.` }) });
            const error = await callError(plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs()));
            expect(error.method).to.equal("Read");
            expect(error.message)
                .to.include("401")
                .and.to.match(/\bkey\b/i);
            expectNoKey(error.message, "the gRPC error");
            expectNoKey(JSON.stringify(error), "the gRPC error's fields");
            expectNoKey(plugin.output().stdout + plugin.output().stderr, "the plugin's output");
        });

        it("a key the API does not know (a real 401) is an error without the key", async () => {
            const error = await callError(
                plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs({ apiKey: REVOKED_API_KEY })),
            );
            expect(error.message)
                .to.include("401")
                .and.to.match(/\bkey\b/i);
            expectNoKey(error.message, "the gRPC error");
            expectNoKey(plugin.output().stdout + plugin.output().stderr, "the plugin's output");
        });

        const broken: [string, EmulatorFault][] = [
            ["a 500", { status: 500 }],
            ["a 500 with an HTML page", { status: 500, contentType: "text/html", body: "<h1>Server Error</h1>" }],
            ["an empty object", { status: 200, body: "{}" }],
            ["null", { status: 200, body: "null" }],
            ["an array", { status: 200, body: "[]" }],
            ["an empty body", { status: 200, body: "" }],
            ["truncated JSON", { status: 200, body: '{"domain": "acme' }],
            ["HTML with status 200", { status: 200, contentType: "text/html", body: "<html>maintenance</html>" }],
            [
                "a config with an invalid agent id",
                { status: 200, body: JSON.stringify({ ...MAIN_SIP, allowedAgents: [{ agentId: "not-a-uuid" }] }) },
            ],
            [
                "a config with an invalid CIDR",
                { status: 200, body: JSON.stringify({ ...MAIN_SIP, allowedCidrRanges: ["10.0.0.0/33"] }) },
            ],
        ];
        for (const [what, fault] of broken) {
            it(`${what} is an error, never an empty success`, async () => {
                emulator.addFault(fault);
                const error = await callError(plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs()));
                expect(error.message).to.match(/nothing was applied/i);
                expectNoKey(error.message, "the gRPC error");
                // The fault is spent: the next read is whole again (no cached failure, no cached half-answer).
                const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs());
                expect(read.properties).to.deep.equal({ ...MAIN_OUTPUTS, __provider: provider.text });
            });
        }

        it("wrote no key and no fallback secret to stdout or stderr, over all of the above", async () => {
            const output = await plugin.stop();
            expectNoCredential(output.stdout + output.stderr, "the plugin's output");
            // It did write the errors above (the plugin logs every failed Read), so the check saw them.
            expect(output.stderr).to.include("401");
            // Normalization warnings reach stderr, which the engine shows with the resource.
            expect(output.stderr).to.include("CIDR 10.1.2.3/24 has host bits set; using 10.1.2.0/24.");
        });
    });

    describe("with the key and base URL in the environment only", () => {
        let plugin: Plugin;

        before(async () => {
            plugin = await startPlugin(consumer, {
                env: { ULTRAVOX_API_KEY: ENV_API_KEY, ULTRAVOX_BASE_URL: emulator.url },
            });
            await plugin.configure({});
        });

        after(async () => {
            await plugin?.stop();
        });

        it("Check → Read gives the exact outputs with the environment's key", async () => {
            const before = emulator.requests.length;
            const checked = await plugin.check(SIP_CONFIG_URN, {}, getInputs());
            const read = await plugin.read("sip", SIP_CONFIG_URN, undefined, checked.inputs);
            expect(read.properties).to.deep.equal({ ...MAIN_OUTPUTS, __provider: provider.text });
            expect(emulator.requests.slice(before).map((request) => request.headers["x-api-key"])).to.deep.equal([
                ENV_API_KEY,
            ]);
            const output = await plugin.stop();
            expectNoCredential(output.stdout + output.stderr, "the plugin's output");
        });
    });

    describe("with no key anywhere", () => {
        let plugin: Plugin;

        before(async () => {
            // The base URL is set so that even a wrong path could only reach the emulator.
            plugin = await startPlugin(consumer, { env: { ULTRAVOX_BASE_URL: emulator.url } });
            await plugin.configure({ "ultravox:baseUrl": emulator.url });
        });

        after(async () => {
            await plugin?.stop();
        });

        it("Read fails with an error naming ultravox:apiKey and ULTRAVOX_API_KEY, and sends nothing", async () => {
            const before = emulator.requests.length;
            const error = await callError(plugin.read("sip", SIP_CONFIG_URN, undefined, getInputs()));
            expect(error.message).to.include("ultravox:apiKey").and.to.include("ULTRAVOX_API_KEY");
            expect(emulator.requests.length).to.equal(before);
        });
    });
});
