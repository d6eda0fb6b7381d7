/**
 * Upgrade safety: each state an earlier release wrote (tests/upgrade/states/<version>/, written by
 * that release's own code: tests/upgrade/generateStates.ts) loaded into a stack of this checkout,
 * then refreshed, updated and destroyed by this checkout's code, as a user who upgrades does:
 * the dynamic provider loads `pulumi-ultravox/provider-impl` from this checkout (the state's
 * `__provider` text is the old release's), the plugin is this checkout's.
 *
 * Each state is imported with `pulumi stack import` into a fresh stack whose secrets provider has
 * the states' passphrase (UPGRADE_PASSPHRASE), against an emulator holding the account the states
 * were written against; the emulator's URL replaces the placeholder, as a user's unchanged base
 * URL. Then: refresh loses nothing; preview and `up` change nothing (in the state or the account);
 * destroy restores (the managed SipConfig's fields set back to the values recorded before the
 * take-over, the registration deleted) or, for the read stacks, changes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "chai";
import * as ultravox from "pulumi-ultravox";
import { type Emulator, type EmulatorAccount, startEmulator } from "pulumi-ultravox/emulator";
import { AGENT_A, AGENT_B, DOMAIN } from "../helpers/fixtures";
import {
    dynamicProgram,
    EXISTING_REGISTRATION_ID,
    isManagedState,
    isPluginState,
    projectOf,
    releasesWithStates,
    SECRETS,
    STACK,
    STATE_NAMES,
    STATES_DIR,
    type StateName,
    stackConfig,
    UPGRADE_PASSPHRASE,
    withoutPlaceholders,
    yamlProgram,
} from "../upgrade/stacks";
import { Engine, requirePulumi, type StateResource, Transcript } from "./helpers/engine";
import { printed, Steps } from "./helpers/steps";

const STATES = STATES_DIR;
const RELEASES = releasesWithStates();

/** What the managed stacks' destroy writes back: the initial account's fields, canonical, recorded by the old release. */
const RESTORED = {
    allowedCidrRanges: ["9.0.0.0/8", "10.1.2.0/24", "203.0.113.0/24"],
    allowedAgents: [
        { agentId: AGENT_B, toUserPattern: "^support$" },
        { agentId: AGENT_A, toUserPattern: `^agent_${AGENT_A}$` },
    ],
    fallbackHandler: {
        url: "https://pbx.example.com/ultravox/fallback-initial",
        secrets: [SECRETS.initialFallbackSecretOne, SECRETS.initialFallbackSecretTwo],
    },
};

const KIND = {
    "pulumi-nodejs:dynamic/ultravox:SipConfig": "SipConfig",
    "ultravox:index:SipConfig": "SipConfig",
    "pulumi-nodejs:dynamic/ultravox:SipRegistration": "SipRegistration",
    "ultravox:index:SipRegistration": "SipRegistration",
} as const;
type Kind = (typeof KIND)[keyof typeof KIND];
const kindOf = (resource: StateResource): Kind | undefined => KIND[resource.type as keyof typeof KIND];

/**
 * What this version adds when it reads a 0.1.0 resource again (a refresh, or a read resource at
 * `up`), and nothing else: the account's SIP domain and a fingerprint (a hash, a secret) of the key
 * that reached it. The dynamic provider's `SipConfig.get` records no account at all.
 */
const ADDED_ON_READ: Record<StateName, Record<Kind, readonly string[]>> = {
    // The dynamic provider's refresh adds no secret field the 0.1.0 state does not list as secret.
    "dynamic-managed": { SipConfig: [], SipRegistration: ["accountDomain", "successful"] },
    "dynamic-read": { SipConfig: [], SipRegistration: ["accountDomain", "successful"] },
    "plugin-managed": {
        SipConfig: ["keyFingerprint"],
        SipRegistration: ["accountDomain", "keyFingerprint", "successful"],
    },
    "plugin-read": {
        SipConfig: ["keyFingerprint"],
        SipRegistration: ["accountDomain", "keyFingerprint", "successful"],
    },
};

/** The recorded fields each door stores encrypted, wherever a resource records them. */
const SECRET_FIELDS = [
    "apiKey",
    "password",
    "fallbackHandler",
    "priorValues",
    "writtenValues",
    "attemptedValues",
    "keyFingerprint",
];
/** How `pulumi stack export --show-secrets` marks a secret value. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** A decrypted export's secrets as the values they hold. */
function revealed(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(revealed);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (SECRET_SIGNATURE in record && typeof record.plaintext === "string")
        return revealed(JSON.parse(record.plaintext));
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, revealed(inner)]));
}

interface Deployment {
    deployment: { resources?: StateResource[] };
}

const read = (file: string): string => fs.readFileSync(file, "utf8");
/** A destroyed stack's export has no `resources` at all. */
const resources = (deployment: unknown): StateResource[] => (deployment as Deployment).deployment.resources ?? [];
const byUrn = (deployment: unknown): Map<string, StateResource> =>
    new Map(resources(deployment).map((resource) => [resource.urn, resource]));
const ours = (deployment: unknown): StateResource[] =>
    resources(deployment).filter((resource) => kindOf(resource) !== undefined);
const writes = (emulator: Emulator) => emulator.requests.filter((request) => request.method !== "GET");

/** The steps a stack takes, through the door that wrote it: Automation API for TypeScript, the CLI for YAML. */
interface Operations {
    refresh(): Promise<void>;
    /** The preview's change summary, run with --expect-no-changes. */
    preview(): Promise<Record<string, number>>;
    /** The update's resource changes, run with --expect-no-changes. */
    up(): Promise<Record<string, number>>;
    destroy(): Promise<void>;
}

/**
 * `after` holds every resource of `before` with the same id and inputs, and every recorded output
 * with the same value; the outputs it adds are exactly `added(resource)`, with the values this
 * version records. Returns the key fingerprints it found.
 */
function expectKept(before: unknown, after: unknown, added: (resource: StateResource) => readonly string[]): string[] {
    // The same resources (an update may record them in another order).
    expect([...byUrn(after).keys()].sort()).to.deep.equal([...byUrn(before).keys()].sort());
    const fingerprints: string[] = [];
    for (const old of resources(before)) {
        const now = byUrn(after).get(old.urn) as StateResource;
        expect(now.id, old.urn).to.equal(old.id);
        expect(now.inputs, old.urn).to.deep.equal(old.inputs);
        const kept = Object.fromEntries(Object.keys(old.outputs ?? {}).map((key) => [key, now.outputs[key]]));
        expect(kept, old.urn).to.deep.equal(old.outputs ?? {});
        const additions = Object.keys(now.outputs ?? {}).filter((key) => !(key in (old.outputs ?? {})));
        expect(additions.sort(), old.urn).to.deep.equal([...added(old)].sort());
        if (additions.includes("accountDomain")) expect(now.outputs.accountDomain, old.urn).to.equal(DOMAIN);
        if (additions.includes("keyFingerprint")) {
            expect(now.outputs.keyFingerprint, old.urn).to.match(/^[0-9a-f]{64}$/);
            fingerprints.push(now.outputs.keyFingerprint as string);
        }
    }
    return fingerprints;
}

for (const release of RELEASES) {
    for (const name of STATE_NAMES) {
        for (const refreshFirst of [true, false]) {
            describeUpgrade(release, name, refreshFirst);
        }
    }
}

function describeUpgrade(release: string, name: StateName, refreshFirst: boolean): void {
    const door = isPluginState(name) ? "plugin" : "dynamic";
    const stateFile = path.join(STATES, release, `${name}.json`);
    const accountFile = path.join(STATES, release, `account-${door}.json`);
    const sequence = refreshFirst ? "refresh, up, destroy" : "up and destroy, no refresh first";
    const addedOnRead = (resource: StateResource): readonly string[] => {
        const kind = kindOf(resource);
        return kind === undefined ? [] : ADDED_ON_READ[name][kind];
    };

    describe(`e2e: upgrade from ${release}: the ${name} stack's state with this version (${sequence})`, function () {
        this.timeout(240_000);
        let engine: Engine;
        let emulator: Emulator;
        let steps: Steps;
        /** What must never be stored or printed in plain text: SECRETS, and the key's fingerprint once known. */
        const secrets = Object.values(SECRETS);
        let dir: string;
        let operations: Operations;
        let account: EmulatorAccount;
        /** The decrypted state, as imported, then after each step. */
        let imported: unknown;
        let current: unknown;

        before(async function () {
            engine = new Engine(requirePulumi(this), UPGRADE_PASSPHRASE);
            account = JSON.parse(withoutPlaceholders(read(accountFile))) as EmulatorAccount;
            emulator = await startEmulator({ account });
            steps = new Steps(engine, secrets);
            dir = engine.projectDir(projectOf(name));
            operations = await operationsOf();
        });

        after(async () => {
            await emulator?.close();
            engine?.cleanup();
        });

        async function operationsOf(): Promise<Operations> {
            const config = stackConfig(name, emulator.url);
            if (isPluginState(name)) {
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(name as "plugin-managed" | "plugin-read"));
                await steps.initStack(
                    dir,
                    STACK,
                    config.map(([key, value, secret]): [string, string, "secret"?] =>
                        secret ? [key, value, "secret"] : [key, value],
                    ),
                );
                const cli = (args: string[]) => steps.ok(engine.cli([...args, "--stack", STACK], dir, 240_000));
                return {
                    refresh: async () => void (await cli(["refresh", "--yes"])),
                    preview: async () => {
                        const result = await cli(["preview", "--json", "--expect-no-changes"]);
                        return (JSON.parse(result.stdout) as { changeSummary: Record<string, number> }).changeSummary;
                    },
                    up: async () => {
                        // --json: the plan, then the engine's events one per line; the last holds the summary.
                        const result = await cli(["up", "--yes", "--json", "--expect-no-changes"]);
                        const summary = result.stdout
                            .split("\n")
                            .filter((line) => line.startsWith('{"sequence"'))
                            .map((line) => JSON.parse(line) as Partial<automation.EngineEvent>)
                            .find((event) => event.summaryEvent !== undefined)?.summaryEvent;
                        expect(summary, result.stdout).not.to.equal(undefined);
                        return (summary?.resourceChanges ?? {}) as Record<string, number>;
                    },
                    destroy: async () => void (await cli(["destroy", "--yes"])),
                };
            }
            const program = dynamicProgram(name as "dynamic-managed" | "dynamic-read", ultravox, pulumi);
            const stack = await engine.stack(STACK, dir, program);
            await stack.setAllConfig(
                Object.fromEntries(config.map(([key, value, secret]) => [key, { value, secret }])),
            );
            /** Runs an operation, its output recorded (searched for secrets at the end). */
            const recorded = async <T>(
                operation: (output: {
                    onOutput: (text: string) => void;
                    onError: (text: string) => void;
                }) => Promise<T>,
            ): Promise<T> => {
                const transcript = new Transcript();
                try {
                    return await operation({ onOutput: transcript.onOutput, onError: transcript.onError });
                } finally {
                    steps.record({ code: 0, stdout: transcript.stdout, stderr: transcript.stderr });
                }
            };
            return {
                refresh: async () => {
                    const result = await recorded((output) => stack.refresh(output));
                    expect(result.summary.result).to.equal("succeeded");
                },
                preview: async () => {
                    const result = await recorded((output) => stack.preview({ ...output, expectNoChanges: true }));
                    return result.changeSummary as Record<string, number>;
                },
                up: async () => {
                    const result = await recorded((output) => stack.up({ ...output, expectNoChanges: true }));
                    expect(result.summary.result).to.equal("succeeded");
                    return (result.summary.resourceChanges ?? {}) as Record<string, number>;
                },
                destroy: async () => {
                    const result = await recorded((output) => stack.destroy(output));
                    expect(result.summary.result).to.equal("succeeded");
                },
            };
        }

        /** `pulumi stack export`: decrypted (secrets as their values), or as stored. */
        async function exported(decrypted: boolean): Promise<unknown> {
            const args = ["stack", "export", "--stack", STACK, ...(decrypted ? ["--show-secrets"] : [])];
            // Not recorded: a decrypted export shows the secrets by design.
            const result = await engine.cli(args, dir);
            expect(result.code, printed(result)).to.equal(0);
            const parsed = JSON.parse(result.stdout) as unknown;
            return decrypted ? revealed(parsed) : parsed;
        }

        /** Every secret field a resource of ours records is stored encrypted: the failure names each that is not. */
        async function expectSecretsEncrypted(): Promise<void> {
            const plain: string[] = [];
            for (const resource of ours(await exported(false))) {
                for (const [what, values] of [
                    ["inputs", resource.inputs],
                    ["outputs", resource.outputs],
                ] as const) {
                    for (const field of SECRET_FIELDS) {
                        const value = values?.[field];
                        if (value != null && !(typeof value === "object" && "ciphertext" in value)) {
                            plain.push(`${resource.urn} ${what}.${field}`);
                        }
                    }
                }
            }
            expect(plain, "stored in plain text").to.deep.equal([]);
        }

        it("the checked-in state imports into a fresh stack with the states' passphrase", async () => {
            const file = path.join(engine.dir, `${name}.json`);
            const text = withoutPlaceholders(read(stateFile), emulator.url);
            fs.writeFileSync(file, text);
            await steps.ok(engine.cli(["stack", "import", "--file", file, "--stack", STACK], dir));
            imported = await exported(true);
            expect([...byUrn(imported).keys()]).to.deep.equal([...byUrn(JSON.parse(text)).keys()]);
            // The old shape: no key fingerprint anywhere; a registration records only its base URL.
            expect(ours(imported)).to.have.length(2);
            for (const resource of ours(imported)) {
                expect(resource.outputs, resource.urn).not.to.have.property("keyFingerprint");
                if (kindOf(resource) === "SipRegistration") {
                    expect(resource.outputs, resource.urn).not.to.have.property("accountDomain");
                    expect(resource.outputs.accountBaseUrl, resource.urn).to.equal(emulator.url);
                    // The account holds it: its id is the account's.
                    const ids = account.registrations?.map((registration) => registration.registrationId);
                    expect(ids).to.include(resource.id);
                }
            }
            current = imported;
        });

        if (refreshFirst) {
            it("refresh succeeds, writes nothing to the account, loses nothing, and stores what it adds as it should", async () => {
                emulator.clearRequests();
                await operations.refresh();
                expect(writes(emulator)).to.deep.equal([]);
                expect(emulator.account).to.deep.equal(account);
                const [before, refreshed] = [current, await exported(true)];
                // The next steps start from what the refresh recorded, whatever this step finds of it.
                current = refreshed;
                const fingerprints = expectKept(before, refreshed, addedOnRead);
                // One key reached every resource of the stack.
                expect(new Set(fingerprints).size).to.be.at.most(1);
                secrets.push(...fingerprints);
                await expectSecretsEncrypted();
            });
        }

        it("preview and up change nothing, in the account or in what the state records", async () => {
            emulator.clearRequests();
            const preview = await operations.preview();
            expect(
                Object.keys(preview).filter((op) => op !== "same" && op !== "read"),
                JSON.stringify(preview),
            ).to.deep.equal([]);
            const up = await operations.up();
            expect(
                Object.keys(up).filter((op) => op !== "same" && op !== "read"),
                JSON.stringify(up),
            ).to.deep.equal([]);
            expect(writes(emulator)).to.deep.equal([]);
            expect(emulator.account).to.deep.equal(account);
            const [before, after] = [current, await exported(true)];
            current = after;
            // A read resource is read again at every up: a first read by this version adds what a refresh does.
            const fingerprints = expectKept(before, after, (resource) =>
                refreshFirst || !resource.external ? [] : addedOnRead(resource),
            );
            secrets.push(...fingerprints);
            await expectSecretsEncrypted();
        });

        if (isManagedState(name)) {
            it("destroy restores: the SipConfig's fields as recorded before the take-over, the registration deleted", async () => {
                const config = ours(current).find((resource) => kindOf(resource) === "SipConfig") as StateResource;
                const registration = ours(current).find(
                    (resource) => kindOf(resource) === "SipRegistration",
                ) as StateResource;
                // What the old release recorded as the values before it took the fields over.
                expect(config.outputs.priorValues).to.deep.equal(RESTORED);
                emulator.clearRequests();
                await operations.destroy();
                const { allowedCidrRanges, allowedAgents, fallbackHandler } = emulator.account.sip;
                expect({ allowedCidrRanges, allowedAgents, fallbackHandler }).to.deep.equal(RESTORED);
                expect(emulator.account.sip.domain).to.equal(DOMAIN);
                expect(emulator.account.sip.allowAllAgents).to.equal(false);
                const left = emulator.account.registrations?.map((remaining) => remaining.registrationId);
                expect(left).to.deep.equal([EXISTING_REGISTRATION_ID]);
                const deletes = writes(emulator).filter((request) => request.method === "DELETE");
                expect(deletes.map((request) => request.path)).to.deep.equal([
                    `/api/sip/registrations/${registration.id}`,
                ]);
                expect(resources(await exported(true))).to.deep.equal([]);
            });
        } else {
            it("destroy forgets the reads and changes nothing in the account", async () => {
                emulator.clearRequests();
                await operations.destroy();
                expect(writes(emulator)).to.deep.equal([]);
                expect(emulator.account).to.deep.equal(account);
                expect(resources(await exported(true))).to.deep.equal([]);
            });
        }

        it("no secret (nor the key's fingerprint) in plain text in any file of the backend, nor in anything printed", () => {
            steps.expectStateFilesClean();
            steps.expectTranscriptClean(2);
        });
    });
}
