/**
 * Firewall rules for SIP traffic from a list of IPv4 CIDRs, as plain objects shaped like the
 * inputs of the cloud providers' Pulumi SDKs (no SDK is loaded), and as an nftables file.
 *
 * Which CIDRs: whatever the caller passes. Ultravox publishes no signalling or media ranges of
 * its own, so `allowedCidrRanges` (the addresses Ultravox accepts calls *from*: your PBXs and
 * SBCs) must never be presented as Ultravox's addresses.
 *
 * An empty CIDR list yields no rules at all: some platforms read a rule without sources as
 * "from anywhere" (GCP does), so nothing is safer than something.
 */
import { aggregateCidrs, canonicalCidrs, parseCidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import type { WarningSink } from "../core/types";

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

export interface FirewallOptions {
    /** Default `SIP_SIGNALLING_PORTS`. */
    ports?: readonly PortRange[];
    /** An RTP media range (UDP) to open as well. No default: no range is published to guess from. */
    rtp?: { from: number; to: number };
    /** Merge adjacent and nested CIDRs first. Default false: aggregation makes diffs less predictable. */
    aggregate?: boolean;
    /** Used verbatim on every rule or entry; default one per port range, e.g. `pulumi-ultravox SIP udp 5060`. */
    description?: string;
    /** Told about CIDRs whose host bits were zeroed. */
    onWarning?: WarningSink;
}

/** The validated inputs every generator starts from. */
interface PreparedRules {
    cidrs: string[];
    ports: PortRange[];
    describe: (port: PortRange) => string;
}

function invalid(message: string, issue?: string): UltravoxError {
    return new UltravoxError("invalid_input", message, issue === undefined ? {} : { issues: [issue] });
}

function checkPort(value: unknown, where: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
        throw invalid(`${where} must be an integer port from 1 to 65535, got ${JSON.stringify(value)}.`, where);
    }
    return value;
}

function checkPortRange(range: unknown, where: string, protocol?: PortProtocol): PortRange {
    if (typeof range !== "object" || range === null) {
        throw invalid(`${where} must be an object { protocol, from, to }, got ${JSON.stringify(range)}.`, where);
    }
    const candidate = range as Partial<PortRange>;
    const chosen = protocol ?? candidate.protocol;
    if (chosen !== "udp" && chosen !== "tcp") {
        throw invalid(`${where}.protocol must be "udp" or "tcp", got ${JSON.stringify(candidate.protocol)}.`, where);
    }
    const from = checkPort(candidate.from, `${where}.from`);
    const to = checkPort(candidate.to, `${where}.to`);
    if (from > to) {
        throw invalid(`${where} runs backwards: from ${from} is above to ${to}.`, where);
    }
    return { protocol: chosen, from, to };
}

/** Validated port ranges: `ports` (default signalling) then `rtp`, exact duplicates dropped. */
export function resolvePorts(options: Pick<FirewallOptions, "ports" | "rtp"> = {}): PortRange[] {
    const requested = options.ports ?? SIP_SIGNALLING_PORTS;
    if (!Array.isArray(requested)) {
        throw invalid("ports must be an array of { protocol, from, to }.", "ports");
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
        throw invalid("No ports to open: pass at least one port range in ports, or rtp.", "ports");
    }
    return unique;
}

/** Canonical (and, on request, aggregated) CIDRs. */
export function resolveCidrs(cidrs: readonly string[], options: Pick<FirewallOptions, "aggregate" | "onWarning">) {
    const canonical = canonicalCidrs(cidrs, options.onWarning ? { onWarning: options.onWarning } : {});
    return options.aggregate ? aggregateCidrs(canonical) : canonical;
}

export function portText(range: PortRange, separator = "-"): string {
    return range.from === range.to ? String(range.from) : `${range.from}${separator}${range.to}`;
}

function prepare(cidrs: readonly string[], options: FirewallOptions): PreparedRules {
    const ports = resolvePorts(options);
    const resolved = resolveCidrs(cidrs, options);
    const custom = options.description;
    if (custom !== undefined && typeof custom !== "string") {
        throw invalid("description must be a string.", "description");
    }
    const rtpKey = options.rtp ? `udp/${options.rtp.from}-${options.rtp.to}` : undefined;
    const describe = (port: PortRange) => {
        if (custom !== undefined) return custom;
        const kind = rtpKey === `${port.protocol}/${port.from}-${port.to}` ? "RTP" : "SIP";
        return `pulumi-ultravox ${kind} ${port.protocol} ${portText(port)}`;
    };
    return { cidrs: resolved, ports, describe };
}

function checkPositiveInteger(value: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
    if (!Number.isInteger(value) || value < 1 || value > max) {
        throw invalid(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}.`, name);
    }
    return value;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
    return chunks;
}

// ---- AWS ----------------------------------------------------------------------------------

/** Shaped like `aws.types.input.ec2.SecurityGroupIngress` (and `aws.ec2.SecurityGroupRule` minus type). */
export interface AwsSecurityGroupIngressRule {
    protocol: PortProtocol;
    fromPort: number;
    toPort: number;
    cidrBlocks: [string];
    description: string;
}

/** AWS: up to 255 characters of `a-zA-Z0-9`, space and `._-:/()#,@[]+=&;{}!$*`. */
const AWS_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

function checkAwsDescription(description: string): string {
    if (!AWS_DESCRIPTION.test(description)) {
        throw invalid(
            `AWS rejects the description ${JSON.stringify(description)}: up to 255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*.`,
            "description",
        );
    }
    return description;
}

/**
 * One rule per CIDR and port range (which is how AWS counts rules against the quota), CIDR-major
 * so that the rules of one CIDR stay together.
 */
export function awsSecurityGroupIngress(
    cidrs: readonly string[],
    options: FirewallOptions = {},
): AwsSecurityGroupIngressRule[] {
    const { cidrs: resolved, ports, describe } = prepare(cidrs, options);
    return resolved.flatMap((cidr) =>
        ports.map((port) => ({
            protocol: port.protocol,
            fromPort: port.from,
            toPort: port.to,
            cidrBlocks: [cidr] as [string],
            description: checkAwsDescription(describe(port)),
        })),
    );
}

/** Like `AwsSecurityGroupIngressRule`, with the sources in a managed prefix list (an id or an Output of one). */
export interface AwsPrefixListIngressRule<Id> {
    protocol: PortProtocol;
    fromPort: number;
    toPort: number;
    prefixListIds: [Id];
    description: string;
}

/**
 * One rule per port range, all referencing the prefix list of `awsManagedPrefixListEntries`:
 * changing the CIDRs then edits the list, not the group. AWS charges each such rule the list's
 * `maxEntries` against the group's rule quota.
 */
export function awsPrefixListIngress<Id>(
    prefixListId: Id,
    options: Omit<FirewallOptions, "aggregate" | "onWarning"> = {},
): AwsPrefixListIngressRule<Id>[] {
    const { ports, describe } = prepare([], options);
    return ports.map((port) => ({
        protocol: port.protocol,
        fromPort: port.from,
        toPort: port.to,
        prefixListIds: [prefixListId] as [Id],
        description: checkAwsDescription(describe(port)),
    }));
}

export interface AwsSecurityGroupChunkOptions extends FirewallOptions {
    /** Inbound rules per security group. Default 60, AWS's default quota. */
    maxRulesPerGroup?: number;
}

/**
 * The rules of `awsSecurityGroupIngress` split into one array per security group, never
 * splitting one CIDR's port ranges across groups. No CIDRs: no groups.
 */
export function awsSecurityGroupIngressChunks(
    cidrs: readonly string[],
    options: AwsSecurityGroupChunkOptions = {},
): AwsSecurityGroupIngressRule[][] {
    const maxRules = checkPositiveInteger(options.maxRulesPerGroup ?? 60, "maxRulesPerGroup");
    const rules = awsSecurityGroupIngress(cidrs, options);
    const perCidr = resolvePorts(options).length;
    const cidrsPerGroup = Math.floor(maxRules / perCidr);
    if (cidrsPerGroup < 1) {
        throw invalid(
            `One CIDR needs ${perCidr} rules (one per port range) but maxRulesPerGroup is ${maxRules}; open fewer port ranges or raise the quota.`,
            "maxRulesPerGroup",
        );
    }
    return chunk(rules, cidrsPerGroup * perCidr);
}

/** AWS's hard maximum of entries in one managed prefix list. */
export const AWS_PREFIX_LIST_MAX_ENTRIES = 1000;

export interface AwsPrefixListOptions extends Pick<FirewallOptions, "aggregate" | "onWarning"> {
    /** On every entry. Default `pulumi-ultravox`. */
    description?: string;
    /** Default: the number of entries (at least 1). Every security group referencing the list is charged this many rules. */
    maxEntries?: number;
}

/** Spreads into `aws.ec2.ManagedPrefixListArgs` (add a `name`). */
export interface AwsManagedPrefixList {
    addressFamily: "IPv4";
    entries: { cidr: string; description: string }[];
    maxEntries: number;
}

export function awsManagedPrefixListEntries(
    cidrs: readonly string[],
    options: AwsPrefixListOptions = {},
): AwsManagedPrefixList {
    const resolved = resolveCidrs(cidrs, options);
    if (resolved.length > AWS_PREFIX_LIST_MAX_ENTRIES) {
        throw invalid(
            `${resolved.length} CIDRs do not fit in one managed prefix list (at most ${AWS_PREFIX_LIST_MAX_ENTRIES} entries); pass aggregate: true or split the list.`,
            "cidrs",
        );
    }
    const description = checkAwsDescription(options.description ?? "pulumi-ultravox");
    const maxEntries = checkPositiveInteger(
        options.maxEntries ?? Math.max(1, resolved.length),
        "maxEntries",
        AWS_PREFIX_LIST_MAX_ENTRIES,
    );
    if (maxEntries < resolved.length) {
        throw invalid(`maxEntries ${maxEntries} is below the ${resolved.length} entries.`, "maxEntries");
    }
    return { addressFamily: "IPv4", entries: resolved.map((cidr) => ({ cidr, description })), maxEntries };
}

// ---- GCP ----------------------------------------------------------------------------------

/** Fields of `gcp.compute.FirewallArgs` (add `network` and a `name`). */
export interface GcpFirewallRule {
    direction: "INGRESS";
    allows: { protocol: PortProtocol; ports: string[] }[];
    sourceRanges: string[];
    description: string;
}

export interface GcpFirewallOptions extends FirewallOptions {
    /** Default 5000, GCP's limit per rule. */
    maxSourceRangesPerRule?: number;
}

/** One rule per chunk of source ranges, each allowing every port range. No CIDRs: no rules. */
export function gcpFirewallRules(cidrs: readonly string[], options: GcpFirewallOptions = {}): GcpFirewallRule[] {
    const maxRanges = checkPositiveInteger(options.maxSourceRangesPerRule ?? 5000, "maxSourceRangesPerRule");
    const { cidrs: resolved, ports } = prepare(cidrs, options);
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

// ---- Azure --------------------------------------------------------------------------------

/** Shaped like an element of `azure-native.network.NetworkSecurityGroup`'s `securityRules` (SecurityRuleArgs). */
export interface AzureSecurityRule {
    name: string;
    priority: number;
    direction: "Inbound";
    access: "Allow";
    protocol: "Udp" | "Tcp";
    sourceAddressPrefixes: string[];
    sourcePortRange: "*";
    destinationAddressPrefix: "*";
    destinationPortRanges: string[];
    description: string;
}

export interface AzureSecurityRuleOptions extends FirewallOptions {
    /** The first rule's priority; the others follow one by one. Default 1000. */
    priorityStart?: number;
    /** Rule names are `<namePrefix>-<udp|tcp>-<n>`. Default `ultravox-sip`. */
    namePrefix?: string;
    /** Default 4000, Azure's limit of address prefixes per rule. */
    maxPrefixesPerRule?: number;
}

const AZURE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62})$/;

/**
 * One rule per chunk of prefixes and protocol, chunk-major, so a growing list only appends rules
 * (and priorities). No CIDRs: no rules.
 */
export function azureNsgSecurityRules(
    cidrs: readonly string[],
    options: AzureSecurityRuleOptions = {},
): AzureSecurityRule[] {
    const maxPrefixes = checkPositiveInteger(options.maxPrefixesPerRule ?? 4000, "maxPrefixesPerRule");
    const namePrefix = options.namePrefix ?? "ultravox-sip";
    if (typeof namePrefix !== "string" || !AZURE_NAME.test(namePrefix)) {
        throw invalid(
            `namePrefix ${JSON.stringify(namePrefix)} must start with a letter or digit and hold up to 63 letters, digits, '.', '_' or '-'.`,
            "namePrefix",
        );
    }
    const priorityStart = options.priorityStart ?? 1000;
    if (!Number.isInteger(priorityStart) || priorityStart < 100 || priorityStart > 4096) {
        throw invalid(
            `priorityStart must be an integer from 100 to 4096, got ${JSON.stringify(priorityStart)}.`,
            "priorityStart",
        );
    }
    const { cidrs: resolved, ports, describe } = prepare(cidrs, options);
    if (options.description !== undefined && options.description.length > 140) {
        throw invalid("Azure allows at most 140 characters of description.", "description");
    }
    const protocols = [...new Set(ports.map((port) => port.protocol))];
    const rules: AzureSecurityRule[] = [];
    chunk(resolved, maxPrefixes).forEach((prefixes, chunkIndex) => {
        for (const protocol of protocols) {
            const mine = ports.filter((port) => port.protocol === protocol);
            const priority = priorityStart + rules.length;
            if (priority > 4096) {
                throw invalid(
                    `The rules need priorities up to ${priority}, past Azure's 4096; lower priorityStart.`,
                    "priorityStart",
                );
            }
            rules.push({
                name: `${namePrefix}-${protocol}-${chunkIndex + 1}`,
                priority,
                direction: "Inbound",
                access: "Allow",
                protocol: protocol === "udp" ? "Udp" : "Tcp",
                sourceAddressPrefixes: prefixes,
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRanges: mine.map((port) => portText(port)),
                description:
                    options.description ??
                    (mine.length === 1 && mine[0] ? describe(mine[0]) : `pulumi-ultravox SIP ${protocol}`),
            });
        }
    });
    return rules;
}

// ---- nftables -----------------------------------------------------------------------------

export interface NftablesOptions extends FirewallOptions {
    /** Default `ultravox`. The file replaces this table whole on each load: keep it for this file alone. */
    table?: string;
    /** Default `ultravox_sip`. */
    setName?: string;
    /** Default `inet` (IPv4 and IPv6 packets; the set holds IPv4 only). */
    family?: "inet" | "ip";
    /**
     * Also drop these ports from every other source (IPv6 included). Default false. Needed for
     * the file to restrict anything: see `nftablesRuleset`.
     */
    dropOthers?: boolean;
}

const NFT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/**
 * nft keywords, which nft refuses as names (quoting does not help). Lowercase and without '_':
 * a name with an uppercase letter or an underscore is never one. From nft's scanner; later
 * nft versions may add more.
 */
const NFT_KEYWORDS = new Set(
    (
        "accept add addr ah all and arp bridge bytes cgroup chain checksum comment comp constant continue counter " +
        "cpu create ct day daddr dccp define delete describe destroy device devices dnat drop dscp dst dup dynamic " +
        "ecn element elements eq esp ether exists expires export exthdr fib flags flow flowtable flush frag fwd ge " +
        "geneve get goto gre gretap gt handle hbh hdrlength hook hour ibriport ibrname icmp icmpv6 id igmp iif " +
        "iifgroup iifname iiftype import include index inet insert interval ip ip6 ipsec jhash jump last le length " +
        "limit list ll log lsrr lshift lt map mark masquerade memory meta meter mh minute missing monitor ne netdev " +
        "nftrace nh not notrack numgen obriport obrname offload oif oifgroup oifname oiftype option options or osf " +
        "over packets performance pkttype policy position prefix priority protocol ptr queue quota ra random " +
        "redefine redirect reject rename replace reset return rr rshift rt rt0 rt2 rtclassid rule ruleset saddr " +
        "sctp second secmark set size skgid skuid snat socket srh ssrr symhash synproxy table tcp th time timeout " +
        "to tproxy ttl tunnel type typeof udp udplite undefine update used value version vlan vmap vni vxlan week " +
        "xor xt"
    ).split(" "),
);

function checkNftName(value: string, name: string): string {
    if (typeof value !== "string" || !NFT_NAME.test(value)) {
        throw invalid(
            `${name} ${JSON.stringify(value)} must start with a letter and hold up to 64 letters, digits or '_'.`,
            name,
        );
    }
    if (NFT_KEYWORDS.has(value)) {
        throw invalid(`${name} ${JSON.stringify(value)} is an nft keyword, which nft refuses as a name.`, name);
    }
    return value;
}

/** Drops CIDRs contained in an earlier one: an interval set refuses overlapping elements. */
function withoutNested(sortedCanonical: readonly string[]): string[] {
    const kept: string[] = [];
    let coveredUpTo = -1;
    for (const cidr of sortedCanonical) {
        const parsed = parseCidr(cidr);
        if (!parsed) continue;
        const end = parsed.network + 2 ** (32 - parsed.prefix) - 1;
        if (parsed.network <= coveredUpTo) continue;
        kept.push(cidr);
        coveredUpTo = end;
    }
    return kept;
}

function nftPorts(ranges: readonly PortRange[]): string {
    const items = ranges.map((range) => portText(range));
    return items.length === 1 ? (items[0] as string) : `{ ${items.join(", ")} }`;
}

/**
 * A complete nft file: a table holding an interval set of the CIDRs and an input chain that
 * accepts the ports from them.
 *
 * The chain's policy is accept: this file only adds allowances and leaves the host's policy to
 * the host's own rules. Mind nftables' semantics: an accept ends only this chain; a drop in
 * another base chain on the input hook still drops the packet. So either the host's own
 * chains must let these ports through, or pass `dropOthers: true`, which drops the same ports
 * from every other source here (a drop is final in every chain).
 *
 * Reloading is idempotent: the file declares the table, deletes it and defines it again, in
 * one atomic transaction. CIDRs nested in another are left out (the set would refuse them).
 */
export function nftablesRuleset(cidrs: readonly string[], options: NftablesOptions = {}): string {
    const table = checkNftName(options.table ?? "ultravox", "table");
    const setName = checkNftName(options.setName ?? "ultravox_sip", "setName");
    const family = options.family ?? "inet";
    if (family !== "inet" && family !== "ip") {
        throw invalid(`family must be "inet" or "ip", got ${JSON.stringify(family)}.`, "family");
    }
    const { cidrs: resolved, ports } = prepare(cidrs, options);
    const elements = withoutNested(resolved);
    const protocols = [...new Set(ports.map((port) => port.protocol))];

    const lines = [
        "#!/usr/sbin/nft -f",
        "# Generated by pulumi-ultravox: allows SIP from the listed IPv4 ranges.",
        `# Replaces table ${family} ${table} whole on each load.`,
        `table ${family} ${table}`,
        `delete table ${family} ${table}`,
        "",
        `table ${family} ${table} {`,
        `\tset ${setName} {`,
        "\t\ttype ipv4_addr",
        "\t\tflags interval",
    ];
    if (elements.length > 0) {
        lines.push("\t\telements = {", elements.map((cidr) => `\t\t\t${cidr}`).join(",\n"), "\t\t}");
    }
    lines.push(
        "\t}",
        "",
        "\tchain input {",
        "\t\t# Policy accept: this table only adds allowances; the host's own rules decide the rest.",
        "\t\ttype filter hook input priority 0; policy accept;",
    );
    for (const protocol of protocols) {
        const mine = ports.filter((port) => port.protocol === protocol);
        lines.push(`\t\tip saddr @${setName} ${protocol} dport ${nftPorts(mine)} accept`);
    }
    if (options.dropOthers) {
        for (const protocol of protocols) {
            const mine = ports.filter((port) => port.protocol === protocol);
            lines.push(`\t\t${protocol} dport ${nftPorts(mine)} drop`);
        }
    }
    lines.push("\t}", "}", "");
    return lines.join("\n");
}
