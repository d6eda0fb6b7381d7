/**
 * One lifecycle behind two doors: the same steps driven over gRPC through the dynamic provider
 * (TypeScript's `new SipConfig`) and through the `ultravox` plugin (`ultravox:index:SipConfig`,
 * every other language), each against its own emulator holding the same account. After each
 * step, what each records and answers, and what each account holds, must be the same: the
 * doors differ only in their wire (the plugin stores secrets wrapped, the dynamic provider
 * carries `__provider`, and the plugin adds `agentDialTargets`).
 */
import { expect } from "chai";
import { agentDialTargets, type SipConfigData } from "pulumi-ultravox";
import { type Emulator, startEmulator } from "pulumi-ultravox/emulator";
import { type Door, startDoors, stopDoors } from "../helpers/doors";
import { AGENT_A, account, rawSipConfig, TEST_API_KEY } from "../helpers/fixtures";
import { packageSchema } from "../helpers/internal";
import { type Plugin, type Props, startPackageProvider, UNKNOWN } from "../helpers/plugin";
import { isSecret, refusal, secret, unwrap } from "../helpers/wire";

const ORIGINAL_CIDRS = ["9.0.0.0/8", "10.1.2.0/24", "198.51.100.7/32", "203.0.113.0/24"];
const HANDLER = { url: "https://pbx.example.com/ultravox/doors", secrets: ["doors-signing-secret-0123456789"] };

/** Each door has its own emulator: its URL (in the recorded account, in messages) becomes `<emulator>`. */
function withoutUrl<T>(value: T, url: string): T {
    return JSON.parse(JSON.stringify(value).split(url).join("<emulator>")) as T;
}

describe("plugin: the same steps through both doors (dynamic provider and ultravox plugin) give the same result", function () {
    this.timeout(180_000);
    let dynamic: Door;
    let packaged: Door;
    const doors = (): Door[] => [dynamic, packaged];

    before(async () => {
        ({ dynamic, packaged } = await startDoors(
            "SipConfig",
            "allowlist",
            { managed: true, args: { allowedCidrRanges: ["192.0.2.1/32"] } },
            (managed) => ({
                ...managed,
                ...(managed.fallbackHandler ? { fallbackHandler: secret(managed.fallbackHandler) } : {}),
            }),
        ));
    });

    after(async () => {
        for (const text of await stopDoors([dynamic, packaged])) expect(text).to.not.contain(TEST_API_KEY);
    });

    /** A state as the other door would hold it: the wire's own parts taken off, the emulator's URL a placeholder. */
    function comparable(door: Door, state: Props): Props {
        if (door === dynamic) {
            const { __provider: _provider, ...rest } = state;
            return withoutUrl(rest, door.emulator.url);
        }
        const { agentDialTargets: targets, ...rest } = unwrap(state) as Props;
        // The plugin's extra output is the renderer's answer on the state it records.
        expect(targets).to.deep.equal(agentDialTargets(rest as unknown as SipConfigData));
        return withoutUrl(rest, door.emulator.url);
    }

    beforeEach(() => {
        for (const door of doors()) {
            door.emulator.clearFaults();
            door.emulator.replaceSip(rawSipConfig());
        }
    });

    /** Runs the step through each door; returns the two results. */
    async function both<T>(step: (door: Door) => Promise<T>): Promise<[T, T]> {
        return [await step(dynamic), await step(packaged)];
    }

    async function create(door: Door, managed: Props): Promise<Props> {
        const checked = await door.plugin.check(door.urn, {}, door.inputs(managed));
        expect(checked.failures, door.name).to.deep.equal([]);
        return (await door.plugin.create(door.urn, checked.inputs)).properties;
    }

    const badInputs: { name: string; inputs: Props }[] = [
        { name: "a CIDR with host bits", inputs: { allowedCidrRanges: ["203.0.113.0/24", "10.1.2.3/24"] } },
        { name: "an IPv6 range", inputs: { allowedCidrRanges: ["2001:db8::/32"] } },
        {
            name: "21 agents",
            inputs: { allowedAgents: Array.from({ length: 21 }, () => ({ agentId: AGENT_A })) },
        },
        {
            name: "a 201-character pattern",
            inputs: { allowedAgents: [{ agentId: AGENT_A, toUserPattern: `^${"a".repeat(199)}$` }] },
        },
        { name: "an empty secret list", inputs: { fallbackHandler: { url: HANDLER.url, secrets: [] } } },
        { name: "an agent id that is not a UUID", inputs: { allowedAgents: [{ agentId: "support" }] } },
        { name: "restoreOnDelete not a boolean", inputs: { allowedCidrRanges: [], restoreOnDelete: "no" } },
    ];
    for (const { name, inputs } of badInputs) {
        it(`bad input, ${name}: the same check failures, before any request`, async () => {
            for (const door of doors()) door.emulator.clearRequests();
            const [viaDynamic, viaPlugin] = await both((door) => door.plugin.check(door.urn, {}, door.inputs(inputs)));
            expect(viaDynamic.failures).to.have.length.greaterThan(0);
            expect(viaPlugin.failures).to.deep.equal(viaDynamic.failures);
            for (const door of doors()) expect(door.emulator.requests, door.name).to.deep.equal([]);
        });
    }

    it("the exact failures for a host-bits range and a long pattern", async () => {
        const checked = await packaged.plugin.check(
            packaged.urn,
            {},
            {
                allowedCidrRanges: ["10.1.2.3/24"],
                allowedAgents: [{ agentId: AGENT_A, toUserPattern: "x".repeat(201) }],
            },
        );
        expect(checked.failures.map((failure) => failure.property)).to.deep.equal([
            "allowedAgents[0].toUserPattern",
            "allowedCidrRanges[0]",
        ]);
        expect(checked.failures[1]?.reason).to.equal(
            "10.1.2.3/24 has host bits set: it means the network 10.1.2.0/24 (256 addresses). Write 10.1.2.3/32 for the one address, or 10.1.2.0/24 for the network.",
        );
    });

    it("unknown values at preview: no failure for what is not known yet, the same answer from both", async () => {
        const inputs = { allowedCidrRanges: [UNKNOWN, "10.1.2.3/24"], allowedAgents: UNKNOWN };
        const [viaDynamic, viaPlugin] = await both((door) => door.plugin.check(door.urn, {}, door.inputs(inputs)));
        expect(viaPlugin.failures).to.deep.equal(viaDynamic.failures);
        // A list holding an unknown is checked when it is known, at up.
        expect(viaPlugin.failures).to.deep.equal([]);
        const [diffDynamic, diffPlugin] = await both(async (door) => {
            const state = await create(door, { allowedCidrRanges: ["192.0.2.1/32"] });
            return door.plugin.diff("sip", door.urn, state, door.inputs({ allowedCidrRanges: [UNKNOWN] }));
        });
        expect(diffPlugin).to.deep.equal(diffDynamic);
        expect(diffPlugin.changes).to.equal("some");
    });

    it("each input unknown at preview, restoreOnDelete included: no failure through either door", async () => {
        const inputNames = Object.keys(
            packageSchema.packageSchema.resources["ultravox:index:SipConfig"].inputProperties,
        );
        expect(inputNames).to.include("restoreOnDelete");
        for (const name of inputNames) {
            const inputs = { allowedCidrRanges: ["192.0.2.0/24"], [name]: UNKNOWN };
            const [viaDynamic, viaPlugin] = await both((door) => door.plugin.check(door.urn, {}, door.inputs(inputs)));
            expect(viaDynamic.failures, `dynamic: ${name}`).to.deep.equal([]);
            expect(viaPlugin.failures, `plugin: ${name}`).to.deep.equal([]);
        }
    });

    it("the plugin refuses an input SipConfig does not have, naming it", async () => {
        const checked = await packaged.plugin.check(packaged.urn, {}, { allowedCidrRange: ["192.0.2.1/32"] });
        expect(checked.failures).to.deep.equal([
            {
                property: "allowedCidrRange",
                reason: "Not an input of SipConfig; its inputs are allowedCidrRanges, allowAllAgents, allowedAgents, fallbackHandler, restoreOnDelete (the account and key come from the provider).",
            },
        ]);
    });

    it("create, no-op diff, console drift shown and set back, refresh, rotate, destroy: the same states and accounts", async () => {
        const managed = {
            allowedCidrRanges: ["198.51.100.0/24", "192.0.2.1/32"],
            allowedAgents: [{ agentId: AGENT_A.toUpperCase() }],
            fallbackHandler: HANDLER,
        };
        const created = await both((door) => create(door, managed));
        expect(comparable(packaged, created[1])).to.deep.equal(comparable(dynamic, created[0]));
        const createdState = comparable(dynamic, created[0]);
        expect(createdState.managedFields).to.deep.equal(["allowedCidrRanges", "allowedAgents", "fallbackHandler"]);
        expect(createdState.priorValues).to.deep.equal({
            allowedCidrRanges: ORIGINAL_CIDRS,
            allowedAgents: rawSipConfig().allowedAgents.map((agent) => ({
                agentId: agent.agentId,
                toUserPattern: agent.toUserPattern ?? `^agent_${agent.agentId}$`,
            })),
            fallbackHandler: rawSipConfig().fallbackHandler,
        });
        expect(packaged.emulator.account.sip).to.deep.equal(dynamic.emulator.account.sip);
        expect(packaged.emulator.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.1/32", "198.51.100.0/24"]);
        // The plugin stores what holds a secret wrapped; the key is in neither state.
        for (const name of ["fallbackHandler", "priorValues", "writtenValues"]) {
            expect(isSecret(created[1][name]), name).to.equal(true);
        }
        for (const state of created) expect(JSON.stringify(state)).to.not.contain(TEST_API_KEY);

        const unchanged = await both((door) =>
            door.plugin.diff("sip", door.urn, created[door === dynamic ? 0 : 1], door.inputs(managed)),
        );
        expect(unchanged[1]).to.deep.equal(unchanged[0]);
        expect(unchanged[1].changes).to.equal("none");

        // A console edit: preview shows it, refresh records it, up sets it back.
        for (const door of doors()) {
            door.emulator.replaceSip({ ...door.emulator.account.sip, allowedCidrRanges: ["203.0.113.9/32"] });
        }
        const drift = await both((door) =>
            door.plugin.diff("sip", door.urn, created[door === dynamic ? 0 : 1], door.inputs(managed)),
        );
        expect(drift[1]).to.deep.equal(drift[0]);
        expect(drift[1].changes).to.equal("some");
        const refreshed = await both((door) =>
            door.plugin.read("sip", door.urn, created[door === dynamic ? 0 : 1], door.inputs(managed)),
        );
        expect(comparable(packaged, refreshed[1].properties)).to.deep.equal(
            comparable(dynamic, refreshed[0].properties),
        );
        expect(comparable(dynamic, refreshed[0].properties).allowedCidrRanges).to.deep.equal(["203.0.113.9/32"]);
        const setBack = await both((door) =>
            door.plugin.update(
                "sip",
                door.urn,
                refreshed[door === dynamic ? 0 : 1].properties,
                door.inputs({ ...managed, allowedCidrRanges: ["192.0.2.1/32"] }),
            ),
        );
        expect(comparable(packaged, setBack[1].properties)).to.deep.equal(comparable(dynamic, setBack[0].properties));
        expect(packaged.emulator.account.sip).to.deep.equal(dynamic.emulator.account.sip);
        expect(packaged.emulator.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.1/32"]);

        // Destroy restores what was there before the stack took over.
        await both((door) => door.plugin.delete("sip", door.urn, setBack[door === dynamic ? 0 : 1].properties));
        for (const door of doors()) {
            expect(door.emulator.account.sip.allowedCidrRanges, door.name).to.deep.equal(ORIGINAL_CIDRS);
            expect(door.emulator.account.sip.fallbackHandler, door.name).to.deep.equal(rawSipConfig().fallbackHandler);
        }
        expect(packaged.emulator.account.sip).to.deep.equal(dynamic.emulator.account.sip);
    });

    it("a PATCH applied but its answer lost: the same recorded failure, and destroy restores through either door", async () => {
        for (const door of doors()) door.emulator.addFault({ method: "PATCH", resetAfterApply: true, times: 4 });
        const failures = await both((door) =>
            refusal(
                door.plugin
                    .check(door.urn, {}, door.inputs({ allowedCidrRanges: ["192.0.2.1/32"] }))
                    .then((checked) => door.plugin.create(door.urn, checked.inputs)),
            ),
        );
        const [viaDynamic, viaPlugin] = failures.map((failure) => failure.recorded);
        expect(withoutUrl(viaPlugin?.reasons, packaged.emulator.url)).to.deep.equal(
            withoutUrl(viaDynamic?.reasons, dynamic.emulator.url),
        );
        expect(viaPlugin?.reasons[0]).to.match(/^UltravoxError \[network\]: /);
        expect(comparable(packaged, viaPlugin?.properties ?? {})).to.deep.equal(
            comparable(dynamic, viaDynamic?.properties ?? {}),
        );
        expect(isSecret(viaPlugin?.properties.priorValues)).to.equal(true);
        // The SDK's dynamic-provider server sends the message alone; the plugin keeps the code in front.
        expect(withoutUrl(failures[1].details, packaged.emulator.url)).to.equal(
            `UltravoxError [network]: ${withoutUrl(failures[0].details, dynamic.emulator.url)}`,
        );
        for (const door of doors()) {
            door.emulator.clearFaults();
            expect(door.emulator.account.sip.allowedCidrRanges, door.name).to.deep.equal(["192.0.2.1/32"]);
        }
        await dynamic.plugin.delete("sip", dynamic.urn, viaDynamic?.properties ?? {});
        await packaged.plugin.delete("sip", packaged.urn, viaPlugin?.properties ?? {});
        for (const door of doors()) {
            expect(door.emulator.account.sip.allowedCidrRanges, door.name).to.deep.equal(ORIGINAL_CIDRS);
        }
    });

    it("delete keeps a field changed outside the stack since its write, through both doors", async () => {
        const created = await both((door) =>
            create(door, { allowedCidrRanges: ["192.0.2.1/32"], allowAllAgents: true }),
        );
        for (const door of doors()) {
            door.emulator.replaceSip({ ...door.emulator.account.sip, allowedCidrRanges: ["203.0.113.9/32"] });
        }
        await both((door) => door.plugin.delete("sip", door.urn, created[door === dynamic ? 0 : 1]));
        for (const door of doors()) {
            expect(door.emulator.account.sip.allowedCidrRanges, door.name).to.deep.equal(["203.0.113.9/32"]);
            expect(door.emulator.account.sip.allowAllAgents, door.name).to.equal(false);
        }
        for (const door of doors()) {
            expect(door.plugin.output().stderr, door.name).to.contain(
                "allowedCidrRanges was changed outside this stack since its last write, so delete keeps the current value",
            );
        }
    });
});

describe("plugin: import of ultravox:index:SipConfig (pulumi import, the import option)", function () {
    this.timeout(120_000);
    let emulator: Emulator;
    let plugin: Plugin;
    const URN = "urn:pulumi:dev::proj::ultravox:index:SipConfig::adopted";

    before(async () => {
        emulator = await startEmulator({ account: account() });
        plugin = await startPackageProvider();
        await plugin.configure({ apiKey: TEST_API_KEY, baseUrl: emulator.url }, { secretKeys: ["apiKey"] });
    });
    after(async () => {
        const output = await plugin?.stop();
        await emulator?.close();
        if (output) expect(`${output.stdout}${output.stderr}`).to.not.contain(TEST_API_KEY);
    });
    beforeEach(() => emulator.replaceSip(rawSipConfig()));

    it("reads the live allowlist as inputs and a state that owns them (the handler a secret output, not adopted); check and diff then find nothing to do", async () => {
        const read = await plugin.read("sip", URN, undefined);
        expect(read.id).to.equal("sip");
        const agents = rawSipConfig().allowedAgents.map((agent) => ({
            agentId: agent.agentId,
            toUserPattern: agent.toUserPattern ?? `^agent_${agent.agentId}$`,
        }));
        expect(read.inputs).to.deep.equal({
            allowedCidrRanges: ORIGINAL_CIDRS,
            allowAllAgents: false,
            allowedAgents: agents,
        });
        const state = unwrap(read.properties) as Props;
        expect(state.managedFields).to.deep.equal(["allowedCidrRanges", "allowAllAgents", "allowedAgents"]);
        expect(state.fallbackHandler).to.deep.equal(rawSipConfig().fallbackHandler);
        expect(state.priorValues).to.deep.equal(unwrap(read.inputs));
        expect(state.writtenValues).to.deep.equal(unwrap(read.inputs));
        expect(state.accountBaseUrl).to.equal(emulator.url);
        expect(isSecret(read.properties.fallbackHandler)).to.equal(true);
        const checked = await plugin.check(URN, read.inputs ?? {}, read.inputs ?? {});
        expect(checked.failures).to.deep.equal([]);
        const diff = await plugin.diff("sip", URN, read.properties, checked.inputs);
        expect(diff.changes).to.equal("none");
    });

    it("an account without a fallback handler: the handler is left out of the inputs, not owned as null", async () => {
        emulator.replaceSip({ ...rawSipConfig(), fallbackHandler: null });
        const read = await plugin.read("sip", URN, undefined);
        expect(Object.keys(read.inputs ?? {}).sort()).to.deep.equal([
            "allowAllAgents",
            "allowedAgents",
            "allowedCidrRanges",
        ]);
        const diff = await plugin.diff("sip", URN, read.properties, read.inputs ?? {});
        expect(diff.changes).to.equal("none");
    });

    it("after an import, destroy leaves the account as adopted (no write); changed by the stack since, as for a created resource", async () => {
        const read = await plugin.read("sip", URN, undefined);
        emulator.clearRequests();
        await plugin.delete("sip", URN, read.properties);
        expect(emulator.requests.map((request) => request.method)).to.deep.equal(["GET"]);
        expect(emulator.account.sip).to.deep.equal(rawSipConfig());
        const updated = await plugin.update("sip", URN, read.properties, {
            ...read.inputs,
            allowedCidrRanges: ["192.0.2.1/32"],
        });
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(["192.0.2.1/32"]);
        await plugin.delete("sip", URN, updated.properties);
        expect(emulator.account.sip.allowedCidrRanges).to.deep.equal(ORIGINAL_CIDRS);
    });

    it("any id but sip is refused before any request, saying how to import", async () => {
        emulator.clearRequests();
        const error = await refusal(plugin.read("sip-config", URN, undefined));
        expect(error.details).to.equal(
            'UltravoxError [invalid_input]: An account has one SIP config, whose id is "sip" (got "sip-config"): read it with SipConfig.get(name, "sip"), or adopt it with `pulumi import ultravox:index:SipConfig <name> sip`.',
        );
        expect(emulator.requests).to.deep.equal([]);
    });
});
