/** `show`: the config as a table or JSON, fallback secrets masked. */
import type { SipConfigData } from "../core/types";
import { agentDialTargets } from "../routing/dial";
import { printableValue } from "./terminal";

function mask(secret: string): string {
    return `******** (${secret.length} chars)`;
}

export function masked(config: SipConfigData): SipConfigData {
    return config.fallbackHandler
        ? {
              ...config,
              fallbackHandler: { ...config.fallbackHandler, secrets: config.fallbackHandler.secrets.map(mask) },
          }
        : config;
}

export function table(config: SipConfigData & { otherCidrRanges?: string[] }): string {
    const others = config.otherCidrRanges ?? [];
    const rows: [string, string][] = [
        ["domain", config.domain],
        [
            "allowedCidrRanges",
            config.allowedCidrRanges.join(", ") ||
                (others.length > 0 ? "(no IPv4 CIDRs)" : "(none: no calls are accepted by IP)"),
        ],
        // Entries set elsewhere that this package cannot use: shown, flagged, removable with disallow.
        ...others.map((entry): [string, string] => [
            "  not IPv4",
            `${entry} (the service may not honour it; \`disallow ${entry}\` removes it)`,
        ]),
        ["allowAllAgents", String(config.allowAllAgents)],
    ];
    agentDialTargets(config).forEach((agent, index) => {
        rows.push([`agent ${index + 1}`, agent.agentId]);
        // sip:agent_<id> only where it reaches this agent; else the pattern a To user must match.
        rows.push(["  dial", agent.uri ?? `a To user matching ${agent.toUserPattern} (${agent.note})`]);
        rows.push(["  toUserPattern", agent.toUserPattern]);
    });
    if (config.allowedAgents.length === 0) rows.push(["allowedAgents", "(none)"]);
    rows.push(["fallbackHandler", config.fallbackHandler?.url ?? "null"]);
    for (const secret of config.fallbackHandler?.secrets ?? []) rows.push(["  secret", mask(secret)]);
    rows.push(["fingerprint", config.fingerprint]);
    const width = Math.max(...rows.map(([key]) => key.length));
    // Values come from the API: one line each, whatever they hold.
    return `${rows.map(([key, value]) => `${key.padEnd(width)}  ${printableValue(value)}`).join("\n")}\n`;
}

export function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}
