/**
 * PBX and carrier configuration for sending calls to an Ultravox account's SIP domain:
 * Asterisk (pjsip.conf), FreeSWITCH (gateway and ACL XML), Kamailio (dispatcher and permissions
 * lists) and carrier origination URIs. Pure text and plain objects; nothing is read or sent.
 *
 * Each agent is dialled as `sip:agent_<agentId>@<domain>`. That To user reaches the agent only if
 * the first `allowedAgents` pattern it matches is the agent's own (or `allowAllAgents` applies):
 * an agent gets an address (a dial string) only where that is certain, and `warnings` say why
 * for the others.
 */
import { isHostName } from "../../core/hostName";
import { quote } from "../../core/quote";
import {
    agentSipUri,
    agentToUser,
    isLowercaseAgentId,
    isSipTransport,
    normalizeAgentId,
    type SipTransport,
} from "../../core/sip";
import type { SipRouting } from "../../core/types";
import { agentRouteCertainty } from "../../routing/dial";
import { routeToUser } from "../../routing/route";
import { invalidInput } from "../inputs";
import type { Rendered } from "../rendered";

/** What every trunk renderer takes: which agents to write addresses for, and the transport. */
export interface TrunkOptions {
    /** Agent ids to produce addresses for. Default: every `allowedAgents` entry, in order. */
    agents?: readonly string[];
    /** Default `udp`, Ultravox's default. */
    transport?: SipTransport;
}

/** For the renderers that write a codec list (Asterisk, FreeSWITCH). */
export interface CodecOptions {
    /** In order of preference; case, dots and dashes ignored (`G.722.1` = `g7221`), `ulaw`/`alaw` accepted. Default `DEFAULT_CODECS`. */
    codecs?: readonly string[];
}

/** How to reach one agent through the trunk. */
export interface AgentAddress {
    agentId: string;
    /** `agent_<agentId>`, the To user that selects the agent. */
    toUser: string;
    /** `sip:agent_<agentId>@<domain>` plus `;transport=` unless UDP. */
    uri: string;
}

export interface ResolvedTrunk extends Rendered {
    domain: string;
    transport: SipTransport;
    agents: AgentAddress[];
}

function checkDomain(domain: unknown): string {
    if (!isHostName(domain)) {
        throw invalidInput(`The SIP domain ${quote(domain)} is not a host name; nothing was generated.`, "domain");
    }
    return domain;
}

function resolveTransport(transport: unknown): SipTransport {
    const chosen = transport ?? "udp";
    if (!isSipTransport(chosen)) {
        throw invalidInput(`transport must be "udp", "tcp" or "tls", got ${quote(transport)}.`, "transport");
    }
    return chosen;
}

function resolveAgents(config: SipRouting, requested: readonly string[] | undefined): string[] {
    const known = [...new Set(config.allowedAgents.map((agent) => normalizeAgentId(agent.agentId)))];
    if (requested === undefined) return known;
    if (!Array.isArray(requested)) throw invalidInput("agents must be an array of agent ids.", "agents");
    const out: string[] = [];
    requested.forEach((given, index) => {
        const agentId = normalizeAgentId(given);
        const listed = known.includes(agentId);
        if (!listed && !(config.allowAllAgents && isLowercaseAgentId(agentId))) {
            throw invalidInput(
                `agents[${index}] ${quote(given)} is not in allowedAgents${config.allowAllAgents ? " and is not a lowercase agent UUID" : " and allowAllAgents is off"}.`,
                `agents.${index}`,
            );
        }
        if (!out.includes(agentId)) out.push(agentId);
    });
    return out;
}

/**
 * Why an agent's `agent_<agentId>` address would not reach it under this config, for each agent
 * that has such a reason. A pattern that cannot be evaluated here is said once, however many
 * addresses it was skipped for.
 */
function routingWarnings(config: SipRouting, agentIds: readonly string[]): string[] {
    const warnings = new Set<string>();
    for (const agentId of agentIds) {
        const toUser = agentToUser(agentId);
        const decision = routeToUser(config, toUser);
        for (const entry of decision.skipped) {
            warnings.add(
                `allowedAgents[${entry.index}].toUserPattern (agent ${entry.agentId}) cannot be evaluated faithfully here (${entry.problem}), so the agents' addresses were routed as if it matched none of them; if the service matches one, that call goes to agent ${entry.agentId}.`,
            );
        }
        if (decision.route === "unknown") {
            warnings.add(
                `Whether a call to ${toUser} reaches agent ${agentId} is unknown: allowedAgents[${decision.matchedIndex}].toUserPattern (agent ${decision.agentId}) ${decision.problem}.`,
            );
        } else if (decision.route === "agent" && decision.agentId !== agentId) {
            warnings.add(
                `${toUser} reaches agent ${decision.agentId}, not ${agentId}: allowedAgents[${decision.matchedIndex}].toUserPattern matches it first.`,
            );
        } else if (decision.route === "fallback" || decision.route === "rejected") {
            const outcome = decision.route === "fallback" ? "goes to the fallback handler" : "is rejected";
            warnings.add(
                `${toUser} matches no allowedAgents pattern and allowAllAgents does not apply: a call to it ${outcome}. Dial a To user that agent ${agentId}'s pattern matches.`,
            );
        }
    }
    return [...warnings];
}

/** The domain, transport and agent addresses every PBX generator writes, checked once, with the routing warnings. */
export function resolveTrunk(config: SipRouting, options: TrunkOptions): ResolvedTrunk {
    const domain = checkDomain(config.domain);
    const transport = resolveTransport(options.transport);
    const agentIds = resolveAgents(config, options.agents);
    return {
        domain,
        transport,
        // An address only where it certainly reaches its agent; the warnings say why for the others.
        agents: agentIds
            .filter((agentId) => agentRouteCertainty(config, agentId).certain)
            .map((agentId) => ({
                agentId,
                toUser: agentToUser(agentId),
                uri: agentSipUri(agentId, domain, transport),
            })),
        warnings: routingWarnings(config, agentIds),
    };
}
