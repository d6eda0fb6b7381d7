/** GCP firewall rules, shaped like the arguments of `gcp.compute.Firewall`. */
import { chunk } from "../../core/chunk";
import { checkInteger } from "../inputs";
import { type PortProtocol, portText } from "./ports";
import { type FirewallOptions, prepareRules } from "./rules";

/** Fields of `gcp.compute.FirewallArgs` (add `network` and a `name`). */
export interface GcpFirewallRule {
    direction: "INGRESS";
    allows: { protocol: PortProtocol; ports: string[] }[];
    sourceRanges: string[];
    description: string;
}

/** What `gcpFirewallRules` takes: the firewall options and the source ranges per rule. */
export interface GcpFirewallOptions extends FirewallOptions {
    /** Default 5000, GCP's limit per rule. */
    maxSourceRangesPerRule?: number;
}

/** One rule per chunk of source ranges, each allowing every port range. No CIDRs: no rules. */
export function gcpFirewallRules(cidrs: readonly string[], options: GcpFirewallOptions = {}): GcpFirewallRule[] {
    const maxRanges = checkInteger(
        options.maxSourceRangesPerRule ?? 5000,
        "maxSourceRangesPerRule",
        1,
        Number.MAX_SAFE_INTEGER,
    );
    const { cidrs: resolved, ports } = prepareRules(cidrs, options);
    const allows: GcpFirewallRule["allows"] = [];
    for (const port of ports) {
        let allow = allows.find((entry) => entry.protocol === port.protocol);
        if (!allow) {
            allow = { protocol: port.protocol, ports: [] };
            allows.push(allow);
        }
        allow.ports.push(portText(port));
    }
    const description = options.description ?? "pulumi-ultravox SIP";
    return chunk(resolved, maxRanges).map((sourceRanges) => ({
        direction: "INGRESS",
        allows: allows.map((allow) => ({ protocol: allow.protocol, ports: [...allow.ports] })),
        sourceRanges,
        description,
    }));
}
