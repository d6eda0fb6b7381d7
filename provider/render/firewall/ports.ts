/** The ports a firewall rule opens: SIP signalling by default, RTP media only on request. */

import { quote } from "../../core/quote";
import { checkInteger, invalidInput } from "../inputs";

/** The transport protocol a firewall rule matches (SIP over TLS is TCP). */
export type PortProtocol = "udp" | "tcp";

/** An inclusive port range. */
export interface PortRange {
    protocol: PortProtocol;
    from: number;
    to: number;
}

/**
 * SIP signalling: 5060 over UDP and TCP, 5061 for SIP over TLS. RTP media is not included:
 * Ultravox publishes no media port range, so it is added only when the caller passes `rtp`.
 */
export const SIP_SIGNALLING_PORTS: readonly PortRange[] = Object.freeze([
    Object.freeze({ protocol: "udp", from: 5060, to: 5060 }),
    Object.freeze({ protocol: "tcp", from: 5060, to: 5060 }),
    Object.freeze({ protocol: "tcp", from: 5061, to: 5061 }),
] as const);

function checkPortRange(range: unknown, where: string, protocol?: PortProtocol): PortRange {
    if (typeof range !== "object" || range === null) {
        throw invalidInput(`${where} must be an object { protocol, from, to }, got ${quote(range)}.`, where);
    }
    const candidate = range as Partial<PortRange>;
    const chosen = protocol ?? candidate.protocol;
    if (chosen !== "udp" && chosen !== "tcp") {
        throw invalidInput(`${where}.protocol must be "udp" or "tcp", got ${quote(candidate.protocol)}.`, where);
    }
    const from = checkPort(candidate.from, `${where}.from`);
    const to = checkPort(candidate.to, `${where}.to`);
    if (from > to) {
        throw invalidInput(`${where} runs backwards: from ${from} is above to ${to}.`, where);
    }
    return { protocol: chosen, from, to };
}

/** What to open: `ports` (default signalling) and an optional RTP range. */
export interface PortOptions {
    /** Default `SIP_SIGNALLING_PORTS`. */
    ports?: readonly PortRange[];
    /** An RTP media range (UDP) to open as well. No default: no range is published to guess from. */
    rtp?: { from: number; to: number };
}

/** Validated port ranges: `ports` (default signalling) then `rtp`, exact duplicates dropped. */
export function resolvePorts(options: PortOptions = {}): PortRange[] {
    const requested = options.ports ?? SIP_SIGNALLING_PORTS;
    if (!Array.isArray(requested)) {
        throw invalidInput("ports must be an array of { protocol, from, to }.", "ports");
    }
    const ranges = requested.map((range, index) => checkPortRange(range, `ports[${index}]`));
    if (options.rtp !== undefined) ranges.push(checkPortRange(options.rtp, "rtp", "udp"));
    const seen = new Set<string>();
    const unique = ranges.filter((range) => {
        const key = `${range.protocol}/${range.from}-${range.to}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
    if (unique.length === 0) {
        throw invalidInput("No ports to open: pass at least one port range in ports, or rtp.", "ports");
    }
    return unique;
}

/** `5060`, or `10000-20000` (the separator is `-` unless given). */
export function portText(range: PortRange, separator = "-"): string {
    return range.from === range.to ? String(range.from) : `${range.from}${separator}${range.to}`;
}

function checkPort(value: unknown, where: string): number {
    return checkInteger(value, where, 1, 65535, "an integer port");
}
