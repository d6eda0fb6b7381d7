/**
 * How to dial each listed agent under a config: `sip:agent_<id>@<domain>` only when that To
 * user certainly routes to the agent (as `explainInboundCall` decides it); otherwise the
 * agent's own `toUserPattern`, which a To user must match to reach it.
 */
import { agentSipUri, agentToUser, type SipTransport } from "../core/sip";
import type { SipRouting } from "../core/types";
import { routeToUser } from "./route";

/** One listed agent and how a call reaches it. */
export interface AgentDialTarget {
    agentId: string;
    /** `sip:agent_<agentId>@<domain>` when that To user reaches this agent under the config; else null. */
    uri: string | null;
    /** The agent's pattern: when `uri` is null, dial a To user it matches. */
    toUserPattern: string;
    /** Why `uri` is null and what to dial instead; null when `uri` is set. */
    note: string | null;
}

/**
 * Whether a call to `agent_<agentId>` certainly reaches that agent under the service's rules
 * (Python `re`), and if not, why. Certain only when the decision is that agent's and no pattern
 * before it had to be skipped: every surface that offers an address (the dial targets, the
 * trunk renderers' dial strings, `show`) asks this, and `explainInboundCall` decides the same way.
 */
export function agentRouteCertainty(
    config: SipRouting,
    agentId: string,
): { certain: true } | { certain: false; why: string } {
    const toUser = agentToUser(agentId);
    const decision = routeToUser(config, toUser);
    const pattern = (index: number | undefined) =>
        `allowedAgents[${index}].toUserPattern ${JSON.stringify(config.allowedAgents[index ?? -1]?.toUserPattern ?? "")}`;
    if (decision.route === "unknown") {
        return {
            certain: false,
            why: `whether ${toUser} reaches agent ${agentId} cannot be told: ${pattern(decision.matchedIndex)} (agent ${decision.agentId}) ${decision.problem}`,
        };
    }
    if (decision.agentId !== agentId) {
        const instead =
            decision.route === "agent" || decision.route === "allowAllAgents"
                ? `reaches agent ${decision.agentId}`
                : decision.route === "fallback"
                  ? "goes to the fallback handler"
                  : "is rejected";
        return { certain: false, why: `${toUser} ${instead}` };
    }
    const [skipped] = decision.skipped;
    if (skipped !== undefined) {
        return {
            certain: false,
            why: `${toUser} may not reach agent ${agentId}: ${pattern(skipped.index)} (agent ${skipped.agentId}) comes first and cannot be evaluated faithfully here (${skipped.problem}); if the service matches it, the call goes to agent ${skipped.agentId}`,
        };
    }
    return { certain: true };
}

/** For each agent in `allowedAgents` (in order): its `sip:agent_<id>@<domain>` address if it certainly routes there, else what to dial. */
export function agentDialTargets(config: SipRouting, options: { transport?: SipTransport } = {}): AgentDialTarget[] {
    return config.allowedAgents.map(({ agentId, toUserPattern }) => {
        const route = agentRouteCertainty(config, agentId);
        if (route.certain) {
            return { agentId, uri: agentSipUri(agentId, config.domain, options.transport), toUserPattern, note: null };
        }
        return {
            agentId,
            uri: null,
            toUserPattern,
            note: `${route.why}: dial a To user matching ${toUserPattern} at ${config.domain}.`,
        };
    });
}
