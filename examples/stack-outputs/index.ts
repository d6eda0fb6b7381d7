// Reads the account's SIP config and exports it as stack outputs for other stacks
// (examples/stack-reference is the StackReference side).
// Credentials: `pulumi config set --secret ultravox:apiKey <key>` (or ULTRAVOX_API_KEY).
import * as ultravox from "pulumi-ultravox";

const sip = ultravox.SipConfig.get("ultravox-sip", "sip");

export const sipDomain = sip.domain;
export const allowedCidrRanges = sip.allowedCidrRanges;
export const allowAllAgents = sip.allowAllAgents;
/** In the API's order (first match wins), each with its `toUserPattern` filled in. */
export const allowedAgents = sip.allowedAgents;
/**
 * How to dial each agent: `uri` is `sip:agent_<id>@<domain>` only when that To user reaches the
 * agent under this config; for a custom pattern it is left out and `note` says what to dial instead.
 * Null members are left out because Pulumi's Python, Go and YAML SDKs drop them from objects: the
 * outputs then read the same as those of examples/{yaml,python,go}-stack-outputs.
 */
export const agentDialTargets = sip.routing.apply((routing) => ultravox.agentDialTargets(routing).map(withoutNulls));
export const fallbackHandlerUrl = sip.fallbackHandlerUrl;
export const fingerprint = sip.fingerprint;
/** Files for a PBX host, rendered from the read: an nftables ruleset and Asterisk's pjsip.conf trunk. */
export const nftablesRuleset = sip.allowedCidrRanges.apply((cidrs) => ultravox.nftablesRuleset(cidrs));
export const asteriskPjsip = sip.routing.apply((routing) => ultravox.asteriskPjsip(routing).text);

function withoutNulls(target: object): Record<string, unknown> {
    return Object.fromEntries(Object.entries(target).filter(([, member]) => member !== null));
}
