/**
 * `pulumi import` of a SipRegistration writes `password: ""` (the API never gives a password
 * back): that code runs as pasted, keeping the registration's own password, and a real password
 * put there later is written by the next up. A create still needs one.
 */
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { rejectionOf } from "../helpers/errors";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { registrationLifecycle } from "../helpers/internal";

const ID = "00000000-0000-4000-8000-0000000000aa";
const KEPT = "what-the-pbx-had-0001";

describe('an imported SipRegistration\'s generated code (password: "") runs as pasted', function () {
    this.timeout(20_000);
    let emulator: Emulator;
    const lifecycle = () =>
        new registrationLifecycle.SipRegistrationLifecycle({
            config: (key) =>
                key === "ultravox:apiKey" ? TEST_API_KEY : key === "ultravox:baseUrl" ? emulator.url : undefined,
            env: {},
            warn: () => undefined,
        });

    beforeEach(async () => {
        emulator = await startEmulator({ account: account() });
        emulator.replaceRegistrations([
            {
                registrationId: ID,
                created: "2026-12-01T10:00:00Z",
                username: "adopted",
                password: KEPT,
                proxy: "pbx.example.test",
            },
        ]);
    });
    afterEach(() => emulator.close());

    it("check passes, diff sees no change, and an update writes no password: the registration keeps its own", async () => {
        const adopted = await lifecycle().adopt(ID);
        const pasted = { ...adopted.inputs, password: "" };
        expect((await lifecycle().check(adopted.inputs, pasted)).failures).to.deep.equal([]);
        expect(await lifecycle().diff(ID, adopted.props, pasted)).to.deep.equal({ changes: false });
        // Another input changed beside it: the PATCH holds that alone.
        emulator.clearRequests();
        const updated = await lifecycle().update(ID, adopted.props, { ...pasted, authUser: "auth-1" });
        const patches = emulator.requests
            .filter((request) => request.method === "PATCH")
            .map((request) => JSON.parse(request.body));
        expect(patches).to.deep.equal([{ authUser: "auth-1" }]);
        expect(updated.outs.password).to.equal(undefined);
        expect(emulator.account.registrations?.[0]?.password).to.equal(KEPT);
    });

    it("the stack's own password put there later is a change, and the next up writes it", async () => {
        const adopted = await lifecycle().adopt(ID);
        const owned = { ...adopted.inputs, password: "the-stack-secret-0002" };
        expect((await lifecycle().check({ ...adopted.inputs, password: "" }, owned)).failures).to.deep.equal([]);
        expect(await lifecycle().diff(ID, adopted.props, owned)).to.deep.equal({ changes: true });
        const updated = await lifecycle().update(ID, adopted.props, owned);
        expect(updated.outs.password).to.equal("the-stack-secret-0002");
        expect(emulator.account.registrations?.[0]?.password).to.equal("the-stack-secret-0002");
    });

    it('a create with password "" still fails: check names the password, and nothing is sent', async () => {
        const fresh = { username: "new-user", password: "", proxy: "pbx.example.test" };
        const checked = await lifecycle().check({}, fresh);
        expect(checked.failures.map((failure) => failure.property)).to.deep.equal(["password"]);
        emulator.clearRequests();
        expect((await rejectionOf(lifecycle().create(fresh))).code).to.equal("invalid_input");
        expect(emulator.requests).to.deep.equal([]);
    });

    it('once the stack wrote a password, "" no longer keeps anything: it is refused', async () => {
        const adopted = await lifecycle().adopt(ID);
        const written = { ...adopted.inputs, password: "the-stack-secret-0003" };
        const checked = await lifecycle().check(written, { ...adopted.inputs, password: "" });
        expect(checked.failures.map((failure) => failure.property)).to.deep.equal(["password"]);
    });
});
