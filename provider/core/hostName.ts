/**
 * The host-name rule (RFC 1123 labels, 253 characters at most) every SIP domain must pass before
 * it is written anywhere: the API's `domain` is server-controlled, and a newline, space, `@`, `;`
 * or `>` in it would inject into SIP URIs, PBX config files and outputs.
 */
const HOST_NAME =
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Whether `value` is a host name such as `example.sip.ultravox.ai` (no port, no trailing dot). */
export function isHostName(value: unknown): value is string {
    // Without the m flag `$` is the very end, so a final newline fails (unlike Python's `$`).
    return typeof value === "string" && HOST_NAME.test(value);
}
