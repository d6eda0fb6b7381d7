/**
 * What every firewall generator starts from: the options they share and their validated form.
 *
 * Which CIDRs: whatever the caller passes. Ultravox publishes no signalling or media ranges of
 * its own, so `allowedCidrRanges` (the addresses Ultravox accepts calls *from*: your PBXs and
 * SBCs) must never be presented as Ultravox's addresses.
 *
 * An empty CIDR list yields no rules at all: some platforms read a rule without sources as
 * "from anywhere" (GCP does), so nothing is safer than something.
 */
import { resolveCidrs } from "../../core/cidr";
import type { WarningSink } from "../../core/types";
import { checkFileText } from "../inputs";
import { type PortOptions, type PortRange, portText, resolvePorts } from "./ports";

/** What every firewall renderer takes: the ports to open, what to do with the CIDRs, and descriptions. */
export interface FirewallOptions extends PortOptions {
    /** Merge adjacent and nested CIDRs first. Default false: aggregation makes diffs less predictable. */
    aggregate?: boolean;
    /** Used verbatim on every rule or entry; default one per port range, e.g. `pulumi-ultravox SIP udp 5060`. */
    description?: string;
    /** Told about CIDRs whose host bits were zeroed. */
    onWarning?: WarningSink;
}

/** The validated inputs every generator starts from. */
export interface PreparedRules {
    cidrs: string[];
    ports: PortRange[];
    describe: (port: PortRange) => string;
}

/** Ports, CIDRs and descriptions checked once, for every generator. */
export function prepareRules(cidrs: readonly string[], options: FirewallOptions): PreparedRules {
    const ports = resolvePorts(options);
    const resolved = resolveCidrs(cidrs, options);
    const custom = options.description;
    if (custom !== undefined) checkFileText(custom, "description");
    const rtpKey = options.rtp ? `udp/${options.rtp.from}-${options.rtp.to}` : undefined;
    const describe = (port: PortRange) => {
        if (custom !== undefined) return custom;
        const kind = rtpKey === `${port.protocol}/${port.from}-${port.to}` ? "RTP" : "SIP";
        return `pulumi-ultravox ${kind} ${port.protocol} ${portText(port)}`;
    };
    return { cidrs: resolved, ports, describe };
}
