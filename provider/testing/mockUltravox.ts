/**
 * Unit-testing a stack offline: `pulumi.runtime.setMocks(uv.mocks)` answers `SipConfig` from an
 * in-process emulator of the account (a read: its normalized values; the managed form: the real
 * provider's check and create, which PATCH it), and the function forms (`getSipConfig`, which run
 * in the program itself, not through the engine) read the same emulator.
 */
import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { loadSchema } from "../api/loadSchema";
import { ENV_API_KEY, ENV_BASE_URL } from "../api/settings";
import { startEmulator } from "../emulator/server";
import type { EmulatorAccount, EmulatorSipConfig } from "../emulator/types";
import { createSipConfig, readSipConfig, SIP_CONFIG_TYPE } from "./sipConfigMock";
import { createSipRegistration, readSipRegistration, SIP_REGISTRATION_TYPE } from "./sipRegistrationMock";

/** The settings one open mock points the environment at. */
type OpenMock = Record<typeof ENV_API_KEY | typeof ENV_BASE_URL, string>;

/**
 * Mocks open at once, oldest first, and the environment from before the first of them: closed in
 * any order, the environment follows the newest mock still open, and the developer's own values
 * come back when the last one closes.
 */
const openMocks: OpenMock[] = [];
let before: Record<string, string | undefined> = {};
const NAMES = [ENV_API_KEY, ENV_BASE_URL] as const;

function openMock(mock: OpenMock): void {
    if (openMocks.length === 0) before = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
    openMocks.push(mock);
    for (const name of NAMES) process.env[name] = mock[name];
}

function closeMock(mock: OpenMock): void {
    const wasSetByMock = (name: (typeof NAMES)[number]) => openMocks.some((open) => open[name] === process.env[name]);
    const owned = NAMES.filter(wasSetByMock);
    openMocks.splice(openMocks.indexOf(mock), 1);
    const newest = openMocks.at(-1);
    // Only what a mock set is put back: a test may have set its own value since.
    for (const name of owned) {
        const value = newest ? newest[name] : before[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
}

/** `mockUltravox`'s options. */
export interface MockUltravoxOptions {
    /** Your own mocks: they answer every resource and call but `SipConfig`. Default: inputs echoed as state. */
    mocks?: pulumi.runtime.Mocks;
}

/** What `mockUltravox` gives: mocks for `pulumi.runtime.setMocks`, and `close` to stop the emulator. */
export interface MockUltravox {
    /** Pass to `pulumi.runtime.setMocks` before importing the program under test. */
    readonly mocks: pulumi.runtime.Mocks;
    /** The in-process emulator's URL (`http://127.0.0.1:PORT`), where the function forms read. */
    readonly url: string;
    /** Stops the emulator and puts `ULTRAVOX_API_KEY` and `ULTRAVOX_BASE_URL` back as they were. */
    close(): Promise<void>;
}

/**
 * Mocks of an Ultravox account for a stack's unit tests. `account` is what `GET /api/sip`
 * answers (only `domain` and `allowedAgents` are required), or the emulator's account file
 * (`{ apiKeys, sip }`) when the program passes its own key. `SipConfig.get` answers the account
 * as it is at that moment; `new SipConfig(name, args)` answers what the real create gives (the
 * inputs given written onto the account, normalized) and leaves the account so written, as
 * `pulumi up` does; at preview it only checks the inputs. Until `close()`, the settings the
 * program falls back to (`ULTRAVOX_API_KEY`, `ULTRAVOX_BASE_URL`) point at an emulator on
 * 127.0.0.1, so nothing reaches the network; stack config (`ultravox:apiKey`/`baseUrl`) and
 * explicit settings still win over them, as always.
 *
 * @example
 * ```ts
 * const uv = await mockUltravox({ domain: "acme.sip.ultravox.ai", allowedAgents: [], allowedCidrRanges: ["203.0.113.0/24"] });
 * pulumi.runtime.setMocks(uv.mocks);
 * const program = await import("./index"); // the stack under test
 * // ... assert on its outputs, then:
 * await uv.close();
 * ```
 */
export async function mockUltravox(
    account: EmulatorSipConfig | EmulatorAccount,
    options: MockUltravoxOptions = {},
): Promise<MockUltravox> {
    const full: EmulatorAccount =
        "sip" in account ? account : { apiKeys: [`mock-${randomBytes(12).toString("hex")}`], sip: account };
    // Validated as a real read would be: a bad account fails here, not in a test.
    loadSchema().parseSipConfig(structuredClone(full.sip));
    const emulator = await startEmulator({ account: full });
    const apiKey = full.apiKeys[0] ?? "";
    const opened: OpenMock = { [ENV_API_KEY]: apiKey, [ENV_BASE_URL]: emulator.url };
    openMock(opened);
    const user = options.mocks;
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            if (args.type === SIP_CONFIG_TYPE) {
                // A read has an id ("sip"); the managed form registers without one.
                return args.id
                    ? readSipConfig(emulator, args.id)
                    : createSipConfig(emulator, apiKey, args.name, args.inputs);
            }
            if (args.type === SIP_REGISTRATION_TYPE) {
                return args.id
                    ? readSipRegistration(emulator, apiKey, args.id, args.inputs)
                    : createSipRegistration(emulator, apiKey, args.name, args.inputs);
            }
            return user ? user.newResource(args) : { id: `${args.name}_id`, state: args.inputs };
        },
        call(args) {
            return user ? user.call(args) : args.inputs;
        },
    };
    let closed = false;
    return {
        mocks,
        url: emulator.url,
        async close() {
            if (closed) return;
            closed = true;
            closeMock(opened);
            await emulator.close();
        },
    };
}
