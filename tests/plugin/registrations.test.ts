/**
 * SipRegistration's lifecycle through both doors over gRPC: the dynamic provider (TypeScript's
 * `new SipRegistration`) and the `ultravox` plugin (`ultravox:index:SipRegistration`), each
 * against its own emulator. The same steps give the same answers and the same registrations; the
 * password is a secret on the plugin's wire and never in anything either prints.
 */
import { expect } from "chai";
import { asteriskRegistrationAccount, kamailioSubscriber } from "pulumi-ultravox";
import { type Door, startDoors, stopDoors } from "../helpers/doors";
import { DOMAIN, TEST_API_KEY } from "../helpers/fixtures";
import { type Props, UNKNOWN } from "../helpers/plugin";
import { isSecret, refusal, secret, unwrap } from "../helpers/wire";

const PASSWORD = "registration-password-7d1e";
const ROTATED = "registration-password-rotated-2b9a";

describe("plugin: SipRegistration through both doors (dynamic provider and ultravox plugin)", function () {
    this.timeout(180_000);
    let dynamic: Door;
    let packaged: Door;
    const doors = (): Door[] => [dynamic, packaged];
    const base = { username: "ultravox", password: PASSWORD, proxy: "pbx.example.com" };

    before(async () => {
        ({ dynamic, packaged } = await startDoors(
            "SipRegistration",
            "pbx",
            { registration: true, args: base },
            (given) => ({
                ...given,
                ...(given.password === undefined ? {} : { password: secret(given.password) }),
            }),
        ));
    });

    after(async () => {
        for (const text of await stopDoors([dynamic, packaged])) {
            for (const secretText of [TEST_API_KEY, PASSWORD, ROTATED]) expect(text).to.not.contain(secretText);
        }
    });

    /** A state as the other door holds it: no `__provider`, no envelopes, the id, date and URL as placeholders. */
    function comparable(door: Door, state: Props): Props {
        const { __provider: _provider, registrationId, created, keyFingerprint, ...rest } = unwrap(state) as Props;
        expect(registrationId).to.match(/^[0-9a-f-]{36}$/);
        // A hash of the key that reached the account (the same key through both doors), never the key.
        expect(keyFingerprint).to.match(/^[0-9a-f]{64}$/);
        expect(Date.parse(String(created))).to.not.be.NaN;
        return JSON.parse(JSON.stringify(rest).split(door.emulator.url).join("<emulator>")) as Props;
    }

    beforeEach(() => {
        for (const door of doors()) {
            door.emulator.clearFaults();
            door.emulator.replaceRegistrations([]);
            door.emulator.clearRequests();
        }
    });

    async function both<T>(step: (door: Door) => Promise<T>): Promise<[T, T]> {
        return [await step(dynamic), await step(packaged)];
    }
    const pick = <T>(pair: [T, T], door: Door): T => pair[door === dynamic ? 0 : 1];

    async function create(door: Door, given: Props): Promise<{ id: string; properties: Props }> {
        const checked = await door.plugin.check(door.urn, {}, door.inputs(given));
        expect(checked.failures, door.name).to.deep.equal([]);
        return door.plugin.create(door.urn, checked.inputs);
    }

    const badInputs: [string, Props][] = [
        ["an over-long username", { username: "u".repeat(61) }],
        ["a space in the username", { username: "ultra vox" }],
        ["a control character in the proxy", { proxy: "pbx.example.com\n" }],
        ["a space in authUser", { authUser: "a b" }],
        ["an over-long outbound proxy", { outboundProxy: "p".repeat(101) }],
        ["an empty password", { password: "" }],
        ["no proxy", { proxy: undefined }],
    ];
    for (const [name, change] of badInputs) {
        it(`bad input, ${name}: the same check failure from both, before any request`, async () => {
            const [viaDynamic, viaPlugin] = await both((door) =>
                door.plugin.check(door.urn, {}, door.inputs({ ...base, ...change })),
            );
            expect(viaDynamic.failures).to.have.length(1);
            expect(viaPlugin.failures).to.deep.equal(viaDynamic.failures);
            for (const door of doors()) expect(door.emulator.requests, door.name).to.deep.equal([]);
        });
    }

    it("unknown values at preview are not failures", async () => {
        const [viaDynamic, viaPlugin] = await both((door) =>
            door.plugin.check(door.urn, {}, door.inputs({ ...base, username: UNKNOWN, password: UNKNOWN })),
        );
        expect(viaDynamic.failures).to.deep.equal([]);
        expect(viaPlugin.failures).to.deep.equal([]);
    });

    it("create, no-op diff, console drift shown and set back, password rotated, delete: the same through both", async () => {
        const created = await both((door) => create(door, base));
        expect(comparable(packaged, created[1].properties)).to.deep.equal(comparable(dynamic, created[0].properties));
        expect(comparable(dynamic, created[0].properties)).to.deep.equal({
            username: "ultravox",
            proxy: "pbx.example.com",
            outboundProxy: null,
            authUser: null,
            // The emulator does not contact a proxy off loopback: it does not say.
            successful: null,
            password: PASSWORD,
            accountBaseUrl: "<emulator>",
            accountDomain: DOMAIN,
        });
        expect(isSecret(created[1].properties.password)).to.equal(true);
        expect(isSecret(created[1].properties.keyFingerprint)).to.equal(true);
        expect(unwrap(created[1].properties.keyFingerprint)).to.equal(unwrap(created[0].properties.keyFingerprint));
        for (const door of doors()) {
            expect(
                door.emulator.account.registrations?.map((r) => r.password),
                door.name,
            ).to.deep.equal([PASSWORD]);
            expect(pick(created, door).id).to.equal(door.emulator.account.registrations?.[0]?.registrationId);
        }

        const same = await both((door) =>
            door.plugin.diff(pick(created, door).id, door.urn, pick(created, door).properties, door.inputs(base)),
        );
        expect(same[1]).to.deep.equal(same[0]);
        expect(same[1].changes).to.equal("none");

        // A console edit of a readable field: diff shows it, update sets it back (a PATCH in place).
        for (const door of doors()) {
            const [registration] = door.emulator.account.registrations ?? [];
            if (!registration) throw new Error(`${door.name}: no registration`);
            door.emulator.replaceRegistrations([{ ...registration, authUser: "console" }]);
        }
        const drift = await both((door) =>
            door.plugin.diff(pick(created, door).id, door.urn, pick(created, door).properties, door.inputs(base)),
        );
        expect(drift[1]).to.deep.equal(drift[0]);
        expect(drift[1].changes).to.equal("some");
        const refreshed = await both((door) =>
            door.plugin.read(pick(created, door).id, door.urn, pick(created, door).properties),
        );
        expect(comparable(packaged, refreshed[1].properties)).to.deep.equal(
            comparable(dynamic, refreshed[0].properties),
        );
        expect(comparable(dynamic, refreshed[0].properties).authUser).to.equal("console");

        // A new password: a PATCH with it alone besides the drifted field.
        const rotated = { ...base, password: ROTATED };
        for (const door of doors()) door.emulator.clearRequests();
        const updated = await both((door) =>
            door.plugin.update(
                pick(created, door).id,
                door.urn,
                pick(refreshed, door).properties,
                door.inputs(rotated),
            ),
        );
        expect(comparable(packaged, updated[1].properties)).to.deep.equal(comparable(dynamic, updated[0].properties));
        for (const door of doors()) {
            const patches = door.emulator.requests.filter((request) => request.method === "PATCH");
            expect(
                patches.map((request) => JSON.parse(request.body)),
                door.name,
            ).to.deep.equal([{ authUser: null, password: ROTATED }]);
            expect(door.emulator.account.registrations?.[0]?.password).to.equal(ROTATED);
            expect(door.emulator.account.registrations?.[0]?.authUser).to.equal(null);
        }

        await both((door) => door.plugin.delete(pick(created, door).id, door.urn, pick(updated, door).properties));
        for (const door of doors()) expect(door.emulator.account.registrations, door.name).to.deep.equal([]);
    });

    it("deleted outside the stack: diff replaces it, delete counts it as deleted with a warning, refresh forgets it", async () => {
        const created = await both((door) => create(door, base));
        for (const door of doors()) door.emulator.replaceRegistrations([]);
        const diff = await both((door) =>
            door.plugin.diff(pick(created, door).id, door.urn, pick(created, door).properties, door.inputs(base)),
        );
        expect(diff[1]).to.deep.equal(diff[0]);
        expect(diff[1]).to.deep.include({ changes: "some", replaces: ["registrationId"], deleteBeforeReplace: true });
        const read = await both((door) =>
            door.plugin.read(pick(created, door).id, door.urn, pick(created, door).properties),
        );
        expect(read.map((answer) => answer.id)).to.deep.equal(["", ""]);
        await both((door) => door.plugin.delete(pick(created, door).id, door.urn, pick(created, door).properties));
        for (const door of doors()) {
            expect(door.plugin.output().stderr, door.name).to.contain("was already gone (deleted outside this stack)");
        }
    });

    it("a create whose answer was lost: the next create takes over the registration left behind, no second one", async () => {
        for (const door of doors()) door.emulator.addFault({ method: "POST", resetAfterApply: true });
        // The lookup after the failure finds it at once: the create succeeds with it.
        const created = await both((door) => create(door, base));
        for (const door of doors()) {
            expect(door.emulator.account.registrations, door.name).to.have.length(1);
            expect(pick(created, door).id).to.equal(door.emulator.account.registrations?.[0]?.registrationId);
        }
        // The lookup failing too: the create fails, saying what to do, and the next one takes over.
        for (const door of doors()) {
            door.emulator.replaceRegistrations([]);
            // The lookup before the POST answers; the one after it fails (every retry too).
            door.emulator.addFault({
                method: "POST",
                resetAfterApply: true,
                before: (emulator) => emulator.addFault({ method: "GET", status: 500, times: 8 }),
            });
        }
        const failures = await both((door) =>
            refusal(
                door.plugin
                    .check(door.urn, {}, door.inputs(base))
                    .then((checked) => door.plugin.create(door.urn, checked.inputs)),
            ),
        );
        for (const failed of failures)
            expect(failed.details).to.contain("The create may have reached the server: run `pulumi up` again");
        for (const door of doors()) door.emulator.clearFaults();
        const retried = await both((door) => create(door, { ...base, password: ROTATED }));
        for (const door of doors()) {
            expect(door.emulator.account.registrations, door.name).to.have.length(1);
            expect(pick(retried, door).id).to.equal(door.emulator.account.registrations?.[0]?.registrationId);
            expect(door.emulator.account.registrations?.[0]?.password).to.equal(ROTATED);
            expect(door.plugin.output().stderr).to.contain("already exists");
        }
    });

    it("waitForActiveSeconds: a false after the write fails the create with not_active through both, the registration kept; getSipRegistrations gives successful", async () => {
        for (const door of doors()) {
            // The per-id reads of the wait: the service has tried, and the PBX refused.
            door.emulator.addFault({
                method: "GET",
                path: "/api/sip/registrations/",
                times: 5,
                before: (emulator) => {
                    const [registration] = emulator.account.registrations ?? [];
                    if (registration) emulator.replaceRegistrations([{ ...registration, successful: false }]);
                },
            });
        }
        const failures = await both((door) =>
            refusal(
                door.plugin
                    .check(door.urn, {}, door.inputs({ ...base, waitForActiveSeconds: 5 }))
                    .then((checked) => door.plugin.create(door.urn, checked.inputs)),
            ),
        );
        for (const [index, door] of doors().entries()) {
            const id = door.emulator.account.registrations?.[0]?.registrationId;
            expect(failures[index]?.details, door.name).to.contain(
                `The SIP registration ${id} of "ultravox" at "pbx.example.com" is not active: the API says successful=false`,
            );
            expect(door.emulator.account.registrations, door.name).to.have.length(1);
        }
        const listed = await packaged.plugin.invoke("ultravox:index:getSipRegistrations", {});
        expect((listed.registrations as Props[]).map((registration) => registration.successful)).to.deep.equal([false]);
        const refused = await both((door) =>
            door.plugin.check(door.urn, {}, door.inputs({ ...base, waitForActiveSeconds: 3601 })),
        );
        expect(refused[1].failures).to.deep.equal(refused[0].failures);
        expect(refused[1].failures).to.deep.equal([
            {
                property: "waitForActiveSeconds",
                reason: "Must be a whole number of seconds from 0 (do not wait) to 3600",
            },
        ]);
    });

    it("import through the plugin: the readable fields as inputs, no password; the first update writes the program's", async () => {
        const [made] = await both((door) => create(door, base)).then((pair) => [pair[1]]);
        const id = made?.id ?? "";
        packaged.emulator.clearRequests();
        const read = await packaged.plugin.read(id, packaged.urn, undefined);
        expect(read.inputs).to.deep.equal({ username: "ultravox", proxy: "pbx.example.com" });
        expect((unwrap(read.properties) as Props).password).to.equal(undefined);
        const news = packaged.inputs(base);
        expect((await packaged.plugin.diff(id, packaged.urn, read.properties, news)).changes).to.equal("some");
        packaged.emulator.clearRequests();
        await packaged.plugin.update(id, packaged.urn, read.properties, news);
        const patches = packaged.emulator.requests.filter((request) => request.method === "PATCH");
        expect(patches.map((request) => JSON.parse(request.body))).to.deep.equal([{ password: PASSWORD }]);
    });

    it("the PBX side through the plugin's functions: the same text as TypeScript's, secret when the password is", async () => {
        const account = { username: "ultravox", password: PASSWORD };
        const plain = await packaged.plugin.invoke("ultravox:index:kamailioSubscriber", {
            ...account,
            domain: "pbx.example.test",
        });
        expect(plain).to.deep.equal(kamailioSubscriber(account, { domain: "pbx.example.test" }));
        const secretResult = await packaged.plugin.invoke("ultravox:index:asteriskRegistrationAccount", {
            username: "ultravox",
            password: secret(PASSWORD),
        });
        expect(isSecret(secretResult.text)).to.equal(true);
        expect(isSecret(secretResult.dialString)).to.equal(true);
        expect(unwrap(secretResult)).to.deep.equal(asteriskRegistrationAccount(account));
        const refused = await refusal(
            packaged.plugin.invoke("ultravox:index:freeswitchDirectoryUser", {
                username: "ultravox",
                password: secret("x\n<evil/>"),
            }),
        );
        expect(refused.details).to.match(/^UltravoxError \[invalid_input\]: password holds a control/);
        expect(refused.details).to.not.contain("evil");
    });
});
