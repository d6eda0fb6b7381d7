/**
 * Which values of a request body are credentials. Every string under a field whose name says it
 * holds one (a registration's `password`, a fallback handler's `secrets`, an agent's
 * `sharedSecrets`, any `token` or `key` a later endpoint takes) is a secret of that request: the
 * client redacts it from everything it builds from the answer, as it does the API key. Decided by
 * the field's name, so that a new resource's secret is covered without being listed anywhere.
 */

/** Field names that hold credentials, whatever their case or prefix (`webhookSecret`, `authToken`). */
const SECRET_FIELD = /pass(word|phrase)?|secret|token|credential|key/i;

/** Every string held under a secret field of `body`, however deep. */
export function secretsOf(body: unknown): string[] {
    const found: string[] = [];
    const visit = (value: unknown, secret: boolean, depth: number): void => {
        if (depth > 32) return;
        if (typeof value === "string") {
            if (secret && value !== "") found.push(value);
        } else if (Array.isArray(value)) {
            for (const member of value) visit(member, secret, depth + 1);
        } else if (value !== null && typeof value === "object") {
            for (const [name, member] of Object.entries(value)) {
                visit(member, secret || SECRET_FIELD.test(name), depth + 1);
            }
        }
    };
    visit(body, false, 0);
    return found;
}
