/** What happens to a call, as a function. */
import { explainInboundCall, type InboundCall } from "../../routing/explain";
import {
    type Args,
    boolean,
    describedAs,
    list,
    object,
    type PackageFunction,
    ROUTING,
    type RoutingValues,
    routingAndOptions,
    string,
    TYPE_PREFIX,
    WARNINGS,
} from "./spec";

export const routingFunctions: Record<string, PackageFunction> = {
    [`${TYPE_PREFIX}explainInboundCall`]: describedAs<Omit<RoutingValues, "domain"> & InboundCall>()({
        description:
            "What Ultravox does with a call from `sourceIp` to `toUser` under the config, and why (the TypeScript `explainInboundCall`).",
        inputs: object(
            {
                allowedCidrRanges: list(string(), "The read's `allowedCidrRanges`."),
                allowedAgents: ROUTING.allowedAgents,
                allowAllAgents: ROUTING.allowAllAgents,
                fallbackHandlerUrl: ROUTING.fallbackHandlerUrl,
                sourceIp: string("The IPv4 address the INVITE comes from."),
                toUser: string("The user part of the To URI (`agent_<id>`, a number, ...)."),
            },
            ["allowedCidrRanges", "allowedAgents", "allowAllAgents", "sourceIp", "toUser"],
        ),
        outputs: object(
            {
                accepted: boolean('False also for route "unknown": acceptance cannot be told, see the warnings.'),
                route: string('"agent", "allowAllAgents", "fallback", "rejected" or "unknown".'),
                agentId: string("The agent the call goes to, when there is one."),
                reason: string("Why, naming the config entries that decided."),
                warnings: WARNINGS,
            },
            ["accepted", "route", "reason", "warnings"],
        ),
        run(args: Args) {
            const { sourceIp, toUser, ...routing } = args;
            // explainInboundCall reads no domain.
            const { config } = routingAndOptions({ ...routing, domain: "" });
            return explainInboundCall(config, { sourceIp, toUser } as { sourceIp: string; toUser: string });
        },
    }),
};
