// Closes the loop: the PBX's Elastic IP goes into the account's allowedCidrRanges, in the same
// update that creates it, with the agent the PBX calls and the fallback handler for other calls.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();
const agentId = cfg.require("agentId");

// The PBX's public address: `pbxPublicIp` when it already has one (an on-premises PBX, an address
// made by another stack), otherwise an Elastic IP made here, associated with `pbxInstanceId` if given.
const givenIp = cfg.get("pbxPublicIp");
const pbxIp: pulumi.Output<string> =
    givenIp === undefined
        ? new aws.ec2.Eip("pbx", { domain: "vpc", instance: cfg.get("pbxInstanceId") }).publicIp
        : pulumi.output(givenIp);

// Owns the three fields given: each is written whole (a PATCH replaces a list), so every other
// source that must keep calling goes in otherCidrs. On destroy they are set back to what they
// were before this stack took them over. One stack per account should own them.
const sip = new ultravox.SipConfig("ultravox-sip", {
    allowedCidrRanges: [pulumi.interpolate`${pbxIp}/32`, ...(cfg.getObject<string[]>("otherCidrs") ?? [])],
    allowedAgents: [{ agentId }],
    // Stored as a secret: it holds the webhook's signing secret.
    fallbackHandler: { url: cfg.require("fallbackUrl"), secrets: [cfg.requireSecret("fallbackSecret")] },
});

export const pbxPublicIp = pbxIp;
export const sipDomain = sip.domain;
/** What the PBX dials to reach the agent. */
export const agentSipUri = sip.domain.apply((domain) => ultravox.agentSipUri(agentId, domain));
