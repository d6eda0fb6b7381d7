import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { thrownBy } from "../helpers/errors";
import { AGENT_A, AGENT_B, account, fromJavaScript, OTHER_API_KEY, TEST_API_KEY } from "../helpers/fixtures";
import { installMockEngine, isRpcSecret, type MockEngine, settle, unwrapRpcSecret } from "../helpers/mockEngine";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
describe("setMocks: SipConfig.get and getSipConfigOutput", () => {
    let emulator: Emulator;
    let other: Emulator;
    let engine: MockEngine;
    let ultravox: typeof import("pulumi-ultravox");

    before(async () => {
        emulator = await startEmulator({ account: account() });
        other = await startEmulator({
            account: { apiKeys: [OTHER_API_KEY], sip: { domain: "other.sip.ultravox.invalid", allowedAgents: [] } },
        });
        engine = await installMockEngine({
            config: { "ultravox:apiKey": TEST_API_KEY, "ultravox:baseUrl": emulator.url },
            secretKeys: ["ultravox:apiKey"],
        });
        ultravox = await import("pulumi-ultravox");
    });

    after(async () => {
        await emulator?.close();
        await other?.close();
    });

    const expectedAgents = [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ];
    const expectedHandler = {
        url: "https://pbx.example.com/ultravox/fallback",
        secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
    };

    it("SipConfig.get resolves every output to the exact values, with only the handler secret", async () => {
        const sip = ultravox.SipConfig.get("ultravox-sip", "sip");
        expect(await settle(sip.domain)).to.deep.equal({ value: "acme-test.sip.ultravox.invalid", secret: false });
        expect(await settle(sip.allowedCidrRanges)).to.deep.equal({
            value: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
            secret: false,
        });
        expect(await settle(sip.allowAllAgents)).to.deep.equal({ value: false, secret: false });
        expect(await settle(sip.allowedAgents)).to.deep.equal({ value: expectedAgents, secret: false });
        expect(await settle(sip.fallbackHandler)).to.deep.equal({ value: expectedHandler, secret: true });
        expect(await settle(sip.fallbackHandlerUrl)).to.deep.equal({ value: expectedHandler.url, secret: false });
        const fingerprint = await settle(sip.fingerprint);
        expect(fingerprint.secret).to.equal(false);
        expect(fingerprint.value).to.match(/^[0-9a-f]{64}$/);
        expect(await settle(sip.id)).to.deep.equal({ value: "sip", secret: false });
    });

    it("SipConfig.routing is one plain Output of what the renderers read", async () => {
        const sip = ultravox.SipConfig.get("routing", "sip");
        const routing = await settle(sip.routing);
        expect(routing).to.deep.equal({
            secret: false,
            value: {
                domain: "acme-test.sip.ultravox.invalid",
                allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
                allowAllAgents: false,
                allowedAgents: expectedAgents,
                fallbackHandlerUrl: expectedHandler.url,
            },
        });
        const text = await settle(sip.routing.apply((value) => ultravox.kamailioDispatcherList(value).text));
        expect(text.secret).to.equal(false);
        expect(text.value).to.contain("sip:acme-test.sip.ultravox.invalid");
        const call = ultravox.explainInboundCall(routing.value, { sourceIp: "192.0.2.1", toUser: "support" });
        expect(call.route).to.equal("rejected");
    });

    it("asks the engine to store the handler (and an explicit key) as secrets, with the custom type token", async () => {
        const read = engine.resources.find((resource) => resource.name === "ultravox-sip");
        expect(read?.type).to.equal("pulumi-nodejs:dynamic/ultravox:SipConfig");
        expect(read?.id).to.equal("sip");
        expect(read?.additionalSecretOutputs).to.deep.equal(["fallbackHandler", "apiKey"]);
        // Nothing of the key in what the program sent, nor in the provider text.
        expect(JSON.stringify(read?.inputs)).to.not.contain(TEST_API_KEY);
        expect(read?.state).to.not.have.property("apiKey");
    });

    it("SipConfig.get with an explicit secret key and base URL reads the other account", async () => {
        const sip = ultravox.SipConfig.get("other", "sip", { apiKey: OTHER_API_KEY, baseUrl: other.url });
        expect(await settle(sip.domain)).to.deep.equal({ value: "other.sip.ultravox.invalid", secret: false });
        expect(await settle(sip.fallbackHandler)).to.deep.equal({ value: null, secret: true });
        const read = engine.resources.find((resource) => resource.name === "other");
        // The explicit key went out as a secret input, though given as a plain string.
        expect(isRpcSecret(read?.inputs.apiKey)).to.equal(true);
        expect(unwrapRpcSecret(read?.inputs.apiKey)).to.equal(OTHER_API_KEY);
        expect(other.requests.at(-1)?.headers["x-api-key"]).to.equal(OTHER_API_KEY);
    });

    it("SipConfig.get(name, id, state): the SDK's shape, with the state choosing the account", async () => {
        const sip = ultravox.SipConfig.get("sdk-shape", "sip", { apiKey: OTHER_API_KEY, baseUrl: other.url });
        expect(await settle(sip.domain)).to.deep.equal({ value: "other.sip.ultravox.invalid", secret: false });
        expect(await settle(sip.id)).to.deep.equal({ value: "sip", secret: false });
        const read = engine.resources.find((resource) => resource.name === "sdk-shape");
        expect(read?.id).to.equal("sip");
        expect(unwrapRpcSecret(read?.inputs.apiKey)).to.equal(OTHER_API_KEY);
        const fromConfig = ultravox.SipConfig.get("sdk-shape-config", "sip");
        expect(await settle(fromConfig.domain)).to.deep.equal({
            value: "acme-test.sip.ultravox.invalid",
            secret: false,
        });
    });

    it('SipConfig.get refuses any id but "sip" at once, saying why', () => {
        let thrown: unknown;
        try {
            ultravox.SipConfig.get("wrong-id", "sip-config-1");
        } catch (error) {
            thrown = error;
        }
        expect(ultravox.isUltravoxError(thrown)).to.equal(true);
        expect((thrown as InstanceType<typeof ultravox.UltravoxError>).code).to.equal("invalid_input");
        expect((thrown as Error).message).to.equal(
            'SipConfig.get("wrong-id") was given the id "sip-config-1": an Ultravox account has exactly one SIP config, and its id is "sip". Use SipConfig.get("wrong-id", "sip", { apiKey, baseUrl }) and pick the account with the state\'s apiKey.',
        );
        expect(engine.resources.some((resource) => resource.name === "wrong-id")).to.equal(false);
    });

    it("SipConfig.get from JavaScript in the removed form (settings where the id goes) says what it takes", () => {
        let thrown: unknown;
        try {
            ultravox.SipConfig.get("old-form", fromJavaScript<string>({ apiKey: OTHER_API_KEY }));
        } catch (error) {
            thrown = error;
        }
        expect((thrown as InstanceType<typeof ultravox.UltravoxError>).code).to.equal("invalid_input");
        expect((thrown as Error).message).to.equal(
            'SipConfig.get("old-form") was given an object where the id goes: it takes the id "sip" second and the connection settings third, as Pulumi\'s generated SDKs do: SipConfig.get("old-form", "sip", { apiKey, baseUrl }).',
        );
        expect((thrown as Error).message).to.not.contain(OTHER_API_KEY);
    });

    it("SipConfig.isInstance tells a SipConfig from other resources and values", () => {
        const sip = ultravox.SipConfig.get("instance", "sip");
        expect(ultravox.SipConfig.isInstance(sip)).to.equal(true);
        expect(ultravox.SipConfig.isInstance({ __pulumiType: "pulumi-nodejs:dynamic/ultravox:SipConfig" })).to.equal(
            true,
        );
        for (const other of [undefined, null, {}, "sip", { __pulumiType: "aws:ec2/eip:Eip" }]) {
            expect(ultravox.SipConfig.isInstance(other)).to.equal(false);
        }
    });

    it("SipConfig.get refuses opts.import: a read has nothing to import", () => {
        const error = thrownBy(() => ultravox.SipConfig.get("imported", "sip", {}, { import: "sip" }), "invalid_input");
        expect(error.message).to.equal(
            'SipConfig.get("imported") was given opts.import: a read has nothing to import, it only reads the account\'s SIP config. To own the config from this stack, use `new SipConfig(name, args)` instead (no import needed: it takes over the fields given).',
        );
        expect(engine.resources.some((resource) => resource.name === "imported")).to.equal(false);
    });

    it("new SipConfig refuses opts.import at once: the engine cannot import a dynamic provider's resource", () => {
        const error = thrownBy(
            () => new ultravox.SipConfig("adopted", { allowedCidrRanges: ["203.0.113.0/24"] }, { import: "sip" }),
            "invalid_input",
        );
        expect(error.message).to.equal(
            "new SipConfig(\"adopted\") was given opts.import: Pulumi cannot import a resource of a dynamic provider (pulumi/pulumi#16175). To adopt the config as it is, use the `ultravox` plugin's SipConfig (`pulumi import ultravox:index:SipConfig <name> sip`, or its import option). Or leave the option out: `new SipConfig(name, args)` takes over the fields given in args, records the account's values from before, and destroy gives those back; the fields left out are neither written nor reverted.",
        );
        expect(engine.resources.some((resource) => resource.name === "adopted")).to.equal(false);
    });

    it("getSipConfigOutput gives the same values; the whole result is secret as it holds the handler's secrets", async () => {
        const result = await settle(ultravox.getSipConfigOutput());
        const sip = ultravox.SipConfig.get("again", "sip");
        expect(result.secret).to.equal(true);
        expect(result.value).to.deep.equal({
            domain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
            allowAllAgents: false,
            allowedAgents: expectedAgents,
            fallbackHandler: expectedHandler,
            fallbackHandlerUrl: expectedHandler.url,
            fingerprint: (await settle(sip.fingerprint)).value,
        });
    });

    it("getSipConfigOutput is not secret when the account has no fallback secrets, and takes Input args", async () => {
        const { secret, value } = await settle(
            ultravox.getSipConfigOutput({
                apiKey: ultravox.SipConfig.get("k", "sip").fallbackHandlerUrl.apply(() => OTHER_API_KEY),
                baseUrl: other.url,
            }),
        );
        expect(secret).to.equal(false);
        expect(value.domain).to.equal("other.sip.ultravox.invalid");
        expect(value.fallbackHandler).to.equal(null);
    });

    it("getSipConfig (the promise form) reads the stack config in the program", async () => {
        const result = await ultravox.getSipConfig();
        expect(result.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(result.allowedAgents).to.deep.equal(expectedAgents);
    });

    it("the provider text in the state holds no credential", () => {
        expect(engine.providerTexts.length).to.be.greaterThan(0);
        for (const text of engine.providerTexts) {
            expect(text).to.not.contain(TEST_API_KEY);
            expect(text).to.not.contain(OTHER_API_KEY);
            expect(text).to.contain('require("pulumi-ultravox/provider-impl")');
        }
    });
});
