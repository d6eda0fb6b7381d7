/**
 * How to dial each listed agent under a config: `sip:agent_<id>@<domain>` only when that To
 * user really routes to the agent (as `explainInboundCall` decides it); otherwise the
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

/** For each agent in `allowedAgents` (in order): its `sip:agent_<id>@<domain>` address if it routes there, else what to dial. */
export function agentDialTargets(config: SipRouting, options: { transport?: SipTransport } = {}): AgentDialTarget[] {
    return config.allowedAgents.map(({ agentId, toUserPattern }) => {
        const toUser = agentToUser(agentId);
        const decision = routeToUser(config, toUser);
        if (decision.agentId === agentId) {
            return { agentId, uri: agentSipUri(agentId, config.domain, options.transport), toUserPattern, note: null };
        }
        const instead =
            decision.route === "agent" || decision.route === "allowAllAgents"
                ? `reaches agent ${decision.agentId}`
                : decision.route === "fallback"
                  ? "goes to the fallback handler"
                  : "is rejected";
        return {
            agentId,
            uri: null,
            toUserPattern,
            note: `${toUser} ${instead}: dial a To user matching ${toUserPattern} at ${config.domain}.`,
        };
    });
}
