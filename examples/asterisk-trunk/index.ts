// pjsip.conf sections for an Asterisk trunk to the account's SIP domain, and the dial string of
// each agent, as stack outputs: `pulumi stack output pjsipConf > pjsip_ultravox.conf`.
import * as pulumi from "@pulumi/pulumi";
import * as ultravox from "pulumi-ultravox";

const cfg = new pulumi.Config();
const sip = ultravox.SipConfig.get("ultravox-sip");

const options: ultravox.AsteriskPjsipOptions = {
    transport: (cfg.get("transport") ?? "udp") as ultravox.SipTransport,
    endpointName: cfg.get("endpointName") ?? "ultravox",
    context: cfg.get("context") ?? "from-ultravox",
    codecs: cfg.getObject<string[]>("codecs") ?? [...ultravox.DEFAULT_CODECS],
};

const trunk = pulumi
    .all([
        sip.domain,
        sip.allowedCidrRanges,
        sip.allowAllAgents,
        sip.allowedAgents,
        sip.fallbackHandlerUrl,
        sip.fingerprint,
    ])
    .apply(([domain, allowedCidrRanges, allowAllAgents, allowedAgents, fallbackHandlerUrl, fingerprint]) =>
        ultravox.asteriskPjsip(
            {
                domain,
                allowedCidrRanges,
                allowAllAgents,
                allowedAgents,
                // Whether a handler exists only changes the warnings' wording; its signing secrets are
                // not needed, and leaving them out keeps these outputs plain instead of secret.
                fallbackHandler: fallbackHandlerUrl ? { url: fallbackHandlerUrl, secrets: [] } : null,
                fingerprint,
            },
            options,
        ),
    );

// A dial string that the config routes elsewhere (another agent's pattern, the fallback handler)
// is still given, with a warning saying so.
trunk.warnings.apply((warnings) => {
    for (const warning of warnings) pulumi.log.warn(warning);
});

export const pjsipConf = trunk.text;
/** agent id → `PJSIP/agent_<id>@<endpointName>`. */
export const dialStrings = trunk.dialStrings;
export const warnings = trunk.warnings;
