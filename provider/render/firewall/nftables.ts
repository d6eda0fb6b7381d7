/** An nftables file that allows SIP from the CIDRs, reloadable as one transaction. */
import { withoutNestedCidrs } from "../../core/cidr";
import { quote } from "../../core/quote";
import { invalidInput, refuseOptions } from "../inputs";
import { type PortRange, portText } from "./ports";
import { type FirewallOptions, prepareRules } from "./rules";

/** No `description`: the file's header comment says what wrote it. */
export interface NftablesOptions extends Omit<FirewallOptions, "description"> {
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
        throw invalidInput(
            `${name} ${quote(value)} must start with a letter and hold up to 64 letters, digits or '_'.`,
            name,
        );
    }
    if (NFT_KEYWORDS.has(value)) {
        throw invalidInput(`${name} ${quote(value)} is an nft keyword, which nft refuses as a name.`, name);
    }
    return value;
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
 *
 * @example
 * ```ts
 * const sip = ultravox.SipConfig.get("ultravox-sip", "sip");
 * export const ruleset = sip.allowedCidrRanges.apply((cidrs) =>
 *     ultravox.nftablesRuleset(cidrs, { rtp: { from: 10000, to: 20000 } }),
 * );
 * ```
 */
export function nftablesRuleset(cidrs: readonly string[], options: NftablesOptions = {}): string {
    refuseOptions(options, ["description"], "nftablesRuleset", "the file's header comment says what wrote its rules.");
    const table = checkNftName(options.table ?? "ultravox", "table");
    const setName = checkNftName(options.setName ?? "ultravox_sip", "setName");
    const family = options.family ?? "inet";
    if (family !== "inet" && family !== "ip") {
        throw invalidInput(`family must be "inet" or "ip", got ${quote(family)}.`, "family");
    }
    const { cidrs: resolved, ports } = prepareRules(cidrs, options);
    // An interval set refuses overlapping elements.
    const elements = withoutNestedCidrs(resolved);
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
