/** Looks for secrets everywhere an error could carry them to a log. */
import { inspect } from "node:util";
import { expect } from "chai";

/** Message, stack, `cause` chain, own properties and util.inspect output (what loggers print), in any case. */
export function expectNoSecret(error: unknown, secrets: readonly string[]): void {
    const seen: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current && depth < 10; depth++) {
        if (current instanceof Error) {
            seen.push(current.message, current.stack ?? "", String(current));
        }
        seen.push(JSON.stringify(current, Object.getOwnPropertyNames(current)) ?? "");
        current = (current as { cause?: unknown }).cause;
    }
    seen.push(inspect(error, { depth: 10, showHidden: true }));
    const text = seen.join("\n");
    // In any case: servers and URL parsers lower-case what they echo (a Location's host).
    const folded = text.toLowerCase();
    for (const secret of secrets) {
        expect(folded.includes(secret.toLowerCase()), `a secret appears in: ${text.slice(0, 2000)}`).to.equal(false);
    }
}
