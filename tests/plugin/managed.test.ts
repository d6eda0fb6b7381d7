import { expect } from "chai";
import type { EmulatorFault } from "pulumi-ultravox/emulator";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { getConsumer } from "../helpers/consumer";
import { AGENT_A, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import {
    type Plugin,
    PluginCallError,
    type Props,
    type RecordedFailure,
    serializedProvider,
    startPlugin,
} from "../helpers/plugin";

const URN = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/ultravox:SipConfig::pbx-allowlist";
const ORIGINAL_CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];

/**
 * An emulator, the managed provider text as the SDK serializes it for `new SipConfig(...)`, and
 * a plugin configured with the stack config pointing at the emulator.
 */
async function startManaged(): Promise<{ emulator: Emulator; plugin: Plugin; provider: string }> {
    const emulator = await startEmulator({ account: account() });
    const consumer = await getConsumer();
    const serialized = await serializedProvider(consumer, {
        managed: true,
        args: { allowedCidrRanges: ["192.0.2.1/32"] },
    });
    const plugin = await startPlugin(consumer);
    await plugin.configure(
        { "ultravox:apiKey": TEST_API_KEY, "ultravox:baseUrl": emulator.url },
        { secretKeys: ["ultravox:apiKey"] },
    );
    return { emulator, plugin, provider: serialized.text };
}

/** The error of a call that must fail in the plugin; the test fails if it succeeds. */
async function refusal(call: Promise<unknown>): Promise<PluginCallError> {
    try {
        await call;
    } catch (error) {
        expect(error).to.be.instanceOf(PluginCallError);
        return error as PluginCallError;
    }
    throw new Error("the call did not fail");
}

/** The managed form through the real plugin: Check, Create, Diff, Update, Delete, with the account checked after each. */
describe("plugin: SipConfig managed lifecycle (PATCH /api/sip)", function () {
    this.timeout(120_000);
    let emulator: Emulator;
    let plugin: Plugin;
    let provider: string;

    before(async () => {
        ({ emulator, plugin, provider } = await startManaged());
    });
    after(async () => {
        const output = await plugin?.stop();
        await emulator?.close();
        if (output) expect(`${output.stdout}${output.stderr}`).to.not.contain(TEST_API_KEY);
    });
    beforeEach(() => {
        emulator.clearFaults();
        emulator.replaceSip(rawSipConfig());
    });

    const live = () => emulator.account.sip;
    const inputs = (managed: Props): Props => ({ __provider: provider, ...managed });

    async function created(managed: Props): Promise<Props> {
        const checked = await plugin.check(URN, {}, inputs(managed));
        expect(checked.failures).to.deep.equal([]);
        return (await plugin.create(URN, checked.inputs)).properties;
    }

    it("Check reports invalid inputs with their property paths", async () => {
        const checked = await plugin.check(
            URN,
            {},
            inputs({
                allowedCidrRanges: ["203.0.113.0/24", "nope"],
                allowedAgents: [{ agentId: "not-a-uuid" }],
                fallbackHandler: { url: "https://h.example.com/x", secrets: [] },
            }),
        );
        expect(checked.failures.map((failure) => failure.property)).to.deep.equal([
            "allowedCidrRanges[1]",
            "allowedAgents[0].agentId",
            "fallbackHandler.secrets",
        ]);
        expect(live().allowedCidrRanges).to.deep.equal(rawSipConfig().allowedCidrRanges);
    });

    it("Check accepts valid inputs and leaves them as given (order and duplicates are not host bits)", async () => {
        const given = {
            allowedCidrRanges: ["203.0.113.0/24", "198.51.100.7/32", "203.0.113.0/24"],
            allowAllAgents: true,
        };
        const checked = await plugin.check(URN, {}, inputs(given));
        expect(checked.failures).to.deep.equal([]);
        expect(checked.inputs.allowedCidrRanges).to.deep.equal(given.allowedCidrRanges);
    });

    it("Check refuses a range written with host bits, saying both forms it could mean", async () => {
        const checked = await plugin.check(
            URN,
            {},
            inputs({ allowedCidrRanges: ["198.51.100.7/32", "203.0.113.7/24"] }),
        );
        expect(checked.failures).to.deep.equal([
            {
                property: "allowedCidrRanges[1]",
                reason: "203.0.113.7/24 has host bits set: it means the network 203.0.113.0/24 (256 addresses). Write 203.0.113.7/32 for the one address, or 203.0.113.0/24 for the network.",
            },
        ]);
    });

    it("Create writes only the given fields and records their previous values", async () => {
        const before = live();
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32", "192.0.2.9/32"] });
        expect(live().allowedCidrRanges).to.deep.equal(["192.0.2.1/32", "192.0.2.9/32"]);
        // Untouched fields stay exactly as they were.
        expect(live().allowedAgents).to.deep.equal(before.allowedAgents);
        expect(live().fallbackHandler).to.deep.equal(before.fallbackHandler);
        expect(outs.allowedCidrRanges).to.deep.equal(["192.0.2.1/32", "192.0.2.9/32"]);
        expect(outs.domain).to.equal("acme-test.sip.ultravox.invalid");
        expect(outs.managedFields).to.deep.equal(["allowedCidrRanges"]);
        expect(outs.priorValues).to.deep.equal({ allowedCidrRanges: ORIGINAL_CIDRS });
        expect(outs.apiKey).to.equal(undefined);
    });

    it("Diff: no change when equal after canonicalization; a change; console drift", async () => {
        const managed = { allowedCidrRanges: ["192.0.2.1/32", "192.0.2.9/32"] };
        const outs = await created(managed);
        const same = await plugin.diff(
            "sip",
            URN,
            outs,
            inputs({ allowedCidrRanges: ["192.0.2.9/32", "192.0.2.1/32"] }),
        );
        expect(same.changes).to.equal("none");
        const changed = await plugin.diff("sip", URN, outs, inputs({ allowedCidrRanges: ["192.0.2.2/32"] }));
        expect(changed.changes).to.equal("some");
        expect(changed.replaces).to.deep.equal([]);
        // Someone edits the allowlist in the console: preview shows drift against the same inputs.
        emulator.replaceSip({ ...live(), allowedCidrRanges: ["192.0.2.1/32"] });
        const drift = await plugin.diff("sip", URN, outs, inputs(managed));
        expect(drift.changes).to.equal("some");
    });

    it("Diff: a rotated explicit key is a change (delete and refresh use the key in the state)", async () => {
        const managed = { allowedCidrRanges: ["192.0.2.1/32"], apiKey: TEST_API_KEY };
        const outs = await created(managed);
        expect(outs.apiKey).to.equal(TEST_API_KEY);
        const same = await plugin.diff("sip", URN, outs, inputs(managed));
        expect(same.changes).to.equal("none");
        const rotated = await plugin.diff(
            "sip",
            URN,
            outs,
            inputs({ ...managed, apiKey: "r0tated0.abcdefghijklmnopqrstuvwxyz012345" }),
        );
        expect(rotated.changes).to.equal("some");
    });

    it("Update patches the changed fields, sets drift back, and takes over new fields", async () => {
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32"] });
        emulator.replaceSip({ ...live(), allowedCidrRanges: ["192.0.2.66/32"] });
        const updated = (
            await plugin.update("sip", URN, outs, inputs({ allowedCidrRanges: ["192.0.2.5/32"], allowAllAgents: true }))
        ).properties;
        expect(live().allowedCidrRanges).to.deep.equal(["192.0.2.5/32"]);
        expect(live().allowAllAgents).to.equal(true);
        expect(updated.managedFields).to.deep.equal(["allowedCidrRanges", "allowAllAgents"]);
        // The value recorded at create is kept; the new field records its value at take-over.
        expect(updated.priorValues).to.deep.equal({ allowedCidrRanges: ORIGINAL_CIDRS, allowAllAgents: false });
        expect(live().allowedAgents).to.deep.equal(rawSipConfig().allowedAgents);
    });

    it("Delete restores the recorded previous values", async () => {
        const outs = await created({
            allowedCidrRanges: ["192.0.2.1/32"],
            allowedAgents: [{ agentId: AGENT_A }],
            fallbackHandler: null,
        });
        expect(live().fallbackHandler).to.equal(null);
        expect(live().allowedAgents).to.deep.equal([{ agentId: AGENT_A }]);
        await plugin.delete("sip", URN, outs);
        expect(live().allowedCidrRanges).to.deep.equal(ORIGINAL_CIDRS);
        expect(live().fallbackHandler).to.deep.equal(rawSipConfig().fallbackHandler);
        expect(live().allowedAgents).to.deep.equal([
            { agentId: "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", toUserPattern: "^support$" },
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
        ]);
    });

    it("Delete with restoreOnDelete false leaves the account as it is", async () => {
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32"], restoreOnDelete: false });
        const patches = emulator.requests.filter((r) => r.method === "PATCH").length;
        await plugin.delete("sip", URN, outs);
        expect(live().allowedCidrRanges).to.deep.equal(["192.0.2.1/32"]);
        expect(emulator.requests.filter((r) => r.method === "PATCH").length).to.equal(patches);
    });

    it("agent ids in upper case: written in lower case, and no perpetual diff", async () => {
        const managed = { allowedAgents: [{ agentId: AGENT_A.toUpperCase() }] };
        const outs = await created(managed);
        expect(live().allowedAgents).to.deep.equal([{ agentId: AGENT_A }]);
        expect(outs.allowedAgents).to.deep.equal([{ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` }]);
        const same = await plugin.diff("sip", URN, outs, inputs(managed));
        expect(same.changes).to.equal("none");
        // The lower-case spelling of the same id is the same input; a pattern built from it too.
        const lower = await plugin.diff(
            "sip",
            URN,
            outs,
            inputs({ allowedAgents: [{ agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` }] }),
        );
        expect(lower.changes).to.equal("none");
        const patches = emulator.requests.filter((r) => r.method === "PATCH").length;
        await plugin.update("sip", URN, outs, inputs(managed));
        expect(emulator.requests.filter((r) => r.method === "PATCH").length).to.equal(patches);
    });

    it("records the account it wrote: the resolved base URL and the domain, never the key", async () => {
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32"] });
        expect(outs.accountBaseUrl).to.equal(emulator.url);
        expect(outs.accountDomain).to.equal("acme-test.sip.ultravox.invalid");
        expect(outs.writtenValues).to.deep.equal({ allowedCidrRanges: ["192.0.2.1/32"] });
        expect(JSON.stringify(outs)).to.not.contain(TEST_API_KEY);
    });

    it("another account behind the same key and URL: diff replaces; refresh, update and delete refuse", async () => {
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32"] });
        // The key now reaches an account with another domain.
        const other = { ...rawSipConfig(), domain: "other-account.sip.ultravox.invalid" };
        emulator.replaceSip(other);
        const diffed = await plugin.diff("sip", URN, outs, inputs({ allowedCidrRanges: ["192.0.2.1/32"] }));
        expect(diffed.changes).to.equal("some");
        expect(diffed.replaces).to.deep.equal(["accountDomain"]);
        expect(diffed.deleteBeforeReplace).to.equal(true);
        const patches = emulator.requests.filter((r) => r.method === "PATCH").length;
        const refusals = [
            () => plugin.read("sip", URN, outs),
            () => plugin.update("sip", URN, outs, inputs({ allowedCidrRanges: ["192.0.2.2/32"] })),
            () => plugin.delete("sip", URN, outs),
        ];
        for (const [index, refused] of refusals.entries()) {
            let caught: unknown;
            try {
                await refused();
            } catch (error) {
                caught = error;
            }
            expect(caught, String(index)).to.be.instanceOf(PluginCallError);
            const details = (caught as PluginCallError).details;
            expect(details).to.contain(
                `was written to the account with domain "acme-test.sip.ultravox.invalid", but the key and base URL now reach the account with domain "other-account.sip.ultravox.invalid"; ${["refresh", "update", "delete"][index]} refused`,
            );
        }
        expect(emulator.requests.filter((r) => r.method === "PATCH").length).to.equal(patches);
        expect(live()).to.deep.equal(other);
    });

    it("Delete keeps a field an operator changed since the stack's last write, warning with its name", async () => {
        const outs = await created({ allowedCidrRanges: ["192.0.2.1/32"], allowAllAgents: true });
        emulator.replaceSip({ ...live(), allowedCidrRanges: ["192.0.2.99/32"] });
        // A refresh records the live values, but not as the stack's own: the edit is still the operator's.
        const refreshed = (await plugin.read("sip", URN, outs)).properties;
        expect(refreshed.allowedCidrRanges).to.deep.equal(["192.0.2.99/32"]);
        const before = plugin.output().stderr.length;
        await plugin.delete("sip", URN, refreshed);
        expect(live().allowedCidrRanges).to.deep.equal(["192.0.2.99/32"]);
        expect(live().allowAllAgents).to.equal(false);
        expect(plugin.output().stderr.slice(before)).to.contain(
            "warning: pulumi-ultravox: allowedCidrRanges was changed outside this stack since its last write, so delete keeps the current value instead of restoring the one from before the stack took it over.",
        );
        expect(plugin.output().stderr.slice(before)).to.not.contain("allowAllAgents was changed");
    });

    it("detects a writer that races Create between its read and its PATCH", async () => {
        emulator.addFault({
            method: "PATCH",
            before: (em) => em.replaceSip({ ...em.account.sip, allowAllAgents: true }),
        });
        const caught = await refusal(created({ allowedCidrRanges: ["192.0.2.1/32"] }));
        expect(caught.details).to.contain("Another writer changed the account's SIP config");
        expect(caught.details).to.contain("allowAllAgents");
    });

    for (const [when, fault] of [
        [
            "between create's read and its PATCH",
            (other: typeof rawSipConfig extends () => infer T ? T : never): EmulatorFault => ({
                method: "PATCH",
                before: (em) => em.replaceSip(other),
            }),
        ],
        [
            "between the PATCH and its read-back",
            (other: typeof rawSipConfig extends () => infer T ? T : never): EmulatorFault => ({
                method: "PATCH",
                // The PATCH lands in the first account; the read-back then reaches another.
                before: (em) => em.addFault({ method: "GET", before: (later) => later.replaceSip(other) }),
            }),
        ],
    ] as const) {
        it(`the key reaches another account ${when}: a conflict naming both domains, the first account recorded`, async () => {
            const other = { ...rawSipConfig(), domain: "other-account.sip.ultravox.invalid", allowedCidrRanges: [] };
            emulator.addFault(fault(other));
            const caught = await refusal(created({ allowedCidrRanges: ["192.0.2.1/32"] }));
            const failure = caught;
            const who = when.startsWith("between create's") ? "answered the PATCH" : "answered the read-back";
            expect(failure.recorded?.reasons[0]).to.match(/^UltravoxError \[conflict\]: /);
            expect(failure.details).to.contain(
                `The account read before the write has domain "acme-test.sip.ultravox.invalid", but the account that ${who} has domain "other-account.sip.ultravox.invalid": the key or base URL now reaches another account, and the PATCH may have changed that account. Nothing of it was recorded as this stack's`,
            );
            // The state records the first account and its values from before the write, nothing of the second.
            expect(failure.recorded?.properties.accountDomain).to.equal("acme-test.sip.ultravox.invalid");
            expect(failure.recorded?.properties.allowedCidrRanges).to.deep.equal(ORIGINAL_CIDRS);
            expect(JSON.stringify(failure.recorded?.properties)).to.not.contain("other-account");
        });
    }

    it("fails, with the state unchanged, when the PATCH is answered with something else", async () => {
        emulator.addFault({ method: "PATCH", body: JSON.stringify({ ...rawSipConfig(), allowedCidrRanges: [] }) });
        const caught = await refusal(created({ allowedCidrRanges: ["192.0.2.1/32"] }));
        expect(caught.details).to.contain("does not hold what was written");
    });
});

/**
 * examples/pbx-allowlist's lifecycle, replayed through the plugin as the engine would run it:
 * the PBX's address is created, changes (a new elastic IP), and the stack is destroyed.
 */
describe("plugin: examples/pbx-allowlist lifecycle against the emulator", function () {
    this.timeout(120_000);
    const urn = "urn:pulumi:dev::pbx-allowlist::pulumi-nodejs:dynamic/ultravox:SipConfig::ultravox-sip";
    const agentId = "0b7f3f0e-8f5e-4d8c-9c1d-2a3b4c5d6e7f";
    let emulator: Emulator;
    let plugin: Plugin;
    let provider: string;

    before(async () => {
        ({ emulator, plugin, provider } = await startManaged());
    });
    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });

    const programInputs = (pbxIp: string): Props => ({
        __provider: provider,
        allowedCidrRanges: [`${pbxIp}/32`],
        allowedAgents: [{ agentId }],
        fallbackHandler: { url: "https://pbx.example.com/ultravox/fallback", secrets: ["pbx-fallback-secret"] },
    });

    it("create, a changed address, update, delete: the allowlist is exact at each step", async () => {
        const first = await plugin.check(urn, {}, programInputs("203.0.113.50"));
        expect(first.failures).to.deep.equal([]);
        const created = await plugin.create(urn, first.inputs);
        expect(created.id).to.equal("sip");
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["203.0.113.50/32"]);
        expect(emulator.account.sip.allowedAgents).to.deep.equal([{ agentId }]);

        // Nothing changed: preview shows no diff.
        const unchanged = await plugin.diff("sip", urn, created.properties, first.inputs);
        expect(unchanged.changes).to.equal("none");

        // The PBX gets a new elastic IP.
        const second = await plugin.check(urn, first.inputs, programInputs("198.51.100.20"));
        const changed = await plugin.diff("sip", urn, created.properties, second.inputs);
        expect(changed.changes).to.equal("some");
        expect(changed.replaces).to.deep.equal([]);
        const updated = await plugin.update("sip", urn, created.properties, second.inputs);
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["198.51.100.20/32"]);
        expect(updated.properties.allowedCidrRanges).to.deep.equal(["198.51.100.20/32"]);

        // pulumi destroy: the account gets back what it had before the stack took over (in canonical form).
        await plugin.delete("sip", urn, updated.properties);
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(ORIGINAL_CIDRS);
        expect(emulator.account.sip.allowedAgents).to.deep.equal([
            { agentId: "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", toUserPattern: "^support$" },
            { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
        ]);
        expect(emulator.account.sip.fallbackHandler).to.deep.equal(rawSipConfig().fallbackHandler);
    });
});

/**
 * A write that fails once its PATCH may have reached the server: whatever the failure, the
 * engine must get a recorded state (the id and the values read before the write), from which
 * the next update and delete still restore the account.
 */
describe("plugin: SipConfig managed form, a write failing halfway", function () {
    this.timeout(120_000);
    let emulator: Emulator;
    let plugin: Plugin;
    let provider: string;

    before(async () => {
        ({ emulator, plugin, provider } = await startManaged());
    });
    after(async () => {
        await plugin?.stop();
        await emulator?.close();
    });
    beforeEach(() => {
        emulator.clearFaults();
        emulator.clearRequests();
        emulator.replaceSip(rawSipConfig());
    });

    // A short deadline: the late-answer variant must not take the default 30 s.
    const inputs = (cidr: string): Props => ({ __provider: provider, allowedCidrRanges: [cidr], timeoutMs: 3_000 });

    async function failed(call: () => Promise<unknown>): Promise<PluginCallError> {
        let caught: unknown;
        try {
            await call();
        } catch (error) {
            caught = error;
        }
        expect(caught).to.be.instanceOf(PluginCallError);
        return caught as PluginCallError;
    }

    /** The recorded state holds the values from before the stack took over, and delete restores them. */
    async function expectRestorable(
        recorded: RecordedFailure | undefined,
        code: string,
        restored: string[] = ORIGINAL_CIDRS,
    ): Promise<void> {
        expect(recorded?.id).to.equal("sip");
        expect(recorded?.properties.managedFields).to.deep.equal(["allowedCidrRanges"]);
        expect(recorded?.properties.priorValues).to.deep.equal({ allowedCidrRanges: ORIGINAL_CIDRS });
        expect(recorded?.properties.__provider).to.equal(provider);
        expect(recorded?.reasons).to.have.length(1);
        expect(recorded?.reasons[0]).to.contain(`UltravoxError [${code}]`);
        expect(recorded?.reasons[0]).to.contain("The stack recorded the account's values from before this write");
        emulator.clearFaults();
        await plugin.delete("sip", URN, recorded?.properties ?? {});
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(restored);
    }

    const variants: { name: string; code: string; applied: boolean; faults: () => EmulatorFault[] }[] = [
        {
            name: "the connection reset after the PATCH was applied (every retry too)",
            code: "network",
            applied: true,
            faults: () => [{ method: "PATCH", resetAfterApply: true, times: 4 }],
        },
        {
            name: "the PATCH applied but answered after the deadline",
            code: "timeout",
            applied: true,
            faults: () => [{ method: "PATCH", answerDelayMs: 5_000 }],
        },
        {
            name: "the read-back after the PATCH failed",
            code: "server",
            applied: true,
            faults: () => [{ method: "PATCH", before: (em) => em.addFault({ method: "GET", status: 500 }) }],
        },
        {
            name: "the read-back answered an invalid config",
            code: "invalid_response",
            applied: true,
            faults: () => [
                {
                    method: "PATCH",
                    before: (em) => em.addFault({ method: "GET", body: JSON.stringify({ domain: "x" }) }),
                },
            ],
        },
        {
            name: "the PATCH answered with a config that does not hold what was written",
            code: "invalid_response",
            applied: false,
            faults: () => [{ method: "PATCH", body: JSON.stringify({ ...rawSipConfig(), allowedCidrRanges: [] }) }],
        },
    ];

    for (const variant of variants) {
        it(`create: ${variant.name}`, async () => {
            for (const fault of variant.faults()) emulator.addFault(fault);
            const checked = await plugin.check(URN, {}, inputs("192.0.2.1/32"));
            const error = await failed(() => plugin.create(URN, checked.inputs));
            const untouched = rawSipConfig().allowedCidrRanges;
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(
                variant.applied ? ["192.0.2.1/32"] : untouched,
            );
            // Not applied: the account still holds its own values, which delete leaves as they are.
            await expectRestorable(error.recorded, variant.code, variant.applied ? ORIGINAL_CIDRS : untouched);
        });

        it(`update: ${variant.name}`, async () => {
            const first = await plugin.check(URN, {}, inputs("192.0.2.1/32"));
            const created = await plugin.create(URN, first.inputs);
            const second = await plugin.check(URN, first.inputs, inputs("192.0.2.5/32"));
            for (const fault of variant.faults()) emulator.addFault(fault);
            const error = await failed(() => plugin.update("sip", URN, created.properties, second.inputs));
            expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(
                variant.applied ? ["192.0.2.5/32"] : ["192.0.2.1/32"],
            );
            // The values recorded at create are kept, not the stack's own values of the last write.
            await expectRestorable(error.recorded, variant.code);
        });
    }

    it("a failure before any PATCH records nothing (the account was not touched)", async () => {
        emulator.addFault({ method: "GET", status: 503, times: 4, retryAfter: "0" });
        const checked = await plugin.check(URN, {}, inputs("192.0.2.1/32"));
        const error = await failed(() => plugin.create(URN, checked.inputs));
        expect(error.details).to.contain("The Ultravox API failed with HTTP 503");
        expect(error.recorded).to.equal(undefined);
        expect(emulator.requests.filter((r) => r.method === "PATCH")).to.deep.equal([]);
        expect(emulator.account.sip).to.deep.equal(rawSipConfig());
    });
});
