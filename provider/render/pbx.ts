/**
 * PBX and carrier configuration for sending calls to an Ultravox account's SIP domain:
 * Asterisk (pjsip.conf), FreeSWITCH (gateway and ACL XML), Kamailio (dispatcher and permissions
 * lists) and carrier origination URIs. Pure text and plain objects; nothing is read or sent.
 *
 * Each agent is dialled as `sip:agent_<agentId>@<domain>`. That To user reaches the agent only if
 * the first `allowedAgents` pattern it matches is the agent's own (or `allowAllAgents` applies):
 * every generator returns `warnings` when the config routes it elsewhere.
 */
import { aggregateCidrs, canonicalCidrs, formatIpv4, parseCidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { agentSipUri } from "../core/sip";
import type { SipRouting } from "../core/types";
import { routeToUser } from "../routing/explain";

export type SipTransport = "udp" | "tcp" | "tls";

/** The codecs Ultravox accepts: G.722, G.722.1, G.722.2, Opus, PCMU, PCMA, iLBC. */
export type UltravoxCodec = "pcmu" | "pcma" | "g722" | "g7221" | "g7222" | "opus" | "ilbc";

export const ULTRAVOX_CODECS: readonly UltravoxCodec[] = Object.freeze([
    "pcmu",
    "pcma",
    "g722",
    "g7221",
    "g7222",
    "opus",
    "ilbc",
]);

/** G.711 first: every carrier and PBX has it; then wideband. */
export const DEFAULT_CODECS: readonly UltravoxCodec[] = Object.freeze(["pcmu", "pcma", "g722", "opus"]);

export interface TrunkOptions {
    /** Agent ids to produce addresses for. Default: every `allowedAgents` entry, in order. */
    agents?: readonly string[];
    /** Default `udp`, Ultravox's default. */
    transport?: SipTransport;
    /** In order of preference; case, dots and dashes ignored (`G.722.1` = `g7221`), `ulaw`/`alaw` accepted. Default `DEFAULT_CODECS`. */
    codecs?: readonly string[];
}

export interface AgentAddress {
    agentId: string;
    /** `agent_<agentId>`, the To user that selects the agent. */
    toUser: string;
    /** `sip:agent_<agentId>@<domain>` plus `;transport=` unless UDP. */
    uri: string;
}

interface ResolvedTrunk {
    domain: string;
    transport: SipTransport;
    codecs: UltravoxCodec[];
    agents: AgentAddress[];
    warnings: string[];
}

function invalid(message: string, issue: string): UltravoxError {
    return new UltravoxError("invalid_input", message, { issues: [issue] });
}

const HOSTNAME =
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Names and values written into config files: no spaces, quotes, comment or section characters. */
const SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,79}$/;
const CODEC_ALIASES: Record<string, UltravoxCodec> = { ulaw: "pcmu", mulaw: "pcmu", alaw: "pcma" };

export function checkToken(value: unknown, name: string): string {
    if (typeof value !== "string" || !SAFE_TOKEN.test(value)) {
        throw invalid(
            `${name} ${JSON.stringify(value)} must start with a letter or digit and hold up to 80 letters, digits or "_.+-".`,
            name,
        );
    }
    return value;
}

function checkDomain(domain: unknown): string {
    if (typeof domain !== "string" || !HOSTNAME.test(domain)) {
        throw invalid(`The SIP domain ${JSON.stringify(domain)} is not a host name; nothing was generated.`, "domain");
    }
    return domain;
}

function resolveTransport(transport: unknown): SipTransport {
    const chosen = transport ?? "udp";
    if (chosen !== "udp" && chosen !== "tcp" && chosen !== "tls") {
        throw invalid(`transport must be "udp", "tcp" or "tls", got ${JSON.stringify(transport)}.`, "transport");
    }
    return chosen;
}

/** Normalized, deduplicated codecs; anything Ultravox does not accept is an error naming it. */
export function resolveCodecs(codecs: readonly string[] = DEFAULT_CODECS): UltravoxCodec[] {
    if (!Array.isArray(codecs) || codecs.length === 0) {
        throw invalid("codecs must be a non-empty array of codec names.", "codecs");
    }
    const out: UltravoxCodec[] = [];
    codecs.forEach((name, index) => {
        const key = typeof name === "string" ? name.toLowerCase().replace(/[.\-_ ]/g, "") : "";
        const codec = CODEC_ALIASES[key] ?? (ULTRAVOX_CODECS as readonly string[]).find((known) => known === key);
        if (codec === undefined) {
            throw invalid(
                `codecs[${index}] ${JSON.stringify(name)} is not a codec Ultravox accepts (G.722, G.722.1, G.722.2, Opus, PCMU, PCMA, iLBC).`,
                `codecs.${index}`,
            );
        }
        if (!out.includes(codec as UltravoxCodec)) out.push(codec as UltravoxCodec);
    });
    return out;
}

function resolveAgents(config: SipRouting, requested: readonly string[] | undefined): string[] {
    const known = [...new Set(config.allowedAgents.map((agent) => agent.agentId))];
    if (requested === undefined) return known;
    if (!Array.isArray(requested)) throw invalid("agents must be an array of agent ids.", "agents");
    const out: string[] = [];
    requested.forEach((agentId, index) => {
        const listed = known.includes(agentId);
        if (!listed && !(config.allowAllAgents && typeof agentId === "string" && UUID.test(agentId))) {
            throw invalid(
                `agents[${index}] ${JSON.stringify(agentId)} is not in allowedAgents${config.allowAllAgents ? " and is not a lowercase agent UUID" : " and allowAllAgents is off"}.`,
                `agents.${index}`,
            );
        }
        if (!out.includes(agentId)) out.push(agentId);
    });
    return out;
}

/** Why `agent_<agentId>` would not reach the agent under this config, if it would not. */
function routingWarnings(config: SipRouting, agentId: string): string[] {
    const toUser = `agent_${agentId}`;
    const decision = routeToUser(config, toUser);
    const warnings = decision.skipped.map(
        (entry) =>
            `${toUser}: allowedAgents[${entry.index}].toUserPattern cannot be evaluated faithfully here (${entry.problem}); if the service matches it, calls go to agent ${entry.agentId}.`,
    );
    if (decision.agentId === agentId) return warnings;
    if (decision.route === "agent") {
        warnings.push(
            `${toUser} reaches agent ${decision.agentId}, not ${agentId}: allowedAgents[${decision.matchedIndex}].toUserPattern matches it first.`,
        );
    } else {
        const outcome = decision.route === "fallback" ? "goes to the fallback handler" : "is rejected";
        warnings.push(
            `${toUser} matches no allowedAgents pattern and allowAllAgents does not apply: a call to it ${outcome}. Dial a To user that agent ${agentId}'s pattern matches.`,
        );
    }
    return warnings;
}

function resolveTrunk(config: SipRouting, options: TrunkOptions): ResolvedTrunk {
    const domain = checkDomain(config.domain);
    const transport = resolveTransport(options.transport);
    const codecs = resolveCodecs(options.codecs);
    const agentIds = resolveAgents(config, options.agents);
    return {
        domain,
        transport,
        codecs,
        agents: agentIds.map((agentId) => ({
            agentId,
            toUser: `agent_${agentId}`,
            uri: agentSipUri(agentId, domain, transport),
        })),
        warnings: agentIds.flatMap((agentId) => routingWarnings(config, agentId)),
    };
}

function transportParam(transport: SipTransport): string {
    return transport === "udp" ? "" : `;transport=${transport}`;
}

// ---- Asterisk ---------------------------------------------------------------------------

/** Asterisk's format names; G.722.2 (AMR-WB) has no built-in Asterisk codec. */
const ASTERISK_CODECS: Record<UltravoxCodec, string | undefined> = {
    pcmu: "ulaw",
    pcma: "alaw",
    g722: "g722",
    g7221: "siren7",
    g7222: undefined,
    opus: "opus",
    ilbc: "ilbc",
};

export interface AsteriskPjsipOptions extends TrunkOptions {
    /** The endpoint, aor and identify section name, used in dial strings. Default `ultravox`. */
    endpointName?: string;
    /** Dialplan context for calls from Ultravox. Default `from-ultravox`. */
    context?: string;
    /** A `type=transport` section defined elsewhere in pjsip.conf. Default `transport-<transport>`. */
    transportSection?: string;
    /**
     * Emit a `type=acl` section that denies all and permits these CIDRs. No default, so no ACL:
     * a pjsip ACL applies to all inbound SIP, every other peer and phone included.
     */
    aclCidrs?: readonly string[];
    /** Default `<endpointName>-acl`. */
    aclName?: string;
}

export interface AsteriskPjsip {
    /** pjsip.conf sections to include. */
    text: string;
    /** agent id → `PJSIP/agent_<id>@<endpointName>`. */
    dialStrings: Record<string, string>;
    warnings: string[];
}

function asteriskAcl(cidrs: readonly string[], name: string): string[] {
    const canonical = canonicalCidrs(cidrs);
    if (canonical.length === 0) {
        throw invalid(
            "aclCidrs is empty: an ACL permitting nothing would refuse every inbound SIP request.",
            "aclCidrs",
        );
    }
    return [
        "",
        "; Applies to all inbound SIP on this Asterisk, not just this trunk.",
        `[${name}]`,
        "type=acl",
        "deny=0.0.0.0/0.0.0.0",
        ...canonical.map((cidr) => `permit=${cidr}`),
    ];
}

/**
 * pjsip.conf sections for a trunk to the account's domain: an endpoint (codecs in Asterisk's
 * names: ulaw, alaw, g722, siren7 for G.722.1, opus, ilbc; G.722.2 is refused), an aor whose
 * contact is the domain, and an identify matching the domain's addresses (resolved when loaded).
 */
export function asteriskPjsip(config: SipRouting, options: AsteriskPjsipOptions = {}): AsteriskPjsip {
    const trunk = resolveTrunk(config, options);
    const endpoint = checkToken(options.endpointName ?? "ultravox", "endpointName");
    const context = checkToken(options.context ?? "from-ultravox", "context");
    const transportSection = checkToken(options.transportSection ?? `transport-${trunk.transport}`, "transportSection");
    const allow = trunk.codecs.map((codec) => {
        const name = ASTERISK_CODECS[codec];
        if (name === undefined) {
            throw invalid(
                `Asterisk has no built-in ${codec} (G.722.2 / AMR-WB) codec; leave it out of codecs.`,
                "codecs",
            );
        }
        return name;
    });
    const lines = [
        "; Generated by pulumi-ultravox: a trunk to the Ultravox SIP domain.",
        `; Needs a type=transport section named ${transportSection} elsewhere in pjsip.conf.`,
        `; Dial an agent with PJSIP/agent_<agent_id>@${endpoint}.`,
        "",
        `[${endpoint}]`,
        "type=endpoint",
        `transport=${transportSection}`,
        `context=${context}`,
        "disallow=all",
        `allow=${allow.join(",")}`,
        `aors=${endpoint}`,
        "direct_media=no",
        "",
        `[${endpoint}]`,
        "type=aor",
        `contact=sip:${trunk.domain}${transportParam(trunk.transport)}`,
        "",
        `[${endpoint}]`,
        "type=identify",
        `endpoint=${endpoint}`,
        `match=${trunk.domain}`,
    ];
    if (options.aclCidrs !== undefined) {
        lines.push(...asteriskAcl(options.aclCidrs, checkToken(options.aclName ?? `${endpoint}-acl`, "aclName")));
    }
    lines.push("");
    const dialStrings: Record<string, string> = {};
    for (const agent of trunk.agents) dialStrings[agent.agentId] = `PJSIP/${agent.toUser}@${endpoint}`;
    return { text: lines.join("\n"), dialStrings, warnings: trunk.warnings };
}

// ---- FreeSWITCH -------------------------------------------------------------------------

/** FreeSWITCH codec names (G.722.1 from mod_siren, AMR-WB from mod_amrwb, iLBC from mod_ilbc). */
const FREESWITCH_CODECS: Record<UltravoxCodec, string> = {
    pcmu: "PCMU",
    pcma: "PCMA",
    g722: "G722",
    g7221: "G7221@16000h",
    g7222: "AMR-WB",
    opus: "opus",
    ilbc: "iLBC",
};

export function escapeXml(text: string): string {
    return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export interface FreeswitchGatewayOptions extends TrunkOptions {
    /** Default `ultravox`; dial with `sofia/gateway/<gatewayName>/agent_<id>`. */
    gatewayName?: string;
    /** Send the caller's number as the From user. Default true. */
    callerIdInFrom?: boolean;
    /** Default `ultravox`. */
    aclName?: string;
    /**
     * The ACL's allowed CIDRs. Default `config.allowedCidrRanges`: the addresses your config lets
     * call Ultravox (your own PBXs and SBCs), not Ultravox's, which are not published.
     */
    aclCidrs?: readonly string[];
}

export interface FreeswitchGateway {
    /** For sip_profiles/<profile>/ultravox.xml, inside the profile's `<gateways>`. */
    gatewayXml: string;
    /** For an X-PRE-PROCESS include inside acl.conf.xml's `<network-lists>`. */
    aclXml: string;
    /** agent id → `sofia/gateway/<gatewayName>/agent_<id>`. */
    dialStrings: Record<string, string>;
    warnings: string[];
}

/**
 * A gateway without registration to the domain. The transport is set with `register-transport`,
 * which FreeSWITCH also uses for calls through the gateway (TLS needs TLS on the profile). Codecs
 * go in the gateway's outbound `absolute_codec_string`.
 */
export function freeswitchGateway(config: SipRouting, options: FreeswitchGatewayOptions = {}): FreeswitchGateway {
    const trunk = resolveTrunk(config, options);
    const gateway = checkToken(options.gatewayName ?? "ultravox", "gatewayName");
    const aclName = checkToken(options.aclName ?? "ultravox", "aclName");
    const aclCidrs = canonicalCidrs(options.aclCidrs ?? config.allowedCidrRanges);
    const param = (name: string, value: string) => `    <param name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
    const gatewayXml = [
        "<include>",
        "  <!-- Generated by pulumi-ultravox: a gateway to the Ultravox SIP domain, without registration. -->",
        `  <gateway name="${escapeXml(gateway)}">`,
        param("proxy", trunk.domain),
        param("realm", trunk.domain),
        param("register", "false"),
        param("caller-id-in-from", options.callerIdInFrom === false ? "false" : "true"),
        param("register-transport", trunk.transport),
        "    <variables>",
        `      <variable name="absolute_codec_string" value="${escapeXml(trunk.codecs.map((codec) => FREESWITCH_CODECS[codec]).join(","))}" direction="outbound"/>`,
        "    </variables>",
        "  </gateway>",
        "</include>",
        "",
    ].join("\n");
    const aclXml = [
        "<include>",
        "  <!-- Generated by pulumi-ultravox. Takes effect only where referenced (apply-inbound-acl). -->",
        `  <list name="${escapeXml(aclName)}" default="deny">`,
        ...aclCidrs.map((cidr) => `    <node type="allow" cidr="${escapeXml(cidr)}"/>`),
        "  </list>",
        "</include>",
        "",
    ].join("\n");
    const dialStrings: Record<string, string> = {};
    for (const agent of trunk.agents) dialStrings[agent.agentId] = `sofia/gateway/${gateway}/${agent.toUser}`;
    return { gatewayXml, aclXml, dialStrings, warnings: trunk.warnings };
}

// ---- Kamailio ---------------------------------------------------------------------------

export interface KamailioDispatcherOptions extends TrunkOptions {
    /** Default 1. */
    setId?: number;
    /** Default 0. 16 skips resolving the domain when the list is loaded. */
    flags?: number;
    /** Default 0. */
    priority?: number;
    /** The attributes column (`duid=ultravox;maxload=50`, ...), no spaces. Default none. */
    attrs?: string;
}

function checkInteger(value: number, name: string, min: number, max: number): number {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw invalid(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`, name);
    }
    return value;
}

/**
 * A dispatcher list (`ds_list_file`) with the domain as the one destination of a set:
 * `setid destination flags priority [attrs]`. Kamailio resolves the domain when it loads the list
 * unless flags has 16; the agent is chosen by the request URI's user (`agent_<id>`).
 */
export function kamailioDispatcher(config: SipRouting, options: KamailioDispatcherOptions = {}): string {
    const trunk = resolveTrunk(config, options);
    const setId = checkInteger(options.setId ?? 1, "setId", 0, 2 ** 31 - 1);
    const flags = checkInteger(options.flags ?? 0, "flags", 0, 2 ** 31 - 1);
    const priority = checkInteger(options.priority ?? 0, "priority", 0, 2 ** 31 - 1);
    if (options.attrs !== undefined && (typeof options.attrs !== "string" || !/^[^\s#]+$/.test(options.attrs))) {
        throw invalid(`attrs ${JSON.stringify(options.attrs)} must be one token without spaces or "#".`, "attrs");
    }
    const columns = [setId, `sip:${trunk.domain}${transportParam(trunk.transport)}`, flags, priority];
    if (options.attrs !== undefined) columns.push(options.attrs);
    return [
        "# Generated by pulumi-ultravox: the Ultravox SIP domain as a dispatcher destination.",
        "# setid destination flags priority attrs",
        columns.join(" "),
        "",
    ].join("\n");
}

export interface KamailioPermissionsOptions {
    /** Default 1 (what allow_source_address() checks without an argument). */
    groupId?: number;
    /** Default 0, any port. */
    port?: number;
    /** Set in peer_tag_avp on a match. Default none. */
    tag?: string;
    /** Default false. */
    aggregate?: boolean;
}

/**
 * An address file for the permissions module (`address_file`): `grp ip_addr mask port [tag]`,
 * one line per CIDR. A /0 is refused: the module reads mask 0 as /32.
 */
export function kamailioPermissionsAddress(cidrs: readonly string[], options: KamailioPermissionsOptions = {}): string {
    const groupId = checkInteger(options.groupId ?? 1, "groupId", 1, 2 ** 31 - 1);
    const port = checkInteger(options.port ?? 0, "port", 0, 65535);
    if (options.tag !== undefined && (typeof options.tag !== "string" || !/^[^\s#]+$/.test(options.tag))) {
        throw invalid(`tag ${JSON.stringify(options.tag)} must be one token without spaces or "#".`, "tag");
    }
    const canonical = canonicalCidrs(cidrs);
    const list = options.aggregate ? aggregateCidrs(canonical) : canonical;
    const lines = list.map((cidr) => {
        const parsed = parseCidr(cidr);
        if (!parsed || parsed.prefix === 0) {
            throw invalid(`${cidr}: Kamailio reads mask 0 as /32; split it into 0.0.0.0/1 and 128.0.0.0/1.`, "cidrs");
        }
        const columns = [groupId, formatIpv4(parsed.network), parsed.prefix, port];
        if (options.tag !== undefined) columns.push(options.tag);
        return columns.join(" ");
    });
    return ["# Generated by pulumi-ultravox: grp ip_addr mask port tag", ...lines, ""].join("\n");
}

// ---- Carriers ---------------------------------------------------------------------------

export interface CarrierTrunkUris {
    /** `sip:<domain>` plus `;transport=` unless UDP: the URI to give a carrier. */
    originationUri: string;
    agents: { agentId: string; uri: string }[];
    notes: { twilio: string; telnyx: string };
    warnings: string[];
}

/** URIs and notes for carrier trunks (Twilio Elastic SIP Trunking, Telnyx) pointing at the account. */
export function carrierTrunkUris(config: SipRouting, options: TrunkOptions = {}): CarrierTrunkUris {
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
