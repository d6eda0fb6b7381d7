/**
 * The package's pure functions: the TypeScript renderers and `explainInboundCall`, served as
 * invokes so that Python, Go and YAML programs get the very text and rules TypeScript gets. One
 * table from token to schema and handler: the schema is what the SDKs are generated from and also
 * what each invoke's arguments are checked against, so the two cannot drift apart; each
 * function's inputs are held to its TypeScript options at compile time (`describedAs`). Input names
 * are the TypeScript options' names; a callback option (`onWarning`) becomes the result's `warnings`.
 */
import { isUltravoxError, redact, UltravoxError } from "../../core/errors";
import { quote, withSecretValues } from "../../core/quote";
import { checkArguments, ownMember, type SchemaTypes } from "../arguments";
import { secretEnvelope } from "../settings";
import { firewallFunctions } from "./firewall";
import { pbxFunctions } from "./pbx";
import { registrationFunctions } from "./registration";
import { routingFunctions } from "./routing";
import type { Args, PackageFunction } from "./spec";

export type { TypeSpec } from "./spec";
export { functionTypes } from "./types";

export const packageFunctions: Record<string, PackageFunction> = {
    ...firewallFunctions,
    ...pbxFunctions,
    ...registrationFunctions,
    ...routingFunctions,
};

/**
 * Runs the function `token` on `args` (the invoke's arguments as JavaScript, secrets still in
 * their envelopes). The arguments are checked against the function's schema first, which unwraps
 * them and notes which values were secret. No message quotes a secret value (`withSecretValues`,
 * and every secret redacted from what escapes), and a result built from a secret input is secret:
 * each of its members is returned in a secret envelope.
 */
export function invokePackageFunction(token: string, args: Args, types: SchemaTypes): unknown {
    const fn = ownMember(packageFunctions, token);
    if (fn === undefined) {
        throw new UltravoxError(
            "invalid_input",
            `Unknown function ${quote(token.length > 80 ? `${token.slice(0, 77)}...` : token)}; this plugin's functions are ${Object.keys(packageFunctions).join(", ")}.`,
        );
    }
    const { values, secrets, anySecret } = checkArguments(args, fn.inputs, types);
    let result: unknown;
    try {
        result = withSecretValues(secrets, () => fn.run(values));
    } catch (error) {
        throw withoutSecrets(error, secrets);
    }
    if (!anySecret || typeof result !== "object" || result === null) return result;
    return Object.fromEntries(Object.entries(result).map(([name, member]) => [name, secretEnvelope(member)]));
}

/** An error whose message cannot carry a secret, however the check that threw built it. */
function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
    if (secrets.length === 0 || !isUltravoxError(error)) return error;
    const message = redact(error.message, secrets);
    if (message === error.message) return error;
    return new UltravoxError(error.code, message, error.issues === undefined ? {} : { issues: error.issues });
}
