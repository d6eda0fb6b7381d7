/**
 * How a message quotes a value it was given. The plugin's invokes know which arguments arrived as
 * secrets; while `withSecretValues` runs a function, `quote` never shows those values (nor a value
 * holding one), whatever check builds the message, so a new check cannot forget them.
 */

let secretValues: readonly string[] = [];

/** Whether `value` is, or holds, one of the secrets of the running call. */
export function isSecretValue(value: unknown): boolean {
    if (secretValues.length === 0) return false;
    const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    return secretValues.some((secret) => text === secret || (secret.length > 0 && text.includes(secret)));
}

/** What JSON leaves as it is but a log line should not hold: DEL, C1 (U+0085 included), U+2028/2029. */
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** `"value"` as JSON (every control and line separator escaped), or `a secret value` for a secret of the running call. */
export function quote(value: unknown): string {
    if (isSecretValue(value)) return "a secret value";
    const text = JSON.stringify(value) ?? String(value);
    return text.replace(
        UNESCAPED_BY_JSON,
        (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}

/**
 * Runs `fn` (synchronous: the renderers are) with `secrets` as the values no message may quote.
 * Calls nest: the outer call's secrets stay secret inside.
 */
export function withSecretValues<T>(secrets: readonly string[], fn: () => T): T {
    const before = secretValues;
    secretValues = [...before, ...secrets];
    try {
        return fn();
    } finally {
        secretValues = before;
    }
}
