/**
 * `waitForActiveSeconds` against the emulator, on a fake clock for the waits: create and update
 * read the registration again each second until the API says it is active, and fail with
 * `not_active` (naming the registration, its user, proxy and outbound proxy and what the API said,
 * never the password) when it turns false or the time runs out. The failure carries the state the
 * engine records, so the next up (an update) waits again. The engine's check of an imported
 * registration (no password: the API never gives it) is no failure; a create without one is.
 */
import { expect } from "chai";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { FakeClock } from "../helpers/fakeClock";
import { account, TEST_API_KEY } from "../helpers/fixtures";
import { registrationLifecycle } from "../helpers/internal";

const { SipRegistrationLifecycle } = registrationLifecycle;

const PASSWORD = "wait-test-password-3f9a";

describe("SipRegistration: waitForActiveSeconds, on a fake clock", () => {
    let emulator: Emulator;
    let clock: FakeClock;
    let lifecycle: InstanceType<typeof SipRegistrationLifecycle>;

    before(async () => {
        emulator = await startEmulator({ account: account() });
    });
    after(() => emulator?.close());
    beforeEach(() => {
        emulator.replaceRegistrations([]);
        emulator.clearRequests();
        clock = new FakeClock();
        lifecycle = new SipRegistrationLifecycle({
            env: { ULTRAVOX_API_KEY: TEST_API_KEY, ULTRAVOX_BASE_URL: emulator.url },
            clock,
            warn: () => undefined,
        });
    });

    const inputs = {
        username: "uvx-prod",
        password: PASSWORD,
        proxy: "pbx.example.test",
        outboundProxy: "edge.example.test",
    };
    /** Reads of the one registration (not the list, nor the account's SIP config that says which account it is). */
    const gets = () =>
        emulator.requests.filter(
            (request) => request.method === "GET" && request.path.startsWith("/api/sip/registrations/"),
        ).length;
    /** Sets what the API says of the one registration (as the service would after its REGISTER). */
    const say = (successful: boolean | null) => {
        const [registration] = emulator.account.registrations ?? [];
        if (!registration) throw new Error("no registration");
        emulator.replaceRegistrations([{ ...registration, successful }]);
    };

    it("absent or 0: no wait, no read after the write; successful as the API said it", async () => {
        const created = await lifecycle.create(inputs);
        expect(created.outs.successful).to.equal(null);
        expect(clock.scheduled).to.deep.equal([]);
        const updated = await lifecycle.update(created.id, created.outs, { ...inputs, waitForActiveSeconds: 0 });
        expect(updated.outs.successful).to.equal(null);
        expect(clock.scheduled).to.deep.equal([]);
    });

    it("reads again each second until successful is true, and records that", async () => {
        const creating = lifecycle.create({ ...inputs, waitForActiveSeconds: 30 });
        await clock.scheduledCount(1);
        await clock.next();
        await clock.scheduledCount(2);
        say(true);
        await clock.next();
        const created = await creating;
        expect(created.outs.successful).to.equal(true);
        expect(clock.scheduled).to.deep.equal([1000, 1000]);
        expect(gets()).to.equal(2);
    });

    it("turns false: fails at once with not_active, naming the registration, its user and proxies, never the password; the state is recorded", async () => {
        const creating = lifecycle.create({ ...inputs, waitForActiveSeconds: 30 });
        creating.catch(() => undefined);
        await clock.scheduledCount(1);
        say(false);
        await clock.next();
        const error = await creating.then(
            () => expect.fail("created"),
            (failure: unknown) => failure as Error & Record<string, unknown>,
        );
        const [registration] = emulator.account.registrations ?? [];
        const id = registration?.registrationId as string;
        expect(error).to.include({ code: "not_active", id });
        expect(error.message).to.equal(
            `The SIP registration ${id} of "uvx-prod" at "pbx.example.test" through "edge.example.test" is not active: the API says successful=false (Ultravox's REGISTER to that proxy failed). Check that the PBX has an account for "uvx-prod" with this password and that it accepts the REGISTER (a PBX rendered from the same secret does), and that the proxy is reachable. The registration stays recorded in the stack: the next \`pulumi up\` waits again (waitForActiveSeconds: 30).`,
        );
        expect(error.reasons).to.deep.equal([String(error)]);
        expect(String(error)).to.contain("[not_active]");
        expect(error.properties).to.deep.include({ registrationId: id, successful: false, password: PASSWORD });
        expect(JSON.stringify(error.reasons)).to.not.contain(PASSWORD);
        expect(clock.scheduled).to.deep.equal([1000]);
    });

    it("the time runs out: not_active after the last read, saying the API still did not say", async () => {
        const creating = lifecycle.create({ ...inputs, authUser: "uvx-auth", waitForActiveSeconds: 3 });
        creating.catch(() => undefined);
        for (let sleep = 1; sleep <= 3; sleep++) {
            await clock.scheduledCount(sleep);
            await clock.next();
        }
        const error = (await creating.then(
            () => expect.fail("created"),
            (failure: unknown) => failure,
        )) as Error & Record<string, unknown>;
        expect(error.code).to.equal("not_active");
        expect(error.message).to.match(
            /^The SIP registration [0-9a-f-]+ of "uvx-prod" \(authenticating as "uvx-auth"\) at "pbx.example.test" through "edge.example.test" is not known to be active after 3 s: the API says successful=null \(not tried yet, or an API that does not say\)\. Check that the PBX has an account for "uvx-auth"/,
        );
        expect(clock.scheduled).to.deep.equal([1000, 1000, 1000]);
        expect(clock.elapsed).to.equal(3000);
        expect(gets()).to.equal(3);
    });

    it("the next up (an update of the recorded state, nothing to PATCH) waits again; a false left from before is waited through", async () => {
        const created = await lifecycle.create(inputs);
        say(false);
        emulator.clearRequests();
        const updating = lifecycle.update(
            created.id,
            { ...created.outs, successful: false },
            { ...inputs, waitForActiveSeconds: 10 },
        );
        await clock.scheduledCount(1);
        await clock.next();
        await clock.scheduledCount(2);
        say(true);
        await clock.next();
        const updated = await updating;
        expect(updated.outs.successful).to.equal(true);
        expect(emulator.requests.filter((request) => request.method === "PATCH")).to.deep.equal([]);
        expect(clock.scheduled).to.deep.equal([1000, 1000]);
    });

    it("check: waitForActiveSeconds must be a whole number of seconds, 0..3600", async () => {
        for (const [value, failures] of [
            [0, 0],
            [3600, 0],
            [null, 0],
            [-1, 1],
            [1.5, 1],
            [3601, 1],
            ["10", 1],
        ] as const) {
            const checked = await lifecycle.check({}, { ...inputs, waitForActiveSeconds: value as never });
            expect(checked.failures, String(value)).to.have.length(failures);
            if (failures) {
                expect(checked.failures[0]).to.deep.equal({
                    property: "waitForActiveSeconds",
                    reason: "Must be a whole number of seconds from 0 (do not wait) to 3600",
                });
            }
        }
    });

    it("check: an import's inputs (olds = news, no password) pass; a create or update without a password fails", async () => {
        const imported = { username: "adopted", proxy: "pbx.example.test", authUser: "adopted-auth" };
        expect((await lifecycle.check({ ...imported }, { ...imported })).failures).to.deep.equal([]);
        const missing = [{ property: "password", reason: "Invalid input: expected string, received undefined" }];
        expect((await lifecycle.check({}, { ...imported })).failures).to.deep.equal(missing);
        expect(
            (await lifecycle.check({ ...imported }, { ...imported, proxy: "other.example.test" })).failures,
        ).to.deep.equal(missing);
        // The generated code's password: "" runs as pasted on the adopted registration, never on a create.
        expect((await lifecycle.check({ ...imported }, { ...imported, password: "" })).failures).to.deep.equal([]);
        expect((await lifecycle.check({}, { ...imported, password: "" })).failures).to.deep.equal([
            { property: "password", reason: "Empty" },
        ]);
    });
});
