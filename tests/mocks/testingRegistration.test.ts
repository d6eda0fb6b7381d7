import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type MockUltravox, mockUltravox } from "pulumi-ultravox/testing";
import { rawSipConfig } from "../helpers/fixtures";
import { settle } from "../helpers/mockEngine";

// setMocks is process-wide: this file runs in a process of its own (scripts/run-tests.js).
describe("pulumi-ultravox/testing: SipRegistration against the mocked account", () => {
    const KEY = "mock-key-of-the-registration-account";
    const EXISTING = "00000000-0000-4000-8000-00000000000a";
    let uv: MockUltravox;
    let ultravox: typeof import("pulumi-ultravox");

    before(async () => {
        uv = await mockUltravox({
            apiKeys: [KEY],
            sip: rawSipConfig(),
            registrations: [
                {
                    registrationId: EXISTING,
                    created: "2026-12-01T10:00:00Z",
                    username: "existing",
                    password: "existing-password",
                    proxy: "old-pbx.example.com",
                    successful: true,
                },
            ],
        });
        await pulumi.runtime.setMocks(uv.mocks, "project", "stack", false);
        ultravox = await import("pulumi-ultravox");
    });
    after(() => uv?.close());

    it("new SipRegistration creates it in the mocked account: outputs as a real create, the password secret", async () => {
        const registration = new ultravox.SipRegistration("pbx", {
            username: "ultravox",
            password: pulumi.secret("a-registration-password"),
            proxy: "pbx.example.com",
        });
        const id = await settle(registration.registrationId);
        expect(id.value).to.match(/^[0-9a-f-]{36}$/);
        expect(await settle(registration.username)).to.deep.equal({ value: "ultravox", secret: false });
        expect((await settle(registration.outboundProxy)).value).to.equal(null);
        // The mocked account does not contact a proxy off loopback: the API does not say.
        expect((await settle(registration.successful)).value).to.equal(null);
        expect(await settle(registration.password)).to.deep.equal({ value: "a-registration-password", secret: true });
        const listed = await ultravox.getSipRegistrations();
        expect(listed.registrations.map((r) => r.username)).to.deep.equal(["existing", "ultravox"]);
        expect(listed.registrations.map((r) => r.successful)).to.deep.equal([true, null]);
    });

    it("SipRegistration.get reads one by id, without a password", async () => {
        const existing = ultravox.SipRegistration.get("existing", EXISTING);
        expect(await settle(existing.proxy)).to.deep.equal({ value: "old-pbx.example.com", secret: false });
        expect(await settle(existing.successful)).to.deep.equal({ value: true, secret: false });
        expect((await settle(existing.password)).value).to.equal(undefined);
    });

    it("bad input fails as the provider's check fails it, naming the field", async () => {
        const bad = new ultravox.SipRegistration("bad", {
            username: "ultra vox",
            password: "x",
            proxy: "pbx.example.com",
        });
        const failed = await settle(bad.username).then(
            () => undefined,
            (error: Error) => error.message,
        );
        expect(failed).to.match(/failed the provider's check: username: Has a space/);
    });
});
