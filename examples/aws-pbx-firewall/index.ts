// Security groups for a PBX in AWS that accept SIP only from the account's allowedCidrRanges:
// your own PBXs and SBCs, the addresses Ultravox accepts calls from. They are not Ultravox's
// addresses (Ultravox publishes none), so these groups do not admit calls placed by Ultravox.
//
// Two layouts, chosen with `pulumi config set mode ...`:
// - "security-groups" (default): one rule per CIDR and port range, split over as many groups as
//   AWS's per-group quota needs (maxRulesPerGroup, default 60).
// - "prefix-list": the CIDRs in one managed prefix list, and one group with one rule per port
//   range referencing it; changing the CIDRs edits the list, not the group.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const MODES = ["security-groups", "prefix-list"] as const;
type Mode = (typeof MODES)[number];

// AWS refuses apostrophes in a group description, and changing it replaces the group.
const GROUP_DESCRIPTION = "SIP to the PBX from the PBXs and SBCs allowed to call Ultravox";
// AWS's default quota of security groups per network interface.
const GROUPS_PER_INTERFACE = 5;

// An async program: how many groups to declare depends on the CIDRs, so they are read (with the
// function form, getSipConfig) before any resource is, instead of declaring resources in an apply.
export = async () => {
    const cfg = new pulumi.Config();
    const vpcId = cfg.require("vpcId");
    const mode = (cfg.get("mode") ?? "security-groups") as Mode;
    if (!MODES.includes(mode)) {
        throw new Error(`mode must be one of ${MODES.join(", ")}; got ${JSON.stringify(mode)}.`);
    }
    // RTP is opened only when given: Ultravox publishes no media port range to guess from.
    const rtp = cfg.getObject<{ from: number; to: number }>("rtpPorts");
    const tags = { "managed-by": "pulumi-ultravox" };

    // Already canonical, deduplicated and sorted: the rules come out in a stable order.
    const sip = await ultravox.getSipConfig();
    if (sip.allowedCidrRanges.length === 0) {
        pulumi.log.warn("The account's allowedCidrRanges is empty: no SIP source is allowed in.");
    }

    if (mode === "prefix-list") {
        const list = new aws.ec2.ManagedPrefixList("ultravox-sip", {
            ...ultravox.awsManagedPrefixListArgs(sip.allowedCidrRanges, {
                maxEntries: cfg.getNumber("prefixListMaxEntries"),
            }),
            tags,
        });
        // Each rule is charged the list's maxEntries against the group's rule quota.
        const group = new aws.ec2.SecurityGroup("ultravox-sip", {
            vpcId,
            description: GROUP_DESCRIPTION,
            ingress: ultravox.awsPrefixListIngress(list.id, rtp ? { rtp } : {}),
            tags,
        });
        return { prefixListId: list.id, securityGroupIds: [group.id] };
    }

    const chunks = ultravox.awsSecurityGroupIngressChunks(sip.allowedCidrRanges, {
        ...(rtp ? { rtp } : {}),
        maxRulesPerGroup: cfg.getNumber("maxRulesPerGroup") ?? 60,
    });
    if (chunks.length > GROUPS_PER_INTERFACE) {
        pulumi.log.warn(
            `${chunks.length} security groups are needed, more than the ${GROUPS_PER_INTERFACE} a network interface takes by default: raise that quota, or raise maxRulesPerGroup with the rules quota.`,
        );
    }
    // Named by position: a growing list adds groups at the end; a new CIDR moves rules between groups in place.
    const groups = chunks.map(
        (ingress, index) =>
            new aws.ec2.SecurityGroup(`ultravox-sip-${index + 1}`, {
                vpcId,
                description: GROUP_DESCRIPTION,
                ingress,
                tags,
            }),
    );
    return { securityGroupIds: groups.map((group) => group.id), ingressRuleCount: chunks.flat().length };
};
