/** The PBX trunk renderers as functions: Asterisk, FreeSWITCH, Kamailio's dispatcher and carriers. */
import { type AsteriskPjsipOptions, asteriskPjsip } from "../../render/pbx/asterisk";
import { type CarrierTrunkOptions, carrierTrunkUris } from "../../render/pbx/carrier";
import { type FreeswitchGatewayOptions, freeswitchGateway } from "../../render/pbx/freeswitch";
import { type KamailioDispatcherOptions, kamailioDispatcherList } from "../../render/pbx/kamailio";
import {
    type Args,
    boolean,
    CODECS,
    DIAL_STRINGS,
    describedAs,
    integer,
    list,
    object,
    type PackageFunction,
    ROUTING,
    ROUTING_REQUIRED,
    type RoutingInputs,
    type RoutingValues,
    ref,
    routingAndOptions,
    type SchemaOptions,
    string,
    TEXT,
    TRUNK_OPTIONS,
    TYPE_PREFIX,
    WARNINGS,
} from "./spec";

export const pbxFunctions: Record<string, PackageFunction> = {
    [`${TYPE_PREFIX}asteriskPjsip`]: describedAs<RoutingInputs & SchemaOptions<AsteriskPjsipOptions>>()({
        description: "pjsip.conf sections for a trunk to the account's SIP domain (the TypeScript `asteriskPjsip`).",
        inputs: object(
            {
                ...ROUTING,
                ...TRUNK_OPTIONS,
                ...CODECS,
                endpointName: string(
                    "The endpoint, aor and identify section name, used in dial strings. Default `ultravox`.",
                ),
                context: string("Dialplan context for calls from Ultravox. Default `from-ultravox`."),
                transportSection: string(
                    "A `type=transport` section defined elsewhere. Default `transport-<transport>`.",
                ),
                aclCidrs: list(
                    string(),
                    "Emit a `type=acl` section that denies all and permits these CIDRs (it applies to all inbound SIP). Default none.",
                ),
                aclName: string("Default `<endpointName>-acl`."),
            },
            ROUTING_REQUIRED,
        ),
        outputs: object({ text: string("The pjsip.conf sections."), dialStrings: DIAL_STRINGS, warnings: WARNINGS }, [
            "text",
            "dialStrings",
            "warnings",
        ]),
        run(args: Args) {
            const { config, options } = routingAndOptions(args);
            return asteriskPjsip(config, options);
        },
    }),
    [`${TYPE_PREFIX}freeswitchGateway`]: describedAs<RoutingValues & SchemaOptions<FreeswitchGatewayOptions>>()({
        description:
            "A FreeSWITCH gateway to the account's SIP domain and an ACL list, as XML includes (the TypeScript `freeswitchGateway`).",
        inputs: object(
            {
                ...ROUTING,
                allowedCidrRanges: list(string(), "The read's `allowedCidrRanges`: the ACL's default."),
                ...TRUNK_OPTIONS,
                ...CODECS,
                gatewayName: string("Default `ultravox`; dial with `sofia/gateway/<gatewayName>/agent_<id>`."),
                callerIdInFrom: boolean("Send the caller's number as the From user. Default true."),
                aclName: string("Default `ultravox`."),
                aclCidrs: list(string(), "The ACL's allowed CIDRs. Default `allowedCidrRanges`."),
            },
            [...ROUTING_REQUIRED, "allowedCidrRanges"],
        ),
        outputs: object(
            {
                gatewayXml: string("For sip_profiles/<profile>/ultravox.xml, inside the profile's `<gateways>`."),
                aclXml: string("For an X-PRE-PROCESS include inside acl.conf.xml's `<network-lists>`."),
                dialStrings: DIAL_STRINGS,
                warnings: WARNINGS,
            },
            ["gatewayXml", "aclXml", "dialStrings", "warnings"],
        ),
        run(args: Args) {
            const { config, options } = routingAndOptions(args);
            return freeswitchGateway(config, options);
        },
    }),
    [`${TYPE_PREFIX}kamailioDispatcherList`]: describedAs<RoutingInputs & SchemaOptions<KamailioDispatcherOptions>>()({
        description:
            "A Kamailio dispatcher list with the domain as the one destination of a set (the TypeScript `kamailioDispatcherList`).",
        inputs: object(
            {
                ...ROUTING,
                ...TRUNK_OPTIONS,
                setId: integer("Default 1."),
                flags: integer("Default 0. 16 skips resolving the domain when the list is loaded."),
                priority: integer("Default 0."),
                attrs: string("The attributes column (`duid=ultravox;maxload=50`, ...), no spaces. Default none."),
            },
            ROUTING_REQUIRED,
        ),
        outputs: object(TEXT, ["text", "warnings"]),
        run(args: Args) {
            const { config, options } = routingAndOptions(args);
            return kamailioDispatcherList(config, options);
        },
    }),
    [`${TYPE_PREFIX}carrierTrunkUris`]: describedAs<RoutingInputs & SchemaOptions<CarrierTrunkOptions>>()({
        description:
            "The URIs to give a carrier (Twilio Elastic SIP Trunking, Telnyx) and notes for each (the TypeScript `carrierTrunkUris`).",
        inputs: object({ ...ROUTING, ...TRUNK_OPTIONS }, ROUTING_REQUIRED),
        outputs: object(
            {
                originationUri: string("`sip:<domain>` plus `;transport=` unless UDP."),
                agents: list(ref("AgentUri")),
                notes: ref("CarrierNotes"),
                warnings: WARNINGS,
            },
            ["originationUri", "agents", "notes", "warnings"],
        ),
        run(args: Args) {
            const { config, options } = routingAndOptions(args);
            return carrierTrunkUris(config, options);
        },
    }),
};
