import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type MockUltravox, mockUltravox } from "pulumi-ultravox/testing";
import { AGENT_A, AGENT_B, rawSipConfig } from "../helpers/fixtures";
import { settle } from "../helpers/mockEngine";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
describe("pulumi-ultravox/testing: mockUltravox", () => {
    let uv: MockUltravox;
    let ultravox: typeof import("pulumi-ultravox");
    const bucketInputs: Record<string, unknown>[] = [];
    const savedEnv = { key: process.env.ULTRAVOX_API_KEY, url: process.env.ULTRAVOX_BASE_URL };

    before(async () => {
        process.env.ULTRAVOX_API_KEY = "the-developer's-own-key";
        delete process.env.ULTRAVOX_BASE_URL;
        uv = await mockUltravox(rawSipConfig(), {
            mocks: {
                newResource(args) {
                    bucketInputs.push(args.inputs);
                    return { id: "bucket-1", state: { ...args.inputs, arn: `arn:aws:s3:::${args.name}` } };
                },
                call: (args) => ({ ...args.inputs, answered: true }),
            },
        });
        await pulumi.runtime.setMocks(uv.mocks, "project", "stack", false);
        ultravox = await import("pulumi-ultravox");
    });

    after(async () => {
        await uv?.close();
        if (savedEnv.key === undefined) delete process.env.ULTRAVOX_API_KEY;
        else process.env.ULTRAVOX_API_KEY = savedEnv.key;
        if (savedEnv.url !== undefined) process.env.ULTRAVOX_BASE_URL = savedEnv.url;
    });

    const expected = {
        domain: "acme-test.sip.ultravox.invalid",
        allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"],
        allowAllAgents: false,
        allowedAgents: [
            { agentId: AGENT_B, toUserPattern: "^support$" },
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
        ],
        fallbackHandler: {
            url: "https://pbx.example.com/ultravox/fallback",
            secrets: ["fallback-secret-one-0123456789", "fallback-secret-two-9876543210"],
        },
        fallbackHandlerUrl: "https://pbx.example.com/ultravox/fallback",
    };

    it("SipConfig.get yields the account's normalized values, the handler as a secret", async () => {
        const sip = ultravox.SipConfig.get("ultravox-sip", "sip");
        expect(await settle(sip.id)).to.deep.equal({ value: "sip", secret: false });
        expect(await settle(sip.domain)).to.deep.equal({ value: expected.domain, secret: false });
        expect(await settle(sip.allowedCidrRanges)).to.deep.equal({ value: expected.allowedCidrRanges, secret: false });
        expect(await settle(sip.allowedAgents)).to.deep.equal({ value: expected.allowedAgents, secret: false });
        expect(await settle(sip.fallbackHandler)).to.deep.equal({ value: expected.fallbackHandler, secret: true });
        expect(await settle(sip.fallbackHandlerUrl)).to.deep.equal({
            value: expected.fallbackHandlerUrl,
            secret: false,
        });
        expect((await settle(sip.fingerprint)).value).to.match(/^[0-9a-f]{64}$/);
    });

    it("getSipConfig and getSipConfigOutput read the same values from the in-process emulator", async () => {
        const fingerprint = (await settle(ultravox.SipConfig.get("again", "sip").fingerprint)).value;
        expect(await ultravox.getSipConfig()).to.deep.equal({ ...expected, fingerprint });
        expect(await settle(ultravox.getSipConfigOutput())).to.deep.equal({
            value: { ...expected, fingerprint },
            secret: true,
        });
        expect(process.env.ULTRAVOX_BASE_URL).to.equal(uv.url);
        expect(uv.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("the user's mocks answer every other resource and call", async () => {
        class Bucket extends pulumi.CustomResource {
            constructor(name: string, args: { acl: string }) {
                super("aws:s3/bucket:Bucket", name, args);
            }
        }
        const bucket = new Bucket("logs", { acl: "private" });
        expect(await settle(bucket.id)).to.deep.equal({ value: "bucket-1", secret: false });
        expect(bucketInputs).to.deep.equal([{ acl: "private" }]);
        const answered = await pulumi.runtime.invoke("aws:index/getRegion:getRegion", { name: "x" });
        expect(answered).to.deep.equal({ name: "x", answered: true });
    });

    it("close() stops the emulator and puts the environment back", async () => {
        const url = uv.url;
        await uv.close();
        expect(process.env.ULTRAVOX_API_KEY).to.equal("the-developer's-own-key");
        expect(process.env.ULTRAVOX_BASE_URL).to.equal(undefined);
        const refused = await fetch(`${url}/api/sip`).then(
            () => "answered",
            (error: Error & { cause?: { code?: string } }) => error.cause?.code,
        );
        expect(refused).to.equal("ECONNREFUSED");
    });
});
