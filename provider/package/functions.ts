/**
 * The package's pure functions: the TypeScript renderers and `explainInboundCall`, served as
 * invokes so that Python, Go and YAML programs get the very text and rules TypeScript gets. One
 * table from token to schema and handler: the schema is what the SDKs are generated from and also
 * what each invoke's arguments are checked against, so the two cannot drift apart. Input names are
 * the TypeScript options' names; a callback option (`onWarning`) becomes the result's `warnings`.
 */

import { redact } from "../core/errors";
import { quote, withSecretValues } from "../core/quote";
import {
    asteriskPjsip,
    awsManagedPrefixListArgs,
    awsPrefixListIngress,
    awsSecurityGroupIngress,
    awsSecurityGroupIngressChunks,
    azureNsgSecurityRules,
    carrierTrunkUris,
    explainInboundCall,
    freeswitchGateway,
    gcpFirewallRules,
    isUltravoxError,
    kamailioDispatcherList,
    kamailioPermissionsAddress,
    nftablesRuleset,
    type SipRouting,
    UltravoxError,
    type WarningSink,
} from "../index";
import { checkArguments, type ObjectSpec, ownMember, type PropertySpec, type SchemaTypes } from "./arguments";
import { secretEnvelope } from "./settings";

export interface TypeSpec extends ObjectSpec {
    type: "object";
    description: string;
}

type Args = Record<string, unknown>;

interface PackageFunction {
    description: string;
    inputs: ObjectSpec;
    outputs: ObjectSpec;
    run(args: Args): unknown;
}

const TYPE_PREFIX = "ultravox:index:";
const ref = (name: string): PropertySpec => ({ $ref: `#/types/${TYPE_PREFIX}${name}` });
const string = (description?: string): PropertySpec => ({ type: "string", ...(description ? { description } : {}) });
const integer = (description: string): PropertySpec => ({ type: "integer", description });
const boolean = (description: string): PropertySpec => ({ type: "boolean", description });
const list = (items: PropertySpec, description?: string): PropertySpec => ({
    type: "array",
    items,
    ...(description ? { description } : {}),
});
const stringMap = (description: string): PropertySpec => ({
    type: "object",
    additionalProperties: { type: "string" },
    description,
});
const object = (properties: Record<string, PropertySpec>, required: string[] = []): ObjectSpec => ({
    properties,
    required,
});

/** The object types the functions' inputs and results use. */
export const functionTypes: Record<string, TypeSpec> = {
    [`${TYPE_PREFIX}PortRange`]: {
        type: "object",
        description: "An inclusive port range to open.",
        ...object({ protocol: string('"udp" or "tcp".'), from: integer("First port."), to: integer("Last port.") }, [
            "protocol",
            "from",
            "to",
        ]),
    },
    [`${TYPE_PREFIX}RtpRange`]: {
        type: "object",
        description: "An RTP media port range (UDP).",
        ...object({ from: integer("First port."), to: integer("Last port.") }, ["from", "to"]),
    },
    [`${TYPE_PREFIX}AwsSecurityGroupIngressRule`]: {
        type: "object",
        description:
            "Shaped like `aws.ec2.SecurityGroup`'s `ingress` entries (and `aws.ec2.SecurityGroupRule` minus type).",
        ...object(
            {
                protocol: string(),
                fromPort: integer("First port."),
                toPort: integer("Last port."),
                cidrBlocks: list(string(), "One CIDR."),
                description: string(),
            },
            ["protocol", "fromPort", "toPort", "cidrBlocks", "description"],
        ),
    },
    [`${TYPE_PREFIX}AwsPrefixListIngressRule`]: {
        type: "object",
        description: "Like `AwsSecurityGroupIngressRule`, with the sources in a managed prefix list.",
        ...object(
            {
                protocol: string(),
                fromPort: integer("First port."),
                toPort: integer("Last port."),
                prefixListIds: list(string(), "The prefix list's id."),
                description: string(),
            },
            ["protocol", "fromPort", "toPort", "prefixListIds", "description"],
        ),
    },
    [`${TYPE_PREFIX}AwsPrefixListEntry`]: {
        type: "object",
        description: "One entry of `aws.ec2.ManagedPrefixList`'s `entries`.",
        ...object({ cidr: string(), description: string() }, ["cidr", "description"]),
    },
    [`${TYPE_PREFIX}GcpFirewallAllow`]: {
        type: "object",
        description: "One entry of a GCP firewall rule's `allows`.",
        ...object({ protocol: string(), ports: list(string()) }, ["protocol", "ports"]),
    },
    [`${TYPE_PREFIX}GcpFirewallRule`]: {
        type: "object",
        description: "Fields of `gcp.compute.Firewall`'s arguments (add `network` and a `name`).",
        ...object(
            {
                direction: string(),
                allows: list(ref("GcpFirewallAllow")),
                sourceRanges: list(string()),
                description: string(),
            },
            ["direction", "allows", "sourceRanges", "description"],
        ),
    },
    [`${TYPE_PREFIX}AzureSecurityRule`]: {
        type: "object",
        description: "An element of `azure-native.network.NetworkSecurityGroup`'s `securityRules`.",
        ...object(
            {
                name: string(),
                priority: integer("The rule's priority."),
                direction: string(),
                access: string(),
                protocol: string(),
                sourceAddressPrefixes: list(string()),
                sourcePortRange: string(),
                destinationAddressPrefix: string(),
                destinationPortRanges: list(string()),
                description: string(),
            },
            [
                "name",
                "priority",
                "direction",
                "access",
                "protocol",
                "sourceAddressPrefixes",
                "sourcePortRange",
                "destinationAddressPrefix",
                "destinationPortRanges",
                "description",
            ],
        ),
    },
    [`${TYPE_PREFIX}AgentUri`]: {
        type: "object",
        description:
            "An agent and its `sip:agent_<agentId>@<domain>` URI (see the warnings for whether it routes there).",
        ...object({ agentId: string(), uri: string() }, ["agentId", "uri"]),
    },
    [`${TYPE_PREFIX}CarrierNotes`]: {
        type: "object",
        description: "How to set up a trunk at each carrier.",
        ...object({ twilio: string(), telnyx: string() }, ["twilio", "telnyx"]),
    },
};

const WARNINGS = list(
    string(),
    "What the caller should know about the result, in plain sentences; empty when all is well.",
);

/** The CIDR renderers' input. */
const CIDRS = {
    allowedCidrRanges: list(string(), "The IPv4 CIDRs to allow: the read's `allowedCidrRanges` (or any list)."),
};
/** What every firewall renderer takes besides the CIDRs (`FirewallOptions`). */
const FIREWALL_OPTIONS = {
    ports: list(ref("PortRange"), "Default SIP signalling: udp 5060, tcp 5060, tcp 5061."),
    rtp: { ...ref("RtpRange"), description: "An RTP media range (UDP) to open as well. No default." },
    aggregate: boolean("Merge adjacent and nested CIDRs first. Default false."),
    description: string(
        "Used verbatim on every rule; default one per port range, e.g. `pulumi-ultravox SIP udp 5060`.",
    ),
};
/** The read's routing values a trunk renderer reads (`SipRouting`). */
const ROUTING = {
    domain: string("The read's `domain`."),
    allowedAgents: list(ref("AgentAllowance"), "The read's `allowedAgents`."),
    allowAllAgents: boolean("The read's `allowAllAgents`."),
    fallbackHandlerUrl: string(
        "The read's `fallbackHandlerUrl`: whether one is set decides where an unmatched To user goes. Default none.",
    ),
};
const ROUTING_REQUIRED = ["domain", "allowedAgents", "allowAllAgents"];
/** `TrunkOptions` and `CodecOptions`. */
const TRUNK_OPTIONS = {
    agents: list(string(), "Agent ids to write addresses for. Default: every `allowedAgents` entry, in order."),
    transport: string('"udp" (default), "tcp" or "tls".'),
};
const CODECS = {
    codecs: list(
        string(),
        "In order of preference (`G.722.1` = `g7221`, `ulaw`/`alaw` accepted). Default pcmu, pcma, g722, opus.",
    ),
};
const DIAL_STRINGS = stringMap("Agent id → the dial string of its `agent_<id>` To user.");
const TEXT = { text: string("The rendered file."), warnings: WARNINGS };

/**
 * Runs a CIDR renderer on the arguments: `allowedCidrRanges` and the renderer's options, its
 * `onWarning` calls collected into `warnings`.
 */
function renderCidrs<T>(args: Args, render: (cidrs: string[], options: never) => T): { result: T; warnings: string[] } {
    const { allowedCidrRanges, ...options } = args;
    const warnings: string[] = [];
    const onWarning: WarningSink = (message) => warnings.push(message);
    const result = render(allowedCidrRanges as string[], { ...options, onWarning } as never);
    return { result, warnings };
}

/** Splits the read's routing values (`SipRouting`) from the renderer's options. */
function routingAndOptions(args: Args): { config: SipRouting; options: Args } {
    const { domain, allowedCidrRanges, allowedAgents, allowAllAgents, fallbackHandlerUrl, ...options } = args;
    const config = {
        domain,
        allowedCidrRanges: allowedCidrRanges ?? [],
        allowedAgents,
        allowAllAgents,
        fallbackHandlerUrl: fallbackHandlerUrl ?? null,
    } as SipRouting;
    return { config, options };
}

export const packageFunctions: Record<string, PackageFunction> = {
    [`${TYPE_PREFIX}nftablesRuleset`]: {
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
        run(args) {
            const { result, warnings } = renderCidrs(args, nftablesRuleset);
            return { text: result, warnings };
        },
    },
    [`${TYPE_PREFIX}awsSecurityGroupIngress`]: {
        description:
            "AWS security-group ingress rules, one per CIDR and port range (the TypeScript `awsSecurityGroupIngress`).",
        inputs: object({ ...CIDRS, ...FIREWALL_OPTIONS }, ["allowedCidrRanges"]),
        outputs: object({ rules: list(ref("AwsSecurityGroupIngressRule")), warnings: WARNINGS }, ["rules", "warnings"]),
        run(args) {
            const { result, warnings } = renderCidrs(args, awsSecurityGroupIngress);
            return { rules: result, warnings };
        },
    },
    [`${TYPE_PREFIX}awsSecurityGroupIngressChunks`]: {
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
        run(args) {
            const { result, warnings } = renderCidrs(args, awsSecurityGroupIngressChunks);
            return { groups: result, warnings };
        },
    },
    [`${TYPE_PREFIX}awsManagedPrefixListArgs`]: {
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
        run(args) {
            const { result, warnings } = renderCidrs(args, awsManagedPrefixListArgs);
            return { ...result, warnings };
        },
    },
    [`${TYPE_PREFIX}awsPrefixListIngress`]: {
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
        run(args) {
            const { prefixListId, ...options } = args;
            return { rules: awsPrefixListIngress(prefixListId as string, options) };
        },
    },
    [`${TYPE_PREFIX}gcpFirewallRules`]: {
        description: "GCP firewall rules, one per chunk of source ranges (the TypeScript `gcpFirewallRules`).",
        inputs: object(
            { ...CIDRS, ...FIREWALL_OPTIONS, maxSourceRangesPerRule: integer("Default 5000, GCP's limit per rule.") },
            ["allowedCidrRanges"],
        ),
        outputs: object({ rules: list(ref("GcpFirewallRule")), warnings: WARNINGS }, ["rules", "warnings"]),
        run(args) {
            const { result, warnings } = renderCidrs(args, gcpFirewallRules);
            return { rules: result, warnings };
        },
    },
    [`${TYPE_PREFIX}azureNsgSecurityRules`]: {
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
        run(args) {
            const { result, warnings } = renderCidrs(args, azureNsgSecurityRules);
            return { rules: result, warnings };
        },
    },
    [`${TYPE_PREFIX}kamailioPermissionsAddress`]: {
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
        run(args) {
            const { result, warnings } = renderCidrs(args, kamailioPermissionsAddress);
            return { text: result, warnings };
        },
    },
    [`${TYPE_PREFIX}asteriskPjsip`]: {
        description: "pjsip.conf sections for a trunk to the account's SIP domain (the TypeScript `asteriskPjsip`).",
        inputs: object(
            {
                ...ROUTING,
                ...TRUNK_OPTIONS,
                ...CODECS,
                endpointName: string(
                    "The endpoint, aor and identify section name, used in dial strings. Default `ultravox`.",
                ),
                context: string("Dialplan context for calls from Ultravox. Default `from-ultravox`."),
                transportSection: string(
                    "A `type=transport` section defined elsewhere. Default `transport-<transport>`.",
                ),
                aclCidrs: list(
                    string(),
                    "Emit a `type=acl` section that denies all and permits these CIDRs (it applies to all inbound SIP). Default none.",
                ),
                aclName: string("Default `<endpointName>-acl`."),
            },
            ROUTING_REQUIRED,
        ),
        outputs: object({ text: string("The pjsip.conf sections."), dialStrings: DIAL_STRINGS, warnings: WARNINGS }, [
            "text",
            "dialStrings",
            "warnings",
        ]),
        run(args) {
            const { config, options } = routingAndOptions(args);
            return asteriskPjsip(config, options);
        },
    },
    [`${TYPE_PREFIX}freeswitchGateway`]: {
        description:
            "A FreeSWITCH gateway to the account's SIP domain and an ACL list, as XML includes (the TypeScript `freeswitchGateway`).",
        inputs: object(
            {
                ...ROUTING,
                allowedCidrRanges: list(string(), "The read's `allowedCidrRanges`: the ACL's default."),
                ...TRUNK_OPTIONS,
                ...CODECS,
                gatewayName: string("Default `ultravox`; dial with `sofia/gateway/<gatewayName>/agent_<id>`."),
                callerIdInFrom: boolean("Send the caller's number as the From user. Default true."),
                aclName: string("Default `ultravox`."),
                aclCidrs: list(string(), "The ACL's allowed CIDRs. Default `allowedCidrRanges`."),
            },
            [...ROUTING_REQUIRED, "allowedCidrRanges"],
        ),
        outputs: object(
            {
                gatewayXml: string("For sip_profiles/<profile>/ultravox.xml, inside the profile's `<gateways>`."),
                aclXml: string("For an X-PRE-PROCESS include inside acl.conf.xml's `<network-lists>`."),
                dialStrings: DIAL_STRINGS,
                warnings: WARNINGS,
            },
            ["gatewayXml", "aclXml", "dialStrings", "warnings"],
        ),
        run(args) {
            const { config, options } = routingAndOptions(args);
            return freeswitchGateway(config, options);
        },
    },
    [`${TYPE_PREFIX}kamailioDispatcherList`]: {
        description:
            "A Kamailio dispatcher list with the domain as the one destination of a set (the TypeScript `kamailioDispatcherList`).",
        inputs: object(
            {
                ...ROUTING,
                ...TRUNK_OPTIONS,
                setId: integer("Default 1."),
                flags: integer("Default 0. 16 skips resolving the domain when the list is loaded."),
                priority: integer("Default 0."),
                attrs: string("The attributes column (`duid=ultravox;maxload=50`, ...), no spaces. Default none."),
            },
            ROUTING_REQUIRED,
        ),
        outputs: object(TEXT, ["text", "warnings"]),
        run(args) {
            const { config, options } = routingAndOptions(args);
            return kamailioDispatcherList(config, options);
        },
    },
    [`${TYPE_PREFIX}carrierTrunkUris`]: {
        description:
            "The URIs to give a carrier (Twilio Elastic SIP Trunking, Telnyx) and notes for each (the TypeScript `carrierTrunkUris`).",
        inputs: object({ ...ROUTING, ...TRUNK_OPTIONS }, ROUTING_REQUIRED),
        outputs: object(
            {
                originationUri: string("`sip:<domain>` plus `;transport=` unless UDP."),
                agents: list(ref("AgentUri")),
                notes: ref("CarrierNotes"),
                warnings: WARNINGS,
            },
            ["originationUri", "agents", "notes", "warnings"],
        ),
        run(args) {
            const { config, options } = routingAndOptions(args);
            return carrierTrunkUris(config, options);
        },
    },
    [`${TYPE_PREFIX}explainInboundCall`]: {
        description:
            "What Ultravox does with a call from `sourceIp` to `toUser` under the config, and why (the TypeScript `explainInboundCall`).",
        inputs: object(
            {
                allowedCidrRanges: list(string(), "The read's `allowedCidrRanges`."),
                allowedAgents: ROUTING.allowedAgents,
                allowAllAgents: ROUTING.allowAllAgents,
                fallbackHandlerUrl: ROUTING.fallbackHandlerUrl,
                sourceIp: string("The IPv4 address the INVITE comes from."),
                toUser: string("The user part of the To URI (`agent_<id>`, a number, ...)."),
            },
            ["allowedCidrRanges", "allowedAgents", "allowAllAgents", "sourceIp", "toUser"],
        ),
        outputs: object(
            {
                accepted: boolean('False also for route "unknown": acceptance cannot be told, see the warnings.'),
                route: string('"agent", "allowAllAgents", "fallback", "rejected" or "unknown".'),
                agentId: string("The agent the call goes to, when there is one."),
                reason: string("Why, naming the config entries that decided."),
                warnings: WARNINGS,
            },
            ["accepted", "route", "reason", "warnings"],
        ),
        run(args) {
            const { sourceIp, toUser, ...routing } = args;
            // explainInboundCall reads no domain.
            const { config } = routingAndOptions({ ...routing, domain: "" });
            return explainInboundCall(config, { sourceIp, toUser } as { sourceIp: string; toUser: string });
        },
    },
};

/**
 * Runs the function `token` on `args` (the invoke's arguments as JavaScript, secrets still in
 * their envelopes). The arguments are checked against the function's schema first, which unwraps
 * them and notes which values were secret. No message quotes a secret value (`withSecretValues`,
 * and every secret redacted from what escapes), and a result built from a secret input is secret:
 * each of its members is returned in a secret envelope.
 */
export function invokePackageFunction(token: string, args: Args, types: SchemaTypes): unknown {
    const fn = ownMember(packageFunctions, token);
    if (fn === undefined) {
        throw new UltravoxError(
            "invalid_input",
            `Unknown function ${quote(token.length > 80 ? `${token.slice(0, 77)}...` : token)}; this plugin's functions are ${Object.keys(packageFunctions).join(", ")}.`,
        );
    }
    const { values, secrets, anySecret } = checkArguments(args, fn.inputs, types);
    let result: unknown;
    try {
        result = withSecretValues(secrets, () => fn.run(values));
    } catch (error) {
        throw withoutSecrets(error, secrets);
    }
    if (!anySecret || typeof result !== "object" || result === null) return result;
    return Object.fromEntries(Object.entries(result).map(([name, member]) => [name, secretEnvelope(member)]));
}

/** An error whose message cannot carry a secret, however the check that threw built it. */
function withoutSecrets(error: unknown, secrets: readonly string[]): unknown {
    if (secrets.length === 0 || !isUltravoxError(error)) return error;
    const message = redact(error.message, secrets);
    if (message === error.message) return error;
    return new UltravoxError(error.code, message, error.issues === undefined ? {} : { issues: error.issues });
}
