/** Carrier trunks (Twilio Elastic SIP Trunking, Telnyx): the URIs to give the carrier. */
import { transportParam } from "../../core/sip";
import type { SipRouting } from "../../core/types";
import { refuseOptions } from "../inputs";
import type { Rendered } from "../rendered";
import { resolveTrunk, type TrunkOptions } from "./trunk";

/** What a carrier trunk takes: the agents and the transport (codecs are negotiated with the carrier). */
export type CarrierTrunkOptions = TrunkOptions;

/** The URIs to give a carrier, notes for Twilio and Telnyx, and the routing warnings. */
export interface CarrierTrunkUris extends Rendered {
    /** `sip:<domain>` plus `;transport=` unless UDP: the URI to give a carrier. */
    originationUri: string;
    agents: { agentId: string; uri: string }[];
    notes: { twilio: string; telnyx: string };
}

/** URIs and notes for carrier trunks (Twilio Elastic SIP Trunking, Telnyx) pointing at the account. */
export function carrierTrunkUris(config: SipRouting, options: CarrierTrunkOptions = {}): CarrierTrunkUris {
    refuseOptions(
        options,
        ["codecs"],
        "carrierTrunkUris",
        "codecs are negotiated with the carrier, not written in a URI.",
    );
    const trunk = resolveTrunk(config, options);
    const originationUri = `sip:${trunk.domain}${transportParam(trunk.transport)}`;
    const routing =
        "the carrier sends the dialled number as the To user, so a call reaches an agent only if an allowedAgents toUserPattern matches that number (or the fallback handler starts one); agent_<agent_id> URIs serve carriers and PBXs that can set the user part";
    const addresses =
        "Its signalling addresses must be in allowedCidrRanges: take them from the carrier's published list.";
    return {
        originationUri,
        agents: trunk.agents.map((agent) => ({ agentId: agent.agentId, uri: agent.uri })),
        notes: {
            twilio: `Twilio Elastic SIP Trunking: add ${originationUri} as an Origination URI (sip: URIs only; transport=tls needs Secure Trunking). As with any carrier, ${routing}. ${addresses}`,
            telnyx: `Telnyx: point an FQDN connection at ${trunk.domain} with the ${trunk.transport.toUpperCase()} transport. As with any carrier, ${routing}. ${addresses}`,
        },
        warnings: trunk.warnings,
    };
}
