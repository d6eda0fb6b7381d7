/** The engine's wire as tests see it: secret envelopes, and a call that must fail over gRPC. */
import { expect } from "chai";
import { PluginCallError, type Props } from "./plugin";

/** How the engine encodes a secret on the wire: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG;
}

export const secret = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

/** Every envelope taken off, however deep. */
export function unwrap(value: unknown): unknown {
    if (isSecret(value)) return unwrap(value.value);
    if (Array.isArray(value)) return value.map(unwrap);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, unwrap(member)]));
    }
    return value;
}

/** The error of a call that must fail in a plugin; the test fails if it succeeds. */
export async function refusal(call: Promise<unknown>): Promise<PluginCallError> {
    try {
        await call;
    } catch (error) {
        expect(error).to.be.instanceOf(PluginCallError);
        return error as PluginCallError;
    }
    throw new Error("the call did not fail");
}
