/** AWS security-group rules and managed prefix lists, shaped like the inputs of `@pulumi/aws`. */
import { chunk } from "../../core/chunk";
import { resolveCidrs } from "../../core/cidr";
import { quote } from "../../core/quote";
import { checkInteger, invalidInput, refuseOptions } from "../inputs";
import { type PortProtocol, resolvePorts } from "./ports";
import { type FirewallOptions, prepareRules } from "./rules";

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
        throw invalidInput(
            `AWS rejects the description ${quote(description)}: up to 255 characters of letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*.`,
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
    const { cidrs: resolved, ports, describe } = prepareRules(cidrs, options);
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

/** The ports and descriptions of the prefix list's rules: no CIDRs, so no `aggregate` or `onWarning`. */
export type AwsPrefixListIngressOptions = Omit<FirewallOptions, "aggregate" | "onWarning">;

/**
 * One rule per port range, all referencing the prefix list of `awsManagedPrefixListArgs`:
 * changing the CIDRs then edits the list, not the group. AWS charges each such rule the list's
 * `maxEntries` against the group's rule quota.
 */
export function awsPrefixListIngress<Id>(
    prefixListId: Id,
    options: AwsPrefixListIngressOptions = {},
): AwsPrefixListIngressRule<Id>[] {
    refuseOptions(
        options,
        ["aggregate", "onWarning"],
        "awsPrefixListIngress",
        "it reads no CIDRs (they are in the prefix list).",
    );
    const { ports, describe } = prepareRules([], options);
    return ports.map((port) => ({
        protocol: port.protocol,
        fromPort: port.from,
        toPort: port.to,
        prefixListIds: [prefixListId] as [Id],
        description: checkAwsDescription(describe(port)),
    }));
}

/** What `awsSecurityGroupIngressChunks` takes: the firewall options and the rule quota per group. */
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
    const maxRules = checkInteger(options.maxRulesPerGroup ?? 60, "maxRulesPerGroup", 1, Number.MAX_SAFE_INTEGER);
    const rules = awsSecurityGroupIngress(cidrs, options);
    const perCidr = resolvePorts(options).length;
    const cidrsPerGroup = Math.floor(maxRules / perCidr);
    if (cidrsPerGroup < 1) {
        throw invalidInput(
            `One CIDR needs ${perCidr} rules (one per port range) but maxRulesPerGroup is ${maxRules}; open fewer port ranges or raise the quota.`,
            "maxRulesPerGroup",
        );
    }
    return chunk(rules, cidrsPerGroup * perCidr);
}

/** AWS's hard maximum of entries in one managed prefix list. */
export const AWS_PREFIX_LIST_MAX_ENTRIES = 1000;

/** What `awsManagedPrefixListArgs` takes: what to do with the CIDRs, the entries' description, the list's size. */
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

/**
 * The arguments of one managed prefix list holding the CIDRs (at most 1000 entries; pass
 * `aggregate: true` to merge them first): spread them into `aws.ec2.ManagedPrefixList`.
 */
export function awsManagedPrefixListArgs(
    cidrs: readonly string[],
    options: AwsPrefixListOptions = {},
): AwsManagedPrefixList {
    const resolved = resolveCidrs(cidrs, options);
    if (resolved.length > AWS_PREFIX_LIST_MAX_ENTRIES) {
        throw invalidInput(
            `${resolved.length} CIDRs do not fit in one managed prefix list (at most ${AWS_PREFIX_LIST_MAX_ENTRIES} entries); pass aggregate: true or split the list.`,
            "cidrs",
        );
    }
    const description = checkAwsDescription(options.description ?? "pulumi-ultravox");
    const maxEntries = checkInteger(
        options.maxEntries ?? Math.max(1, resolved.length),
        "maxEntries",
        1,
        AWS_PREFIX_LIST_MAX_ENTRIES,
    );
    if (maxEntries < resolved.length) {
        throw invalidInput(`maxEntries ${maxEntries} is below the ${resolved.length} entries.`, "maxEntries");
    }
    return { addressFamily: "IPv4", entries: resolved.map((cidr) => ({ cidr, description })), maxEntries };
}
