/** The firewall renderers as functions: nftables, AWS, GCP, Azure and Kamailio's permissions. */
import {
    type AwsPrefixListIngressOptions,
    type AwsPrefixListOptions,
    type AwsSecurityGroupChunkOptions,
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
} from "../../render/firewall/aws";
import { type AzureSecurityRuleOptions, azureNsgSecurityRules } from "../../render/firewall/azure";
import { type GcpFirewallOptions, gcpFirewallRules } from "../../render/firewall/gcp";
import { type NftablesOptions, nftablesRuleset } from "../../render/firewall/nftables";
import type { FirewallOptions } from "../../render/firewall/rules";
import { type KamailioPermissionsOptions, kamailioPermissionsAddress } from "../../render/pbx/kamailio";
import {
    type Args,
    boolean,
    CIDRS,
    type CidrInputs,
    describedAs,
    FIREWALL_OPTIONS,
    integer,
    list,
    object,
    type PackageFunction,
    ref,
    renderCidrs,
    type SchemaOptions,
    string,
    TEXT,
    TYPE_PREFIX,
    WARNINGS,
} from "./spec";

export const firewallFunctions: Record<string, PackageFunction> = {
    [`${TYPE_PREFIX}nftablesRuleset`]: describedAs<CidrInputs & SchemaOptions<NftablesOptions>>()({
        description:
            "An nftables file allowing SIP from the CIDRs, reloadable as one transaction (the TypeScript `nftablesRuleset`).",
        inputs: object(
            {
                ...CIDRS,
                ports: FIREWALL_OPTIONS.ports,
                rtp: FIREWALL_OPTIONS.rtp,
                aggregate: FIREWALL_OPTIONS.aggregate,
                table: string("Default `ultravox`. The file replaces this table whole on each load."),
                setName: string("Default `ultravox_sip`."),
                family: string('"inet" (default: IPv4 and IPv6 packets) or "ip".'),
                dropOthers: boolean("Also drop these ports from every other source. Default false."),
            },
            ["allowedCidrRanges"],
        ),
        outputs: object(TEXT, ["text", "warnings"]),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, nftablesRuleset);
            return { text: result, warnings };
        },
    }),
    [`${TYPE_PREFIX}awsSecurityGroupIngress`]: describedAs<CidrInputs & SchemaOptions<FirewallOptions>>()({
        description:
            "AWS security-group ingress rules, one per CIDR and port range (the TypeScript `awsSecurityGroupIngress`).",
        inputs: object({ ...CIDRS, ...FIREWALL_OPTIONS }, ["allowedCidrRanges"]),
        outputs: object({ rules: list(ref("AwsSecurityGroupIngressRule")), warnings: WARNINGS }, ["rules", "warnings"]),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, awsSecurityGroupIngress);
            return { rules: result, warnings };
        },
    }),
    [`${TYPE_PREFIX}awsSecurityGroupIngressChunks`]: describedAs<
        CidrInputs & SchemaOptions<AwsSecurityGroupChunkOptions>
    >()({
        description:
            "The rules of `awsSecurityGroupIngress` split into one list per security group, never splitting one CIDR's port ranges (the TypeScript `awsSecurityGroupIngressChunks`).",
        inputs: object(
            {
                ...CIDRS,
                ...FIREWALL_OPTIONS,
                maxRulesPerGroup: integer("Inbound rules per security group. Default 60, AWS's default quota."),
            },
            ["allowedCidrRanges"],
        ),
        outputs: object(
            {
                groups: list(list(ref("AwsSecurityGroupIngressRule")), "One list of rules per group."),
                warnings: WARNINGS,
            },
            ["groups", "warnings"],
        ),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, awsSecurityGroupIngressChunks);
            return { groups: result, warnings };
        },
    }),
    [`${TYPE_PREFIX}awsManagedPrefixListArgs`]: describedAs<CidrInputs & SchemaOptions<AwsPrefixListOptions>>()({
        description:
            "The arguments of one `aws.ec2.ManagedPrefixList` holding the CIDRs, at most 1000 (the TypeScript `awsManagedPrefixListArgs`): add a `name`.",
        inputs: object(
            {
                ...CIDRS,
                aggregate: FIREWALL_OPTIONS.aggregate,
                description: string("On every entry. Default `pulumi-ultravox`."),
                maxEntries: integer(
                    "Default: the number of entries (at least 1). Every security group referencing the list is charged this many rules.",
                ),
            },
            ["allowedCidrRanges"],
        ),
        outputs: object(
            {
                addressFamily: string('"IPv4".'),
                entries: list(ref("AwsPrefixListEntry")),
                maxEntries: integer("The list's size."),
                warnings: WARNINGS,
            },
            ["addressFamily", "entries", "maxEntries", "warnings"],
        ),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, awsManagedPrefixListArgs);
            return { ...result, warnings };
        },
    }),
    [`${TYPE_PREFIX}awsPrefixListIngress`]: describedAs<{ prefixListId: string } & AwsPrefixListIngressOptions>()({
        description:
            "One ingress rule per port range, all referencing a managed prefix list (the TypeScript `awsPrefixListIngress`).",
        inputs: object(
            {
                prefixListId: string("The managed prefix list's id (of `awsManagedPrefixListArgs`' list)."),
                ports: FIREWALL_OPTIONS.ports,
                rtp: FIREWALL_OPTIONS.rtp,
                description: FIREWALL_OPTIONS.description,
            },
            ["prefixListId"],
        ),
        outputs: object({ rules: list(ref("AwsPrefixListIngressRule")) }, ["rules"]),
        run(args: Args) {
            const { prefixListId, ...options } = args;
            return { rules: awsPrefixListIngress(prefixListId as string, options) };
        },
    }),
    [`${TYPE_PREFIX}gcpFirewallRules`]: describedAs<CidrInputs & SchemaOptions<GcpFirewallOptions>>()({
        description: "GCP firewall rules, one per chunk of source ranges (the TypeScript `gcpFirewallRules`).",
        inputs: object(
            { ...CIDRS, ...FIREWALL_OPTIONS, maxSourceRangesPerRule: integer("Default 5000, GCP's limit per rule.") },
            ["allowedCidrRanges"],
        ),
        outputs: object({ rules: list(ref("GcpFirewallRule")), warnings: WARNINGS }, ["rules", "warnings"]),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, gcpFirewallRules);
            return { rules: result, warnings };
        },
    }),
    [`${TYPE_PREFIX}azureNsgSecurityRules`]: describedAs<CidrInputs & SchemaOptions<AzureSecurityRuleOptions>>()({
        description:
            "Azure network security group rules, one per chunk of prefixes and protocol (the TypeScript `azureNsgSecurityRules`).",
        inputs: object(
            {
                ...CIDRS,
                ...FIREWALL_OPTIONS,
                priorityStart: integer("The first rule's priority; the others follow one by one. Default 1000."),
                namePrefix: string("Rule names are `<namePrefix>-<udp|tcp>-<n>`. Default `ultravox-sip`."),
                maxPrefixesPerRule: integer("Default 4000, Azure's limit of address prefixes per rule."),
            },
            ["allowedCidrRanges"],
        ),
        outputs: object({ rules: list(ref("AzureSecurityRule")), warnings: WARNINGS }, ["rules", "warnings"]),
        run(args: Args) {
            const { result, warnings } = renderCidrs(args, azureNsgSecurityRules);
            return { rules: result, warnings };
        },
    }),
    [`${TYPE_PREFIX}kamailioPermissionsAddress`]: describedAs<CidrInputs & SchemaOptions<KamailioPermissionsOptions>>()(
        {
            description:
                "A Kamailio permissions `address_file`, one line per CIDR (the TypeScript `kamailioPermissionsAddress`).",
            inputs: object(
                {
                    ...CIDRS,
                    groupId: integer("Default 1 (what allow_source_address() checks without an argument)."),
                    port: integer("Default 0, any port."),
                    tag: string("Set in peer_tag_avp on a match. Default none."),
                    aggregate: FIREWALL_OPTIONS.aggregate,
                },
                ["allowedCidrRanges"],
            ),
            outputs: object(TEXT, ["text", "warnings"]),
            run(args: Args) {
                const { result, warnings } = renderCidrs(args, kamailioPermissionsAddress);
                return { text: result, warnings };
            },
        },
    ),
};
