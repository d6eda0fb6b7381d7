// One stack that owns the allowlist and also reads the account's SIP config. A read runs in
// parallel with the write unless it is told to wait, and then it can see the list from before
// the write: use the owning resource's own outputs, or order the read after it with dependsOn.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();

// Owns the allowlist. Its outputs are the account's config as this write left it.
const owned = new ultravox.SipConfig("ultravox-sip", {
    allowedCidrRanges: cfg.requireObject<string[]>("pbxCidrs"),
});

// A read of the whole config, for a consumer that wants the read form: after the write.
const afterWrite = ultravox.SipConfig.get("ultravox-sip-read", "sip", {}, { dependsOn: [owned] });

/** The allowlist as this stack wrote it: what firewall rules should be made from. */
export const allowlist = owned.allowedCidrRanges;
export const nftables = owned.allowedCidrRanges.apply((cidrs) => ultravox.nftablesRuleset(cidrs));
export const sipDomain = owned.domain;
/** The same list, read after the write in the same `pulumi up`. */
export const readAllowlist = afterWrite.allowedCidrRanges;
