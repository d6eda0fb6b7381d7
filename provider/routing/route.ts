/**
 * The routing decision on the To user, in the order of the telephony guide: `allowedAgents`
 * patterns in order, then `allowAllAgents`, then the fallback handler, else rejection.
 *
 * A pattern is taken as searched in the To user (Python `re.search`, JavaScript `RegExp.test`):
 * the service's call (search or match) is not published, and the default `^agent_<id>$` is
 * anchored, so both agree on it.
 */
import { agentIdOfToUser } from "../core/sip";
import { hasFallbackHandler, type SipRouting } from "../core/types";
import { patternVerdict } from "./pattern";

/**
 * Where a call goes: a listed agent, an agent by `allowAllAgents`, the fallback handler, or
 * nowhere; `unknown` when a pattern consulted before the decision cannot be evaluated in bounded
 * time, so that whether it matches (and so where the call goes) cannot be told.
 */
export type InboundRoute = "agent" | "allowAllAgents" | "fallback" | "rejected" | "unknown";

/** A pattern consulted before the decision but skipped because it cannot be evaluated faithfully. */
export interface SkippedPattern {
    index: number;
    agentId: string;
    problem: string;
}

/** The routing decision on the To user alone (the source IP not considered). */
export interface ToUserRoute {
    route: InboundRoute;
    /** For route "unknown": the agent of the pattern that could not be evaluated. */
    agentId?: string;
    /** The index in `allowedAgents` of the pattern that matched (route "agent") or could not be evaluated (route "unknown"). */
    matchedIndex?: number;
    /** For route "unknown": why the pattern could not be evaluated. */
    problem?: string;
    skipped: SkippedPattern[];
}

/** Steps 2 to 5 of the routing: patterns in order, allowAllAgents, fallback, rejection. */
export function routeToUser(config: SipRouting, toUser: string): ToUserRoute {
    const skipped: SkippedPattern[] = [];
    for (const [index, agent] of config.allowedAgents.entries()) {
        const verdict = patternVerdict(agent.toUserPattern);
        if (verdict.kind === "divergent") {
            skipped.push({ index, agentId: agent.agentId, problem: verdict.problem });
            continue;
        }
        if (verdict.kind === "unsafe") {
            // Every later step depends on whether this pattern matches: no guess.
            return { route: "unknown", agentId: agent.agentId, matchedIndex: index, problem: verdict.problem, skipped };
        }
        if (verdict.test(toUser)) {
            return { route: "agent", agentId: agent.agentId, matchedIndex: index, skipped };
        }
    }
    const wildcard = config.allowAllAgents ? agentIdOfToUser(toUser) : undefined;
    if (wildcard) return { route: "allowAllAgents", agentId: wildcard, skipped };
    return { route: hasFallbackHandler(config) ? "fallback" : "rejected", skipped };
}
