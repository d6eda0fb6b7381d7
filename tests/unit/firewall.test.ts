import type { ManagedPrefixListArgs } from "@pulumi/aws/ec2/managedPrefixList";
import type { ec2 } from "@pulumi/aws/types/input";
import { expect } from "chai";
import {
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
    azureNsgSecurityRules,
    type FirewallOptions,
    gcpFirewallRules,
    nftablesRuleset,
    SIP_SIGNALLING_PORTS,
    UltravoxError,
} from "pulumi-ultravox";
import { thrownBy } from "../helpers/errors";
import { fromJavaScript } from "../helpers/fixtures";

/** Unsorted, with a duplicate once its host bits are zeroed. */
const CIDRS = ["198.51.100.7/32", "192.0.2.9/24", "192.0.2.0/24"];
const RTP = { from: 10000, to: 20000 };

const invalidInput = (run: () => unknown) => thrownBy(run, "invalid_input");

/** `count` distinct /24s: 10.0.0.0/24, 10.0.1.0/24, ... */
function manyCidrs(count: number): string[] {
    return Array.from({ length: count }, (_, index) => `10.${Math.floor(index / 256)}.${index % 256}.0/24`);
}

describe("firewall: ports", () => {
    it("defaults to SIP signalling: 5060 UDP and TCP, 5061 TCP (TLS)", () => {
        expect(SIP_SIGNALLING_PORTS).to.deep.equal([
            { protocol: "udp", from: 5060, to: 5060 },
            { protocol: "tcp", from: 5060, to: 5060 },
            { protocol: "tcp", from: 5061, to: 5061 },
        ]);
        expect(Object.isFrozen(SIP_SIGNALLING_PORTS)).to.equal(true);
        expect(Object.isFrozen(SIP_SIGNALLING_PORTS[0])).to.equal(true);
    });

    const invalidPorts: [string, FirewallOptions, string, string][] = [
        [
            "a range that runs backwards",
            { ports: [{ protocol: "udp", from: 5061, to: 5060 }] },
            "ports[0]",
            "from 5061 is above to 5060",
        ],
        ["port 0", { ports: [{ protocol: "udp", from: 0, to: 5060 }] }, "ports[0].from", "1 to 65535, got 0"],
        [
            "port 65536",
            { ports: [SIP_SIGNALLING_PORTS[0]!, { protocol: "tcp", from: 5060, to: 65536 }] },
            "ports[1].to",
            "got 65536",
        ],
        ["a fractional port", { ports: [{ protocol: "tcp", from: 5060.5, to: 5061 }] }, "ports[0].from", "got 5060.5"],
        [
            "an unknown protocol",
            { ports: [{ protocol: "sctp" as "udp", from: 5060, to: 5060 }] },
            "ports[0]",
            'got "sctp"',
        ],
        [
            "an RTP range that runs backwards",
            { rtp: { from: 20000, to: 10000 } },
            "rtp",
            "from 20000 is above to 10000",
        ],
        ["a missing RTP bound", { rtp: { from: 10000 } as { from: number; to: number } }, "rtp.to", "got undefined"],
        ["no ports at all", { ports: [] }, "ports", "No ports to open"],
    ];
    for (const [name, options, issue, text] of invalidPorts) {
        it(`refuses ${name}, naming the entry`, () => {
            const error = invalidInput(() => awsSecurityGroupIngress(CIDRS, options));
            expect(error.issues).to.deep.equal([issue]);
            expect(error.message).to.contain(issue).and.to.contain(text);
        });
    }

    it("refuses invalid CIDRs, naming the index", () => {
        const error = invalidInput(() => gcpFirewallRules(["10.0.0.0/8", "10.0.0.0/40"]));
        expect(error.issues).to.deep.equal(["1"]);
    });
});

describe("firewall: awsSecurityGroupIngress", () => {
    it("gives one rule per canonical CIDR and port range, CIDR-major", () => {
        const rules = awsSecurityGroupIngress(CIDRS);
        expect(rules).to.deep.equal([
            {
                protocol: "udp",
                fromPort: 5060,
                toPort: 5060,
                cidrBlocks: ["192.0.2.0/24"],
                description: "pulumi-ultravox SIP udp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5060,
                toPort: 5060,
                cidrBlocks: ["192.0.2.0/24"],
                description: "pulumi-ultravox SIP tcp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5061,
                toPort: 5061,
                cidrBlocks: ["192.0.2.0/24"],
                description: "pulumi-ultravox SIP tcp 5061",
            },
            {
                protocol: "udp",
                fromPort: 5060,
                toPort: 5060,
                cidrBlocks: ["198.51.100.7/32"],
                description: "pulumi-ultravox SIP udp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5060,
                toPort: 5060,
                cidrBlocks: ["198.51.100.7/32"],
                description: "pulumi-ultravox SIP tcp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5061,
                toPort: 5061,
                cidrBlocks: ["198.51.100.7/32"],
                description: "pulumi-ultravox SIP tcp 5061",
            },
        ]);
        // Assignable to the AWS SDK's input type, checked by the compiler.
        const typed: ec2.SecurityGroupIngress[] = rules;
        expect(typed).to.have.length(6);
    });

    it("adds the RTP range only when asked, with custom ports and description", () => {
        const rules = awsSecurityGroupIngress(["203.0.113.0/24"], {
            ports: [{ protocol: "tcp", from: 5061, to: 5061 }],
            rtp: RTP,
            description: "SBC (TLS + RTP)",
        });
        expect(rules).to.deep.equal([
            {
                protocol: "tcp",
                fromPort: 5061,
                toPort: 5061,
                cidrBlocks: ["203.0.113.0/24"],
                description: "SBC (TLS + RTP)",
            },
            {
                protocol: "udp",
                fromPort: 10000,
                toPort: 20000,
                cidrBlocks: ["203.0.113.0/24"],
                description: "SBC (TLS + RTP)",
            },
        ]);
    });

    it("labels the RTP range as RTP by default and drops duplicate ranges", () => {
        const rules = awsSecurityGroupIngress(["203.0.113.0/24"], {
            ports: [
                { protocol: "udp", from: 5060, to: 5060 },
                { protocol: "udp", from: 5060, to: 5060 },
            ],
            rtp: RTP,
        });
        expect(rules.map((rule) => rule.description)).to.deep.equal([
            "pulumi-ultravox SIP udp 5060",
            "pulumi-ultravox RTP udp 10000-20000",
        ]);
    });

    it("aggregates only on request", () => {
        const halves = ["10.0.0.128/25", "10.0.0.0/25"];
        expect(awsSecurityGroupIngress(halves).map((rule) => rule.cidrBlocks[0])).to.deep.equal([
            "10.0.0.0/25",
            "10.0.0.0/25",
            "10.0.0.0/25",
            "10.0.0.128/25",
            "10.0.0.128/25",
            "10.0.0.128/25",
        ]);
        expect(awsSecurityGroupIngress(halves, { aggregate: true }).map((rule) => rule.cidrBlocks[0])).to.deep.equal([
            "10.0.0.0/24",
            "10.0.0.0/24",
            "10.0.0.0/24",
        ]);
    });

    it("gives no rules for no CIDRs", () => {
        expect(awsSecurityGroupIngress([])).to.deep.equal([]);
    });

    it("passes host-bit warnings on", () => {
        const warnings: string[] = [];
        awsSecurityGroupIngress(CIDRS, { onWarning: (message) => warnings.push(message) });
        expect(warnings).to.deep.equal(["CIDR 192.0.2.9/24 has host bits set; using 192.0.2.0/24."]);
    });

    it("refuses a description AWS would reject", () => {
        expect(invalidInput(() => awsSecurityGroupIngress(CIDRS, { description: 'say "hi"' })).issues).to.deep.equal([
            "description",
        ]);
        invalidInput(() => awsSecurityGroupIngress(CIDRS, { description: "x".repeat(256) }));
    });
});

describe("firewall: awsSecurityGroupIngressChunks", () => {
    it("fills groups of 60 rules without splitting a CIDR's ports", () => {
        const groups = awsSecurityGroupIngressChunks(manyCidrs(25));
        expect(groups.map((group) => group.length)).to.deep.equal([60, 15]);
        expect(groups[1]?.[0]?.cidrBlocks).to.deep.equal(["10.0.20.0/24"]);
        expect(groups.flat()).to.deep.equal(awsSecurityGroupIngress(manyCidrs(25)));
    });

    it("rounds a group down to whole CIDRs", () => {
        const groups = awsSecurityGroupIngressChunks(manyCidrs(3), { maxRulesPerGroup: 7 });
        expect(groups.map((group) => group.map((rule) => rule.cidrBlocks[0]))).to.deep.equal([
            ["10.0.0.0/24", "10.0.0.0/24", "10.0.0.0/24", "10.0.1.0/24", "10.0.1.0/24", "10.0.1.0/24"],
            ["10.0.2.0/24", "10.0.2.0/24", "10.0.2.0/24"],
        ]);
    });

    it("gives no groups for no CIDRs", () => {
        expect(awsSecurityGroupIngressChunks([])).to.deep.equal([]);
    });

    it("refuses a group smaller than one CIDR's rules, or not a positive integer", () => {
        expect(invalidInput(() => awsSecurityGroupIngressChunks(CIDRS, { maxRulesPerGroup: 2 })).message).to.contain(
            "One CIDR needs 3 rules",
        );
        invalidInput(() => awsSecurityGroupIngressChunks(CIDRS, { maxRulesPerGroup: 0 }));
        invalidInput(() => awsSecurityGroupIngressChunks(CIDRS, { maxRulesPerGroup: 1.5 }));
    });
});

describe("firewall: awsManagedPrefixListArgs", () => {
    it("gives the list's arguments for one CIDR", () => {
        expect(awsManagedPrefixListArgs(["192.0.2.9/24"])).to.deep.equal({
            addressFamily: "IPv4",
            entries: [{ cidr: "192.0.2.0/24", description: "pulumi-ultravox" }],
            maxEntries: 1,
        });
    });
});

describe("firewall: awsManagedPrefixListArgs' entries and size", () => {
    it("gives entries and a maxEntries equal to their number", () => {
        const list = awsManagedPrefixListArgs(CIDRS);
        expect(list).to.deep.equal({
            addressFamily: "IPv4",
            entries: [
                { cidr: "192.0.2.0/24", description: "pulumi-ultravox" },
                { cidr: "198.51.100.7/32", description: "pulumi-ultravox" },
            ],
            maxEntries: 2,
        });
        const args: ManagedPrefixListArgs = { ...list, name: "ultravox-sip" };
        expect(args.maxEntries).to.equal(2);
    });

    it("keeps maxEntries at least 1 for an empty list, and takes a larger one", () => {
        expect(awsManagedPrefixListArgs([])).to.deep.equal({ addressFamily: "IPv4", entries: [], maxEntries: 1 });
        expect(awsManagedPrefixListArgs(CIDRS, { maxEntries: 10, description: "PBX" }).maxEntries).to.equal(10);
        expect(awsManagedPrefixListArgs(CIDRS, { description: "PBX" }).entries[0]).to.deep.equal({
            cidr: "192.0.2.0/24",
            description: "PBX",
        });
    });

    it("refuses more than 1000 entries, naming the count", () => {
        const error = invalidInput(() => awsManagedPrefixListArgs(manyCidrs(1001)));
        expect(error.message).to.contain("1001 CIDRs").and.to.contain("at most 1000");
        expect(awsManagedPrefixListArgs(manyCidrs(1000)).maxEntries).to.equal(1000);
    });

    it("fits after aggregation when asked", () => {
        const list = awsManagedPrefixListArgs(manyCidrs(1024), { aggregate: true });
        expect(list.entries).to.deep.equal([{ cidr: "10.0.0.0/14", description: "pulumi-ultravox" }]);
    });

    it("refuses a maxEntries below the entries or above 1000", () => {
        expect(invalidInput(() => awsManagedPrefixListArgs(CIDRS, { maxEntries: 1 })).message).to.contain(
            "below the 2 entries",
        );
        invalidInput(() => awsManagedPrefixListArgs(CIDRS, { maxEntries: 1001 }));
    });
});

describe("firewall: awsPrefixListIngress", () => {
    it("gives one rule per port range referencing the list, shaped like SecurityGroupIngress", () => {
        const rules: ec2.SecurityGroupIngress[] = awsPrefixListIngress("pl-0123", { rtp: { from: 10000, to: 20000 } });
        expect(rules).to.deep.equal([
            {
                protocol: "udp",
                fromPort: 5060,
                toPort: 5060,
                prefixListIds: ["pl-0123"],
                description: "pulumi-ultravox SIP udp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5060,
                toPort: 5060,
                prefixListIds: ["pl-0123"],
                description: "pulumi-ultravox SIP tcp 5060",
            },
            {
                protocol: "tcp",
                fromPort: 5061,
                toPort: 5061,
                prefixListIds: ["pl-0123"],
                description: "pulumi-ultravox SIP tcp 5061",
            },
            {
                protocol: "udp",
                fromPort: 10000,
                toPort: 20000,
                prefixListIds: ["pl-0123"],
                description: "pulumi-ultravox RTP udp 10000-20000",
            },
        ]);
    });

    it("validates the ports like the other generators", () => {
        expect(() => awsPrefixListIngress("pl-0123", { rtp: { from: 20000, to: 10000 } }))
            .to.throw(UltravoxError, "runs backwards")
            .with.property("code", "invalid_input");
    });
});

describe("firewall: gcpFirewallRules", () => {
    it("gives one ingress rule allowing every port range, grouped by protocol", () => {
        expect(gcpFirewallRules(CIDRS, { rtp: RTP })).to.deep.equal([
            {
                direction: "INGRESS",
                allows: [
                    { protocol: "udp", ports: ["5060", "10000-20000"] },
                    { protocol: "tcp", ports: ["5060", "5061"] },
                ],
                sourceRanges: ["192.0.2.0/24", "198.51.100.7/32"],
                description: "pulumi-ultravox SIP",
            },
        ]);
    });

    it("splits source ranges at 5000 per rule by default", () => {
        const rules = gcpFirewallRules(manyCidrs(5001));
        expect(rules.map((rule) => rule.sourceRanges.length)).to.deep.equal([5000, 1]);
        expect(rules[1]?.sourceRanges).to.deep.equal(["10.19.136.0/24"]);
    });

    it("splits at a smaller limit and keeps the rules independent", () => {
        const rules = gcpFirewallRules(CIDRS, { maxSourceRangesPerRule: 1, description: "PBX" });
        expect(rules.map((rule) => [rule.sourceRanges, rule.description])).to.deep.equal([
            [["192.0.2.0/24"], "PBX"],
            [["198.51.100.7/32"], "PBX"],
        ]);
        expect(rules[0]?.allows).to.not.equal(rules[1]?.allows);
    });

    it("gives no rules for no CIDRs (GCP reads a rule without sources as from anywhere)", () => {
        expect(gcpFirewallRules([])).to.deep.equal([]);
    });
});

describe("firewall: azureNsgSecurityRules", () => {
    it("gives one inbound rule per protocol with consecutive priorities", () => {
        expect(azureNsgSecurityRules(CIDRS)).to.deep.equal([
            {
                name: "ultravox-sip-udp-1",
                priority: 1000,
                direction: "Inbound",
                access: "Allow",
                protocol: "Udp",
                sourceAddressPrefixes: ["192.0.2.0/24", "198.51.100.7/32"],
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRanges: ["5060"],
                description: "pulumi-ultravox SIP udp 5060",
            },
            {
                name: "ultravox-sip-tcp-1",
                priority: 1001,
                direction: "Inbound",
                access: "Allow",
                protocol: "Tcp",
                sourceAddressPrefixes: ["192.0.2.0/24", "198.51.100.7/32"],
                sourcePortRange: "*",
                destinationAddressPrefix: "*",
                destinationPortRanges: ["5060", "5061"],
                description: "pulumi-ultravox SIP tcp",
            },
        ]);
    });

    it("chunks prefixes, chunk-major, with the name prefix and start priority given", () => {
        const rules = azureNsgSecurityRules(CIDRS, {
            maxPrefixesPerRule: 1,
            priorityStart: 200,
            namePrefix: "pbx",
            rtp: RTP,
        });
        expect(
            rules.map((rule) => [rule.name, rule.priority, rule.sourceAddressPrefixes, rule.destinationPortRanges]),
        ).to.deep.equal([
            ["pbx-udp-1", 200, ["192.0.2.0/24"], ["5060", "10000-20000"]],
            ["pbx-tcp-1", 201, ["192.0.2.0/24"], ["5060", "5061"]],
            ["pbx-udp-2", 202, ["198.51.100.7/32"], ["5060", "10000-20000"]],
            ["pbx-tcp-2", 203, ["198.51.100.7/32"], ["5060", "5061"]],
        ]);
    });

    it("splits at 4000 prefixes per rule by default", () => {
        const rules = azureNsgSecurityRules(manyCidrs(4001), { ports: [{ protocol: "udp", from: 5060, to: 5060 }] });
        expect(rules.map((rule) => [rule.name, rule.sourceAddressPrefixes.length])).to.deep.equal([
            ["ultravox-sip-udp-1", 4000],
            ["ultravox-sip-udp-2", 1],
        ]);
    });

    it("gives no rules for no CIDRs", () => {
        expect(azureNsgSecurityRules([])).to.deep.equal([]);
    });

    it("refuses priorities outside 100..4096, bad names and long descriptions", () => {
        invalidInput(() => azureNsgSecurityRules(CIDRS, { priorityStart: 99 }));
        expect(invalidInput(() => azureNsgSecurityRules(CIDRS, { priorityStart: 4096 })).message).to.contain("4097");
        invalidInput(() => azureNsgSecurityRules(CIDRS, { namePrefix: "-sip" }));
        invalidInput(() => azureNsgSecurityRules(CIDRS, { namePrefix: "sip rules" }));
        invalidInput(() => azureNsgSecurityRules(CIDRS, { description: "x".repeat(141) }));
    });
});

describe("firewall: nftablesRuleset", () => {
    it("writes a complete, reloadable file", () => {
        expect(nftablesRuleset(CIDRS)).to.equal(
            [
                "#!/usr/sbin/nft -f",
                "# Generated by pulumi-ultravox: allows SIP from the listed IPv4 ranges.",
                "# Replaces table inet ultravox whole on each load.",
                "table inet ultravox",
                "delete table inet ultravox",
                "",
                "table inet ultravox {",
                "\tset ultravox_sip {",
                "\t\ttype ipv4_addr",
                "\t\tflags interval",
                "\t\telements = {",
                "\t\t\t192.0.2.0/24,",
                "\t\t\t198.51.100.7/32",
                "\t\t}",
                "\t}",
                "",
                "\tchain input {",
                "\t\t# Policy accept: this table only adds allowances; the host's own rules decide the rest.",
                "\t\ttype filter hook input priority 0; policy accept;",
                "\t\tip saddr @ultravox_sip udp dport 5060 accept",
                "\t\tip saddr @ultravox_sip tcp dport { 5060, 5061 } accept",
                "\t}",
                "}",
                "",
            ].join("\n"),
        );
    });

    it("omits elements for an empty set", () => {
        const text = nftablesRuleset([]);
        expect(text).to.contain("\tset ultravox_sip {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}\n");
        expect(text).to.not.contain("elements");
    });

    it("leaves out ranges nested in another (an interval set refuses overlaps)", () => {
        const text = nftablesRuleset(["10.1.0.0/16", "10.0.0.0/8", "10.255.255.255/32", "11.0.0.0/8"]);
        expect(text).to.contain("\t\telements = {\n\t\t\t10.0.0.0/8,\n\t\t\t11.0.0.0/8\n\t\t}\n");
    });

    it("takes names, family, RTP and dropOthers", () => {
        const text = nftablesRuleset(["203.0.113.0/24"], {
            table: "pbx_edge",
            setName: "Sbcs",
            family: "ip",
            rtp: RTP,
            dropOthers: true,
        });
        expect(text).to.contain("table ip pbx_edge\ndelete table ip pbx_edge\n\ntable ip pbx_edge {\n\tset Sbcs {");
        expect(text).to.contain(
            [
                "\t\tip saddr @Sbcs udp dport { 5060, 10000-20000 } accept",
                "\t\tip saddr @Sbcs tcp dport { 5060, 5061 } accept",
                "\t\tudp dport { 5060, 10000-20000 } drop",
                "\t\ttcp dport { 5060, 5061 } drop",
                "\t}",
            ].join("\n"),
        );
    });

    const badNames: [string, Record<string, unknown>][] = [
        ["a keyword as table", { table: "tcp" }],
        ["a keyword as set", { setName: "set" }],
        ["a leading digit", { table: "1st" }],
        ["a dash", { setName: "sip-set" }],
        ["an empty name", { table: "" }],
        ["an unknown family", { family: "ip6" }],
    ];
    for (const [name, options] of badNames) {
        it(`refuses ${name}`, () => {
            invalidInput(() => nftablesRuleset(CIDRS, options));
        });
    }

    it("accepts names that only look like keywords", () => {
        expect(nftablesRuleset([], { table: "TCP", setName: "set_v4" })).to.contain("table inet TCP {\n\tset set_v4 {");
    });
});

describe("firewall: options a generator does not take", () => {
    it("nftablesRuleset refuses a description rather than ignore it", () => {
        const error = invalidInput(() => nftablesRuleset(CIDRS, fromJavaScript({ description: "PBX" })));
        expect(error.issues).to.deep.equal(["description"]);
        expect(error.message).to.equal(
            "nftablesRuleset takes no description: the file's header comment says what wrote its rules.",
        );
    });

    it("awsPrefixListIngress refuses aggregate and onWarning, having no CIDRs to apply them to", () => {
        for (const options of [{ aggregate: true }, { onWarning: () => undefined }]) {
            const error = invalidInput(() => awsPrefixListIngress("pl-123", fromJavaScript(options)));
            expect(error.issues).to.deep.equal(Object.keys(options));
        }
    });
});
