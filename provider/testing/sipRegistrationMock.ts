/**
 * How `mockUltravox` answers the SDK's registrations of `SipRegistration`, as the engine and the
 * real provider would: `SipRegistration.get` reads the emulated registration by id; `new
 * SipRegistration(name, args)` runs the real provider's check and create against the emulated
 * account (at preview, the check only). The password is a secret output, as in a real stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { UltravoxError } from "../core/errors";
import type { Emulator } from "../emulator/types";
import { REGISTRATION_SECRET_NAMES, type RegistrationProps } from "../lifecycle/sipRegistration";
import * as providerImpl from "../pulumi/providerImpl";
import { plain } from "./sipConfigMock";

/** The type token the SDK gives `SipRegistration`. */
export const SIP_REGISTRATION_TYPE = "pulumi-nodejs:dynamic/ultravox:SipRegistration";

function withSecrets(state: Record<string, unknown>): Record<string, unknown> {
    const out = { ...state };
    for (const name of REGISTRATION_SECRET_NAMES) {
        if (out[name] !== undefined) out[name] = pulumi.secret(out[name]);
    }
    return out;
}

/** The emulator, with the program's own key if it gave one (a wrong key fails as it would). */
function connection(emulator: Emulator, accountKey: string, given: Record<string, unknown>): RegistrationProps {
    return { apiKey: typeof given.apiKey === "string" ? given.apiKey : accountKey, baseUrl: emulator.url };
}

/** Without the settings the mock put in: the state keeps the program's own. */
function outputs(state: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
    const {
        apiKey: _apiKey,
        baseUrl: _baseUrl,
        accountBaseUrl: _account,
        accountDomain: _domain,
        keyFingerprint: _fingerprint,
        ...rest
    } = state;
    return withSecrets({
        ...rest,
        ...(given.apiKey === undefined ? {} : { apiKey: given.apiKey }),
        ...(given.baseUrl === undefined ? {} : { baseUrl: given.baseUrl }),
    });
}

export async function readSipRegistration(
    emulator: Emulator,
    accountKey: string,
    id: string,
    inputs: Record<string, unknown>,
): Promise<pulumi.runtime.MockResourceResult> {
    const given = plain(inputs) as Record<string, unknown>;
    const read = await providerImpl.registrationRead(id, connection(emulator, accountKey, given) as never);
    if (!read.id || !read.props) {
        throw new UltravoxError(
            "not_found",
            `SipRegistration.get: no SIP registration ${JSON.stringify(id)} in the mocked account.`,
        );
    }
    return { id: read.id, state: outputs(read.props as unknown as Record<string, unknown>, given) };
}

export async function createSipRegistration(
    emulator: Emulator,
    accountKey: string,
    name: string,
    inputs: Record<string, unknown>,
): Promise<pulumi.runtime.MockResourceResult> {
    const given = plain(inputs) as RegistrationProps & Record<string, unknown>;
    const checked = await providerImpl.registrationCheck({}, given);
    if (checked.failures && checked.failures.length > 0) {
        const reasons = checked.failures.map((failure) => `${failure.property}: ${failure.reason}`);
        throw new UltravoxError(
            "invalid_input",
            `new SipRegistration("${name}", ...) failed the provider's check: ${reasons.join("; ")}. Fix these inputs: a real \`pulumi preview\` or \`pulumi up\` refuses them the same way.`,
            { issues: checked.failures.map((failure) => failure.property) },
        );
    }
    if (pulumi.runtime.isDryRun()) {
        const { __provider: _provider, ...previewed } = given;
        return { id: undefined, state: withSecrets(previewed) };
    }
    const created = await providerImpl.registrationCreate({ ...given, ...connection(emulator, accountKey, given) });
    return { id: created.id, state: outputs(created.outs as unknown as Record<string, unknown>, given) };
}
