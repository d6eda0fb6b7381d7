// Closes the loop: the PBX's Elastic IP goes into the account's allowedCidrRanges, in the same
// update that creates it, with the agent the PBX calls and the fallback handler for other calls.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();
const agentId = cfg.require("agentId");

// Associate it with the PBX here (pbxInstanceId) or wherever the PBX is defined.
const pbxIp = new aws.ec2.Eip("pbx", { domain: "vpc", instance: cfg.get("pbxInstanceId") });

// Owns the three fields given: each is written whole (a PATCH replaces a list), so every other
// source that must keep calling goes in otherCidrs. On destroy they are set back to what they
// were before this stack took them over. One stack per account should own them.
const sip = new ultravox.SipConfig("ultravox-sip", {
    allowedCidrRanges: [pulumi.interpolate`${pbxIp.publicIp}/32`, ...(cfg.getObject<string[]>("otherCidrs") ?? [])],
    allowedAgents: [{ agentId }],
    // Stored as a secret: it holds the webhook's signing secret.
    fallbackHandler: { url: cfg.require("fallbackUrl"), secrets: [cfg.requireSecret("fallbackSecret")] },
});

export const pbxPublicIp = pbxIp.publicIp;
export const sipDomain = sip.domain;
/** What the PBX dials to reach the agent. */
export const agentSipUri = sip.domain.apply((domain) => ultravox.agentSipUri(agentId, domain));
