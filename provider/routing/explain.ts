/**
 * Explains what Ultravox does with an incoming SIP call under a given config: the source IP
 * first, then the To user's route (see route.ts).
 */
import { firstContaining, parseIpv4 } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { quote } from "../core/quote";
import { hasFallbackHandler, type SipRouting } from "../core/types";
import { type InboundRoute, routeToUser, type SkippedPattern, type ToUserRoute } from "./route";

/** The call to explain: where the INVITE comes from and whom it is for. */
export interface InboundCall {
    /** The IPv4 address the INVITE comes from. */
    sourceIp: string;
    /** The user part of the To URI (`agent_<id>`, a number, ...). */
    toUser: string;
}

/** What Ultravox does with the call, and why, in words that name the config entries that decided. */
export interface InboundCallExplanation {
    /** False also for route "unknown": acceptance cannot be told, see the warnings. */
    accepted: boolean;
    route: InboundRoute;
    agentId?: string;
    reason: string;
    /** Patterns that could not be evaluated faithfully before the decision, and input caveats. */
    warnings: string[];
}

function describeSkipped(skipped: readonly SkippedPattern[]): string {
    return skipped
        .map(
            (entry) =>
                ` Uncertain: allowedAgents[${entry.index}].toUserPattern (agent ${entry.agentId}) cannot be evaluated faithfully here and was skipped; if the service matches it, the call goes to agent ${entry.agentId} instead.`,
        )
        .join("");
}

function unmatchedReason(config: SipRouting, toUser: string, route: ToUserRoute["route"]): string {
    const patterns =
        config.allowedAgents.length === 0 ? "there are no allowedAgents" : "no allowedAgents pattern matches";
    const wildcard = config.allowAllAgents
        ? "allowAllAgents is on but the To user is not agent_<agent_id>"
        : "allowAllAgents is off";
    const start = `To user ${JSON.stringify(toUser)}: ${patterns} and ${wildcard}`;
    return route === "fallback"
        ? `${start}, so the fallback handler is called and decides: it may start an agent call, start a call or still reject it.`
        : `${start}, and no fallback handler is set: the call is rejected.`;
}

/**
 * The call checked on its own, before any config is read: `invalid_input` for a source that is not
 * an IPv4 address or an empty To user. Returns the source as an address.
 */
export function checkInboundCall(call: InboundCall): number {
    const { sourceIp, toUser } = call ?? ({} as InboundCall);
    const address = parseIpv4(sourceIp);
    if (address === undefined) {
        throw new UltravoxError(
            "invalid_input",
            `sourceIp ${quote(sourceIp)} is not an IPv4 address such as "203.0.113.7".`,
            { issues: ["sourceIp"] },
        );
    }
    if (typeof toUser !== "string" || toUser.length === 0) {
        throw new UltravoxError("invalid_input", "toUser must be a non-empty string (the To URI's user part).", {
            issues: ["toUser"],
        });
    }
    return address;
}

/**
 * What Ultravox does with a call from `sourceIp` to `toUser` under `config`. Throws
 * `invalid_input` for a source that is not an IPv4 address or an empty To user.
 */
export function explainInboundCall(config: SipRouting, call: InboundCall): InboundCallExplanation {
    const address = checkInboundCall(call);
    const { sourceIp, toUser } = call;
    const range = firstContaining(config.allowedCidrRanges, address);
    if (range === undefined) {
        const detail =
            config.allowedCidrRanges.length === 0
                ? "allowedCidrRanges is empty, so no call is accepted by source address (SIP registration is the other way in)"
                : `none of the ${config.allowedCidrRanges.length} ranges in allowedCidrRanges contains it`;
        return {
            accepted: false,
            route: "rejected",
            reason: `Source IP ${sourceIp} is not allowed: ${detail}.`,
            warnings: [],
        };
    }

    const decision = routeToUser(config, toUser);
    const warnings = decision.skipped.map(
        (entry) => `allowedAgents[${entry.index}].toUserPattern (agent ${entry.agentId}): ${entry.problem}.`,
    );
    if (/[^\x20-\x7e]/.test(toUser)) {
        warnings.push(
            "The To user has non-ASCII or control characters: Python and JavaScript may classify them differently (\\d, \\w, \\s, \\b, ., $).",
        );
    }
    const source = `Source IP ${sourceIp} is in ${range}.`;
    const uncertain = describeSkipped(decision.skipped);
    if (decision.route === "unknown") {
        const where = `allowedAgents[${decision.matchedIndex}].toUserPattern (agent ${decision.agentId})`;
        warnings.unshift(`${where} ${decision.problem}.`);
        return {
            accepted: false,
            route: "unknown",
            ...(decision.agentId === undefined ? {} : { agentId: decision.agentId }),
            reason: `${source} Where the call to To user ${JSON.stringify(toUser)} goes is unknown: ${where} cannot be evaluated in bounded time here, and whether it matches decides between agent ${decision.agentId} and the later steps.${uncertain}`,
            warnings,
        };
    }
    if (decision.route === "agent" && decision.agentId !== undefined) {
        const pattern = config.allowedAgents[decision.matchedIndex ?? 0]?.toUserPattern ?? "";
        return {
            accepted: true,
            route: "agent",
            agentId: decision.agentId,
            reason: `${source} To user ${JSON.stringify(toUser)} matches allowedAgents[${decision.matchedIndex}].toUserPattern ${JSON.stringify(pattern)}, the first match: the call goes to agent ${decision.agentId}.${uncertain}`,
            warnings,
        };
    }
    if (decision.route === "allowAllAgents" && decision.agentId !== undefined) {
        const patterns =
            config.allowedAgents.length === 0 ? "There are no allowedAgents" : "No allowedAgents pattern matches";
        return {
            accepted: true,
            route: "allowAllAgents",
            agentId: decision.agentId,
            reason: `${source} ${patterns}, but allowAllAgents is on and the To user is agent_<agent_id>: the call goes to agent ${decision.agentId} if that agent exists in the account, which the SIP config alone cannot tell (if it does not, ${hasFallbackHandler(config) ? "the fallback handler decides" : "the call is rejected"}).${uncertain}`,
            warnings,
        };
    }
    return {
        accepted: decision.route === "fallback",
        route: decision.route,
        reason: `${source} ${unmatchedReason(config, toUser, decision.route)}${uncertain}`,
        warnings,
    };
}
