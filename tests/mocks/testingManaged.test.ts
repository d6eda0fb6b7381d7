import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type MockUltravox, mockUltravox } from "pulumi-ultravox/testing";
import { AGENT_A, AGENT_B, rawSipConfig } from "../helpers/fixtures";
import { settle } from "../helpers/mockEngine";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
// The managed form under mockUltravox: the real provider's check and create against the emulator.
describe("pulumi-ultravox/testing: a managed SipConfig is created as the real provider creates it", () => {
    const KEY = "mock-key-of-the-test-account";
    let uv: MockUltravox;
    let ultravox: typeof import("pulumi-ultravox");

    /** The emulated account as `GET /api/sip` answers it now. */
    async function accountNow(): Promise<unknown> {
        const answer = await fetch(`${uv.url}/api/sip`, { headers: { "X-API-Key": KEY } });
        expect(answer.status).to.equal(200);
        return answer.json();
    }

    before(async () => {
        uv = await mockUltravox({ apiKeys: [KEY], sip: rawSipConfig() });
        await pulumi.runtime.setMocks(uv.mocks, "project", "stack", false);
        ultravox = await import("pulumi-ultravox");
    });

    // close() also puts ULTRAVOX_API_KEY and ULTRAVOX_BASE_URL back as they were.
    after(() => uv?.close());

    const accountAgents = [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ];
    const accountHandler = {
        url: "https://pbx.example.com/ultravox/fallback",
        secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
    };

    it("the CIDRs given, canonical and sorted; every other field the account's", async () => {
        const sip = new ultravox.SipConfig("allowlist", {
            allowedCidrRanges: ["203.0.113.7/32", "198.51.100.0/24"],
        });
        expect(await settle(sip.id)).to.deep.equal({ value: "sip", secret: false });
        expect(await settle(sip.allowedCidrRanges)).to.deep.equal({
            value: ["198.51.100.0/24", "203.0.113.7/32"],
            secret: false,
        });
        expect(await settle(sip.domain)).to.deep.equal({ value: "acme-test.sip.ultravox.invalid", secret: false });
        expect(await settle(sip.allowAllAgents)).to.deep.equal({ value: false, secret: false });
        expect(await settle(sip.allowedAgents)).to.deep.equal({ value: accountAgents, secret: false });
        expect(await settle(sip.fallbackHandler)).to.deep.equal({ value: accountHandler, secret: true });
        expect(await settle(sip.fallbackHandlerUrl)).to.deep.equal({ value: accountHandler.url, secret: false });
        // The create PATCHed the emulated account, as `pulumi up` PATCHes the real one.
        expect(await accountNow()).to.deep.equal({
            domain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["198.51.100.0/24", "203.0.113.7/32"],
            allowAllAgents: false,
            allowedAgents: [{ agentId: AGENT_B, toUserPattern: "^support$" }, { agentId: AGENT_A }],
            fallbackHandler: accountHandler,
        });
    });

    it("after the create, getSipConfig, getSipConfigOutput and SipConfig.get read the account it wrote", async () => {
        const managed = new ultravox.SipConfig("agents", {
            allowedAgents: [{ agentId: AGENT_A.toUpperCase() }],
        });
        expect(await settle(managed.allowedAgents)).to.deep.equal({
            value: [{ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` }],
            secret: false,
        });
        const expected = {
            domain: "acme-test.sip.ultravox.invalid",
            allowedCidrRanges: ["198.51.100.0/24", "203.0.113.7/32"],
            allowAllAgents: false,
            allowedAgents: [{ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` }],
            fallbackHandler: accountHandler,
            fallbackHandlerUrl: accountHandler.url,
            fingerprint: (await settle(managed.fingerprint)).value,
        };
        // The create has answered (awaited above): the plain form reads after it.
        expect(await ultravox.getSipConfig()).to.deep.equal(expected);
        expect(await settle(ultravox.getSipConfigOutput({}, { dependsOn: [managed] }))).to.deep.equal({
            value: expected,
            secret: true,
        });
        const read = ultravox.SipConfig.get("read-after", "sip", {}, { dependsOn: [managed] });
        expect(await settle(read.allowedAgents)).to.deep.equal({ value: expected.allowedAgents, secret: false });
        expect(await settle(read.fingerprint)).to.deep.equal({ value: expected.fingerprint, secret: false });
    });

    it("a fallbackHandler given is stored as a secret; null removes the account's", async () => {
        const handler = { url: "https://pbx.example.com/new-fallback", secrets: ["a-new-signing-secret-0123"] };
        const set = new ultravox.SipConfig("handler", { fallbackHandler: handler });
        expect(await settle(set.fallbackHandler)).to.deep.equal({ value: handler, secret: true });
        expect(await settle(set.fallbackHandlerUrl)).to.deep.equal({ value: handler.url, secret: false });
        const removed = new ultravox.SipConfig("no-handler", { fallbackHandler: null }, { dependsOn: [set] });
        expect(await settle(removed.fallbackHandler)).to.deep.equal({ value: null, secret: true });
        expect((await settle(removed.fallbackHandlerUrl)).value).to.equal(null);
        expect(((await accountNow()) as { fallbackHandler?: unknown }).fallbackHandler).to.equal(null);
    });

    it("the state records the values from before the create, as the real provider's does", async () => {
        const before = (await accountNow()) as { allowAllAgents: boolean };
        expect(before.allowAllAgents).to.equal(false);
        const result = await uv.mocks.newResource({
            type: "pulumi-nodejs:dynamic/ultravox:SipConfig",
            name: "direct",
            inputs: { allowAllAgents: true },
            custom: true,
            id: "",
        });
        const state = result.state as Record<string, unknown>;
        expect(result.id).to.equal("sip");
        expect(state.managedFields).to.deep.equal(["allowAllAgents"]);
        expect(await settle(state.priorValues as pulumi.Output<unknown>)).to.deep.equal({
            value: { allowAllAgents: false },
            secret: true,
        });
        expect(await settle(state.writtenValues as pulumi.Output<unknown>)).to.deep.equal({
            value: { allowAllAgents: true },
            secret: true,
        });
        expect(state.accountBaseUrl).to.equal(uv.url);
        expect(state.accountDomain).to.equal("acme-test.sip.ultravox.invalid");
        // The program gave no key or base URL: the state holds none (the emulator's are the mock's own).
        expect("apiKey" in state).to.equal(false);
        expect("baseUrl" in state).to.equal(false);
        expect(((await accountNow()) as { allowAllAgents: boolean }).allowAllAgents).to.equal(true);
    });

    it("invalid inputs fail as the real check fails them, and nothing is written", async () => {
        const before = await accountNow();
        const failed = await Promise.resolve(
            uv.mocks.newResource({
                type: "pulumi-nodejs:dynamic/ultravox:SipConfig",
                name: "bad",
                inputs: { allowedCidrRanges: ["10.0.0.0/8", "not-a-cidr"], allowedAgents: [{ agentId: "x" }] },
                custom: true,
                id: "",
            }),
        ).then(
            () => undefined,
            (error: Error & { code?: string; issues?: string[] }) => error,
        );
        expect(failed?.code).to.equal("invalid_input");
        expect(failed?.issues).to.deep.equal(["allowedCidrRanges[1]", "allowedAgents[0].agentId"]);
        expect(failed?.message).to.match(
            /^new SipConfig\("bad", \.\.\.\) failed the provider's check: allowedCidrRanges\[1\]: .+; allowedAgents\[0\]\.agentId: .+\. Fix these inputs: a real `pulumi preview` or `pulumi up` refuses them the same way\.$/,
        );
        expect(await accountNow()).to.deep.equal(before);
    });

    it("a wrong explicit key fails as the real create does, with the key nowhere in the error", async () => {
        const failed = await Promise.resolve(
            uv.mocks.newResource({
                type: "pulumi-nodejs:dynamic/ultravox:SipConfig",
                name: "wrong-key",
                inputs: { apiKey: "not-the-account-key", allowAllAgents: false },
                custom: true,
                id: "",
            }),
        ).then(
            () => undefined,
            (error: Error & { code?: string }) => error,
        );
        expect(failed?.code).to.equal("auth");
        expect(String(failed?.message)).to.not.include("not-the-account-key");
    });

    it("in a program, a managed SipConfig with invalid inputs fails to register with the check's reasons", async () => {
        const before = await accountNow();
        const sip = new ultravox.SipConfig("bad-in-program", { allowedCidrRanges: ["203.0.113.0/33"] });
        const failed = await settle(sip.domain).then(
            () => undefined,
            (error: Error) => error.message,
        );
        expect(failed).to.match(
            /^failed to register new resource bad-in-program \[pulumi-nodejs:dynamic\/ultravox:SipConfig\]: new SipConfig\("bad-in-program", \.\.\.\) failed the provider's check: allowedCidrRanges\[0\]: /,
        );
        expect(await accountNow()).to.deep.equal(before);
    });

    // Last: from here on the mocks answer as a preview does.
    it("at preview: checked, nothing written, the outputs the create would give unknown", async () => {
        await pulumi.runtime.setMocks(uv.mocks, "project", "stack", true);
        const before = await accountNow();
        const handler = { url: "https://pbx.example.com/preview", secrets: ["a-preview-signing-secret"] };
        const sip = new ultravox.SipConfig("previewed", {
            allowedCidrRanges: ["192.0.2.0/24"],
            fallbackHandler: handler,
        });
        const known = (output: pulumi.Output<unknown>) => (output as unknown as { isKnown: Promise<boolean> }).isKnown;
        // As the engine previews a create: the inputs as given, every other output unknown.
        expect(await settle(sip.allowedCidrRanges)).to.deep.equal({ value: ["192.0.2.0/24"], secret: false });
        expect(await settle(sip.fallbackHandler)).to.deep.equal({ value: handler, secret: true });
        expect(await known(sip.domain)).to.equal(false);
        expect(await known(sip.fingerprint)).to.equal(false);
        expect(await known(sip.id)).to.equal(false);
        expect(await accountNow()).to.deep.equal(before);
        const bad = new ultravox.SipConfig("previewed-bad", { allowAllAgents: "yes" as unknown as boolean });
        const failed = await settle(bad.domain).then(
            () => undefined,
            (error: Error) => error.message,
        );
        expect(failed).to.match(/failed the provider's check: allowAllAgents: /);
    });
});
