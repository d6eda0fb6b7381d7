import { integer, list, object, ref, string, TYPE_PREFIX, type TypeSpec } from "./spec";

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
