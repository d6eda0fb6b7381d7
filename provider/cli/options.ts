/** The command line's words: usage, parsing, and the client its options describe. */
import { parseArgs } from "node:util";
import { clientFromSources, type UltravoxClient } from "../api/client";
import { RENDER_TARGETS } from "./render";

export const USAGE = `Usage: pulumi-ultravox <command> [options]

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
  --agents <id,id>                  render PBX and carrier targets: agents to include (default: all allowedAgents)
  --transport <udp|tcp|tls>         render PBX and carrier targets: SIP transport (default udp)
  --codecs <list>                   render asterisk, freeswitch: pcmu,pcma,g722,g7221,g7222,opus,ilbc (default pcmu,pcma,g722,opus)
  --rtp <from-to>                   render firewalls: also open this RTP port range (no default)
  --aggregate                       render firewalls, kamailio-address: merge adjacent CIDRs (off: diffs stay predictable)
  -h, --help                        this help

The API key comes from ULTRAVOX_API_KEY only: a key on the command line would be kept in
shell history and shown by ps.
Exit codes: 0 ok, 1 check rejected, 2 usage error, 3 API, network or config error.
`;

export function parse(argv: string[]) {
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
export type Options = ReturnType<typeof parse>["values"];

export function clientFrom(options: Options): UltravoxClient {
    return clientFromSources(
        { args: { baseUrl: options["base-url"] }, env: process.env, baseUrlArgument: "--base-url" },
        {
            timeoutMs: options["timeout-ms"] === undefined ? undefined : Number(options["timeout-ms"]),
            onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
        },
    );
}
