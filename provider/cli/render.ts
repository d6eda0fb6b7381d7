/** `render <target>`: a PBX or firewall definition from the account's config. */
import { isSipTransport } from "../core/sip";
import type { SipConfigData } from "../core/types";
import { awsSecurityGroupIngress } from "../render/firewall/aws";
import { azureNsgSecurityRules } from "../render/firewall/azure";
import { gcpFirewallRules } from "../render/firewall/gcp";
import { nftablesRuleset } from "../render/firewall/nftables";
import type { FirewallOptions } from "../render/firewall/rules";
import { asteriskPjsip } from "../render/pbx/asterisk";
import { carrierTrunkUris } from "../render/pbx/carrier";
import { freeswitchGateway } from "../render/pbx/freeswitch";
import { kamailioDispatcher, kamailioPermissionsAddress } from "../render/pbx/kamailio";
import type { TrunkOptions } from "../render/pbx/trunk";
import type { Options } from "./options";
import { json } from "./show";
import { UsageError } from "./usageError";

export const RENDER_TARGETS = [
    "asterisk",
    "freeswitch",
    "freeswitch-acl",
    "kamailio-dispatcher",
    "kamailio-address",
    "nftables",
    "aws",
    "gcp",
    "azure",
    "carrier",
] as const;
type RenderTarget = (typeof RENDER_TARGETS)[number];
function list(text: string | undefined): string[] | undefined {
    return text
        ?.split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function trunkOptions(options: Options): TrunkOptions {
    const trunk: TrunkOptions = {};
    const agents = list(options.agents);
    const codecs = list(options.codecs);
    if (agents) trunk.agents = agents;
    if (codecs) trunk.codecs = codecs;
    if (options.transport !== undefined) {
        if (!isSipTransport(options.transport)) throw new UsageError("--transport must be udp, tcp or tls.");
        trunk.transport = options.transport;
    }
    return trunk;
}

function firewallOptions(options: Options): FirewallOptions {
    const firewall: FirewallOptions = { aggregate: options.aggregate };
    if (options.rtp !== undefined) {
        const match = /^(\d+)-(\d+)$/.exec(options.rtp);
        if (!match) throw new UsageError("--rtp must look like 10000-20000.");
        firewall.rtp = { from: Number(match[1]), to: Number(match[2]) };
    }
    return firewall;
}
export function render(target: string | undefined, config: SipConfigData, options: Options): string {
    if (!target || !(RENDER_TARGETS as readonly string[]).includes(target)) {
        throw new UsageError(`render needs a target: ${RENDER_TARGETS.join(", ")}.`);
    }
    const cidrs = config.allowedCidrRanges;
    const warn = (warnings: string[]) => {
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    };
    switch (target as RenderTarget) {
        case "asterisk": {
            const result = asteriskPjsip(config, trunkOptions(options));
            warn(result.warnings);
            return result.text;
        }
        case "freeswitch":
        case "freeswitch-acl": {
            const result = freeswitchGateway(config, { ...trunkOptions(options), aclCidrs: cidrs });
            warn(result.warnings);
            return target === "freeswitch" ? result.gatewayXml : result.aclXml;
        }
        case "kamailio-dispatcher":
            return kamailioDispatcher(config, trunkOptions(options));
        case "kamailio-address":
            return kamailioPermissionsAddress(cidrs, { aggregate: options.aggregate });
        case "nftables":
            return nftablesRuleset(cidrs, firewallOptions(options));
        case "aws":
            return json(awsSecurityGroupIngress(cidrs, firewallOptions(options)));
        case "gcp":
            return json(gcpFirewallRules(cidrs, firewallOptions(options)));
        case "azure":
            return json(azureNsgSecurityRules(cidrs, firewallOptions(options)));
        case "carrier":
            return json(carrierTrunkUris(config, trunkOptions(options)));
    }
}
