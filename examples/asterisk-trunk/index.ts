// pjsip.conf sections for an Asterisk trunk to the account's SIP domain, and the dial string of
// each agent, as stack outputs: `pulumi stack output pjsipConf > pjsip_ultravox.conf`.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();
const sip = ultravox.SipConfig.get("ultravox-sip", "sip");

const options: ultravox.AsteriskPjsipOptions = {
    transport: (cfg.get("transport") ?? "udp") as ultravox.SipTransport,
    endpointName: cfg.get("endpointName") ?? "ultravox",
    context: cfg.get("context") ?? "from-ultravox",
    codecs: cfg.getObject<string[]>("codecs") ?? [...ultravox.DEFAULT_CODECS],
};

// `routing` holds what the renderers read and no secret, so these outputs stay plain.
const trunk = sip.routing.apply((routing) => ultravox.asteriskPjsip(routing, options));

// A dial string that the config routes elsewhere (another agent's pattern, the fallback handler)
// is still given, with a warning saying so.
trunk.warnings.apply((warnings) => {
    for (const warning of warnings) pulumi.log.warn(warning);
});

export const pjsipConf = trunk.text;
/** agent id → `PJSIP/agent_<id>@<endpointName>`. */
export const dialStrings = trunk.dialStrings;
export const warnings = trunk.warnings;
