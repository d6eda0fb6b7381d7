#!/usr/bin/env node
/**
 * pulumi-ultravox: the SIP config from a shell, with the data source's settings and errors.
 * Exit codes: 0 ok (check: accepted), 1 check: rejected, 2 usage, 3 an UltravoxError.
 */
import { parseArgs } from "node:util";
import { clientFromSources, type UltravoxClient } from "../api/client";
import { aggregateCidrs, canonicalCidrs } from "../core/cidr";
import { isUltravoxError, type UltravoxError } from "../core/errors";
import { agentSipUri } from "../core/sip";
import type { SipConfigData } from "../core/types";
import { awsSecurityGroupIngress } from "../render/firewall/aws";
import { azureNsgSecurityRules } from "../render/firewall/azure";
import { gcpFirewallRules } from "../render/firewall/gcp";
import { nftablesRuleset } from "../render/firewall/nftables";
import type { FirewallOptions } from "../render/firewall/rules";
import { asteriskPjsip } from "../render/pbx/asterisk";
import { carrierTrunkUris } from "../render/pbx/carrier";
import { freeswitchGateway } from "../render/pbx/freeswitch";
import { kamailioDispatcher, kamailioPermissionsAddress } from "../render/pbx/kamailio";
import type { SipTransport, TrunkOptions } from "../render/pbx/trunk";
import { explainInboundCall } from "../routing/explain";

const RENDER_TARGETS = [
    "asterisk",
    "freeswitch",
    "freeswitch-acl",
    "kamailio-dispatcher",
    "kamailio-address",
    "nftables",
    "aws",
    "gcp",
    "azure",
    "carrier",
] as const;
type RenderTarget = (typeof RENDER_TARGETS)[number];

const USAGE = `Usage: pulumi-ultravox <command> [options]

Reads the Ultravox account's SIP config (the same settings and errors as the Pulumi data source).

Commands:
  show [--json]                     the config as a table (secrets masked), or as JSON
  render <target>                   a PBX or firewall definition; targets:
                                    ${RENDER_TARGETS.join(", ")}
  check --from <ip> --to <user>     how Ultravox would route an inbound call (exit 0 accepted, 1 rejected)
  allow <cidr>                      add a CIDR to allowedCidrRanges (PATCH /api/sip)
  disallow <cidr>                   remove a CIDR from allowedCidrRanges

Options:
  --base-url <url>                  default ULTRAVOX_BASE_URL, then https://api.ultravox.ai
  --timeout-ms <n>                  the whole call, retries included (default 30000)
  --json                            JSON output (show, render of firewall targets, check)
  --agents <id,id>                  render: agents to include (default: all allowedAgents)
  --transport <udp|tcp|tls>         render: SIP transport (default udp)
  --codecs <list>                   render: pcmu,pcma,g722,g7221,g7222,opus,ilbc (default pcmu,pcma,g722,opus)
  --rtp <from-to>                   render firewalls: also open this RTP port range (no default)
  --aggregate                       render firewalls: merge adjacent CIDRs (off: diffs stay predictable)
  -h, --help                        this help

The API key comes from ULTRAVOX_API_KEY only: a key on the command line would be kept in
shell history and shown by ps.
Exit codes: 0 ok, 1 check rejected, 2 usage error, 3 API, network or config error.
`;

class UsageError extends Error {}

function parse(argv: string[]) {
    return parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            "base-url": { type: "string" },
            "timeout-ms": { type: "string" },
            json: { type: "boolean", default: false },
            agents: { type: "string" },
            transport: { type: "string" },
            codecs: { type: "string" },
            rtp: { type: "string" },
            aggregate: { type: "boolean", default: false },
            from: { type: "string" },
            to: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
}
type Options = ReturnType<typeof parse>["values"];

function clientFrom(options: Options): UltravoxClient {
    return clientFromSources(
        { args: { baseUrl: options["base-url"] }, env: process.env },
        {
            timeoutMs: options["timeout-ms"] === undefined ? undefined : Number(options["timeout-ms"]),
            onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
        },
    );
}

function list(text: string | undefined): string[] | undefined {
    return text
        ?.split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function trunkOptions(options: Options): TrunkOptions {
    const trunk: TrunkOptions = {};
    const agents = list(options.agents);
    const codecs = list(options.codecs);
    if (agents) trunk.agents = agents;
    if (codecs) trunk.codecs = codecs;
    if (options.transport !== undefined) {
        if (!["udp", "tcp", "tls"].includes(options.transport))
            throw new UsageError("--transport must be udp, tcp or tls.");
        trunk.transport = options.transport as SipTransport;
    }
    return trunk;
}

function firewallOptions(options: Options): FirewallOptions {
    const firewall: FirewallOptions = { aggregate: options.aggregate };
    if (options.rtp !== undefined) {
        const match = /^(\d+)-(\d+)$/.exec(options.rtp);
        if (!match) throw new UsageError("--rtp must look like 10000-20000.");
        firewall.rtp = { from: Number(match[1]), to: Number(match[2]) };
    }
    return firewall;
}

function mask(secret: string): string {
    return `******** (${secret.length} chars)`;
}

function masked(config: SipConfigData): SipConfigData {
    return config.fallbackHandler
        ? {
              ...config,
              fallbackHandler: { ...config.fallbackHandler, secrets: config.fallbackHandler.secrets.map(mask) },
          }
        : config;
}

function table(config: SipConfigData): string {
    const rows: [string, string][] = [
        ["domain", config.domain],
        ["allowedCidrRanges", config.allowedCidrRanges.join(", ") || "(none: no calls are accepted by IP)"],
        ["allowAllAgents", String(config.allowAllAgents)],
    ];
    config.allowedAgents.forEach((agent, index) => {
        rows.push([`agent ${index + 1}`, agent.agentId]);
        rows.push(["  dial", agentSipUri(agent.agentId, config.domain)]);
        rows.push(["  toUserPattern", agent.toUserPattern]);
    });
    if (config.allowedAgents.length === 0) rows.push(["allowedAgents", "(none)"]);
    rows.push(["fallbackHandler", config.fallbackHandler?.url ?? "null"]);
    for (const secret of config.fallbackHandler?.secrets ?? []) rows.push(["  secret", mask(secret)]);
    rows.push(["fingerprint", config.fingerprint]);
    const width = Math.max(...rows.map(([key]) => key.length));
    return `${rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join("\n")}\n`;
}

function json(value: unknown): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

function render(target: string | undefined, config: SipConfigData, options: Options): string {
    if (!target || !(RENDER_TARGETS as readonly string[]).includes(target)) {
        throw new UsageError(`render needs a target: ${RENDER_TARGETS.join(", ")}.`);
    }
    const cidrs = config.allowedCidrRanges;
    const warn = (warnings: string[]) => {
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    };
    switch (target as RenderTarget) {
        case "asterisk": {
            const result = asteriskPjsip(config, trunkOptions(options));
            warn(result.warnings);
            return result.text;
        }
        case "freeswitch":
        case "freeswitch-acl": {
            const result = freeswitchGateway(config, { ...trunkOptions(options), aclCidrs: cidrs });
            warn(result.warnings);
            return target === "freeswitch" ? result.gatewayXml : result.aclXml;
        }
        case "kamailio-dispatcher":
            return kamailioDispatcher(config, trunkOptions(options));
        case "kamailio-address":
            return kamailioPermissionsAddress(options.aggregate ? aggregateCidrs(cidrs) : canonicalCidrs(cidrs));
        case "nftables":
            return nftablesRuleset(cidrs, firewallOptions(options));
        case "aws":
            return json(awsSecurityGroupIngress(cidrs, firewallOptions(options)));
        case "gcp":
            return json(gcpFirewallRules(cidrs, firewallOptions(options)));
        case "azure":
            return json(azureNsgSecurityRules(cidrs, firewallOptions(options)));
        case "carrier":
            return json(carrierTrunkUris(config, trunkOptions(options)));
    }
}

async function changeAllowlist(command: "allow" | "disallow", cidr: string | undefined, options: Options) {
    if (!cidr) throw new UsageError(`${command} needs a CIDR, such as 203.0.113.7/32.`);
    const [wanted] = canonicalCidrs([cidr]);
    const client = clientFrom(options);
    const current = await client.getSipConfig({ fresh: true });
    const next =
        command === "allow"
            ? canonicalCidrs([...current.allowedCidrRanges, wanted as string])
            : current.allowedCidrRanges.filter((existing) => existing !== wanted);
    if (next.length === current.allowedCidrRanges.length && next.every((c, i) => c === current.allowedCidrRanges[i])) {
        return `${wanted} was already ${command === "allow" ? "allowed" : "absent"}; nothing changed.\nallowedCidrRanges: ${next.join(", ") || "(none)"}\n`;
    }
    const after = await client.patchSipConfig({ allowedCidrRanges: next });
    return `allowedCidrRanges: ${after.allowedCidrRanges.join(", ") || "(none)"}\n`;
}

export async function main(argv: string[]): Promise<number> {
    let options: Options;
    let positionals: string[];
    try {
        ({ values: options, positionals } = parse(argv));
    } catch (error) {
        process.stderr.write(`pulumi-ultravox: ${(error as Error).message}\n\n${USAGE}`);
        return 2;
    }
    const [command, argument] = positionals;
    if (options.help || !command) {
        (options.help ? process.stdout : process.stderr).write(USAGE);
        return options.help ? 0 : 2;
    }
    try {
        switch (command) {
            case "show": {
                const config = await clientFrom(options).getSipConfig();
                process.stdout.write(options.json ? json(masked(config)) : table(config));
                return 0;
            }
            case "render":
                process.stdout.write(render(argument, await clientFrom(options).getSipConfig(), options));
                return 0;
            case "check": {
                if (!options.from || !options.to) throw new UsageError("check needs --from <ip> and --to <user>.");
                const config = await clientFrom(options).getSipConfig();
                const result = explainInboundCall(config, { sourceIp: options.from, toUser: options.to });
                if (options.json) {
                    process.stdout.write(json(result));
                } else {
                    const agent = result.agentId ? ` (agent ${result.agentId})` : "";
                    const verdict = result.accepted ? `accepted via ${result.route}${agent}` : "rejected";
                    process.stdout.write(`${verdict}\n${result.reason}\n`);
                    for (const warning of result.warnings) process.stdout.write(`warning: ${warning}\n`);
                }
                return result.accepted ? 0 : 1;
            }
            case "allow":
            case "disallow":
                process.stdout.write(await changeAllowlist(command, argument, options));
                return 0;
            default:
                throw new UsageError(`unknown command ${JSON.stringify(command)}.`);
        }
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`pulumi-ultravox: ${error.message}\n\n${USAGE}`);
            return 2;
        }
        if (isUltravoxError(error)) {
            process.stderr.write(`pulumi-ultravox: ${(error as UltravoxError).code}: ${error.message}\n`);
            return 3;
        }
        throw error;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`pulumi-ultravox: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
            process.exitCode = 3;
        },
    );
}
