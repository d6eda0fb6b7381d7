/**
 * The checked-in states of earlier releases (tests/upgrade/states/<version>/), as files: complete,
 * with every secret encrypted or a placeholder, and consistent with the account they were written
 * against. tests/e2e/upgrade.test.ts replays them through the real engine.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import type { EmulatorAccount } from "pulumi-ultravox/emulator";
import {
    EXISTING_REGISTRATION_ID,
    isManagedState,
    isPluginState,
    projectOf,
    releasesWithStates,
    SECRETS,
    STACK,
    STATE_NAMES,
    STATES_DIR,
    withoutPlaceholders,
} from "../upgrade/stacks";

const STATES = STATES_DIR;
const RELEASES = releasesWithStates();

interface Resource {
    urn: string;
    type: string;
    id?: string;
    external?: boolean;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
/** Every method a checked-in state's `__provider` text calls on `pulumi-ultravox/provider-impl`. */
function providerImplCalls(value: unknown, found = new Set<string>()): Set<string> {
    if (typeof value === "string") {
        for (const call of value.matchAll(/require\("pulumi-ultravox\/provider-impl"\)\.(\w+)\(/g)) {
            found.add(call[1] as string);
        }
    } else if (value && typeof value === "object") {
        for (const inner of Object.values(value)) providerImplCalls(inner, found);
    }
    return found;
}

const SECRET_FIELDS = ["apiKey", "password", "fallbackHandler", "priorValues", "writtenValues", "attemptedValues"];

describe("the checked-in states of earlier releases", () => {
    it("0.1.0, the first release, is among them", () => {
        expect(RELEASES).to.include("0.1.0");
    });

    for (const release of RELEASES) {
        const dir = path.join(STATES, release);
        const text = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
        const account = (door: string) =>
            JSON.parse(withoutPlaceholders(text(`account-${door}.json`))) as EmulatorAccount;

        describe(release, () => {
            it("holds each stack's state, each door's account and the README that says how they were written", () => {
                const expected = [
                    ...STATE_NAMES.map((name) => `${name}.json`),
                    "account-dynamic.json",
                    "account-plugin.json",
                    "README.md",
                ];
                expect(fs.readdirSync(dir).sort()).to.deep.equal(expected.sort());
                expect(text("README.md")).to.match(/from commit\s+[0-9a-f]{40}/);
            });

            it("no secret in plain text in any file, and every placeholder is one the test fills in", () => {
                for (const file of fs.readdirSync(dir)) {
                    for (const [name, value] of Object.entries(SECRETS)) {
                        expect(text(file).includes(value), `${name} in ${file}`).to.equal(false);
                    }
                    expect(() => withoutPlaceholders(text(file), "http://127.0.0.1:1"), file).not.to.throw();
                }
                // The accounts hold the key as a placeholder only.
                expect(JSON.parse(text("account-dynamic.json")).apiKeys).to.deep.equal(["{{apiKey}}"]);
                expect(JSON.parse(text("account-plugin.json")).apiKeys).to.deep.equal(["{{apiKey}}"]);
            });

            it("every method its serialized providers call is still on pulumi-ultravox/provider-impl", () => {
                const calls = new Set<string>();
                for (const name of STATE_NAMES.filter((state) => !isPluginState(state))) {
                    providerImplCalls(JSON.parse(text(`${name}.json`)), calls);
                }
                // The names docs/development.md lists as frozen, all of them written by 0.1.0.
                expect([...calls].sort()).to.deep.equal(
                    [
                        "configure",
                        "read",
                        "refuseCreateOfRead",
                        "check",
                        "diff",
                        "create",
                        "update",
                        "deleteResource",
                        "registrationCheck",
                        "registrationDiff",
                        "registrationCreate",
                        "registrationRead",
                        "registrationUpdate",
                        "registrationDelete",
                    ].sort(),
                );
                const impl = require("pulumi-ultravox/provider-impl") as Record<string, unknown>;
                for (const call of calls) expect(typeof impl[call], call).to.equal("function");
            });

            for (const name of STATE_NAMES) {
                it(`${name}: the passphrase provider's state of stack ${STACK}, secrets encrypted, ids the account's`, () => {
                    const deployment = JSON.parse(withoutPlaceholders(text(`${name}.json`), "http://127.0.0.1:1"));
                    expect(deployment.deployment.secrets_providers.type).to.equal("passphrase");
                    const resources = deployment.deployment.resources as Resource[];
                    for (const resource of resources) {
                        expect(resource.urn.startsWith(`urn:pulumi:${STACK}::${projectOf(name)}::`)).to.equal(true);
                    }
                    const ours = resources.filter((resource) => /ultravox:(index:)?Sip/.test(resource.type));
                    const prefix = isPluginState(name) ? "ultravox:index:" : "pulumi-nodejs:dynamic/ultravox:";
                    expect(ours.map((resource) => resource.type).sort()).to.deep.equal([
                        `${prefix}SipConfig`,
                        `${prefix}SipRegistration`,
                    ]);
                    for (const resource of ours) {
                        expect(resource.external ?? false, resource.urn).to.equal(!isManagedState(name));
                        for (const values of [resource.inputs ?? {}, resource.outputs ?? {}]) {
                            for (const field of SECRET_FIELDS.filter((secret) => values[secret] != null)) {
                                expect(values[field], `${resource.urn} ${field}`).to.have.property("ciphertext");
                            }
                        }
                    }
                    const registration = ours.find((resource) => resource.type.endsWith("SipRegistration"));
                    const ids = account(isPluginState(name) ? "plugin" : "dynamic").registrations?.map(
                        (held) => held.registrationId,
                    );
                    expect(ids).to.include(registration?.id);
                    if (!isManagedState(name)) expect(registration?.id).to.equal(EXISTING_REGISTRATION_ID);
                    else expect(registration?.id).not.to.equal(EXISTING_REGISTRATION_ID);
                });
            }
        });
    }
});
