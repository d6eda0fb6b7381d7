/**
 * How Ultravox addresses an agent over SIP: the To user `agent_<agentId>`, the default
 * `toUserPattern` that selects it, and the transports the service takes. Change the address
 * scheme here and every layer (schema, routing, renderers, the managed diff) follows.
 */
import { UltravoxError } from "./errors";
import { isHostName } from "./hostName";

/** The SIP transports Ultravox accepts; `udp` is its default. */
export const SIP_TRANSPORTS: readonly SipTransport[] = ["udp", "tcp", "tls"];

/** A SIP transport Ultravox accepts. */
export type SipTransport = "udp" | "tcp" | "tls";

export function isSipTransport(value: unknown): value is SipTransport {
    return (SIP_TRANSPORTS as readonly unknown[]).includes(value);
}

/** An agent id as the service writes it in a To user: a lowercase 8-4-4-4-12 hex UUID. */
const AGENT_ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const LOWERCASE_AGENT_ID = new RegExp(`^${AGENT_ID}$`);
const AGENT_TO_USER = new RegExp(`^agent_(${AGENT_ID})$`);

export function isLowercaseAgentId(value: unknown): value is string {
    return typeof value === "string" && LOWERCASE_AGENT_ID.test(value);
}

/**
 * The one spelling of an agent id: lower case, as the API answers UUIDs. Every id compared,
 * written or put in a To user or pattern goes through here, so `ABC…` and `abc…` are one agent.
 */
export function normalizeAgentId(agentId: string): string {
    return typeof agentId === "string" ? agentId.toLowerCase() : agentId;
}

/** `agent_<agentId>`: the To user that selects an agent. */
export function agentToUser(agentId: string): string {
    return `agent_${normalizeAgentId(agentId)}`;
}

/** The agent id of a To user of the form `agent_<lowercase uuid>`, else undefined. */
export function agentIdOfToUser(toUser: string): string | undefined {
    return AGENT_TO_USER.exec(toUser)?.[1];
}

/** The longest `toUserPattern` the API takes. */
export const MAX_PATTERN_LENGTH = 200;

/** `^agent_<agentId>$`: the `toUserPattern` an allowance has when none is given. */
export function defaultToUserPattern(agentId: string): string {
    return `^${agentToUser(agentId)}$`;
}

/** `;transport=tcp` or `;transport=tls`; nothing for UDP, the default. */
export function transportParam(transport: SipTransport = "udp"): string {
    return transport === "udp" ? "" : `;transport=${transport}`;
}

/**
 * `sip:agent_<id>@<domain>`, the address to dial an agent at (`;transport=` unless UDP).
 * Throws `invalid_input` for a domain that is not a host name: it is server-controlled, and
 * anything else (a newline, `@`, `;`) would change the URI's meaning wherever it is written.
 */
export function agentSipUri(agentId: string, domain: string, transport?: SipTransport): string {
    if (!isHostName(domain)) {
        throw new UltravoxError(
            "invalid_input",
            // Not echoed: a server-controlled string with control characters has no place in a message.
            `The SIP domain is not a host name (letters, digits, "-" and dots, 253 characters at most); no SIP URI was built. Check the base URL points at the Ultravox API.`,
            { issues: ["domain"] },
        );
    }
    return `sip:${agentToUser(agentId)}@${domain}${transportParam(transport)}`;
}
