/** The command line's words: usage, parsing, and the client its options describe. */
import { clientFromSources, type UltravoxClient } from "../api/client";
import { ENV_API_KEY, ENV_BASE_URL, type SettingNames } from "../api/settings";
import type { WarningSink } from "../core/types";
import type { Options } from "./parse";
import { RENDER_TARGETS } from "./render";
import { UsageError } from "./usageError";

export const USAGE = `Usage: pulumi-ultravox <command> [options]

Reads the Ultravox account's SIP config (the same settings and errors as the Pulumi data source).

Commands:
  show [--json]                     the config as a table (secrets masked), or as JSON
  render <target>                   a PBX or firewall definition; targets:
                                    ${RENDER_TARGETS.join(", ")}
  check --from <ip> --to <user>     how Ultravox would route an inbound call (exit 0 accepted, 1 rejected, 4 unknown)
  allow <cidr>...                   add CIDRs to allowedCidrRanges (PATCH /api/sip), all or none;
                                    a prefix shorter than /16 needs --allow-broad
  disallow <cidr>...                remove entries from allowedCidrRanges, as written (exit 5 when a
                                    broader entry still allows them; an entry that is not IPv4,
                                    such as an IPv6 range, is removed as show lists it)
  registrations list [--json]       the account's SIP registrations (no passwords: the API never gives them)
  registrations remove <id>         delete one SIP registration

Options:
  --base-url <url>                  default ULTRAVOX_BASE_URL, then https://api.ultravox.ai
  --timeout-ms <n>                  the whole call, retries included (default 30000)
  --json                            JSON output (show, render of firewall targets, check, registrations list)
  --agents <id,id>                  render PBX and carrier targets: agents to include (default: all allowedAgents)
  --transport <udp|tcp|tls>         render PBX and carrier targets: SIP transport (default udp)
  --codecs <list>                   render asterisk, freeswitch: pcmu,pcma,g722,g7221,g7222,opus,ilbc (default pcmu,pcma,g722,opus)
  --rtp <from-to>                   render firewalls: also open this RTP port range (no default)
  --aggregate                       render firewalls, kamailio-address: merge adjacent CIDRs (off: diffs stay predictable)
  -h, --help                        this help (help <command>: that command's)
  --version                         the package's version

The API key comes from ULTRAVOX_API_KEY only: a key on the command line would be kept in
shell history and shown by ps.
Exit codes: 0 ok (check: accepted), 1 check: rejected, 2 usage error, 3 API, network, config or
lock error, 4 check: unknown, 5 disallow: still allowed by a broader entry, 141 output closed.
`;

/** The exit code when the reader of the output went away (a closed pipe), as after SIGPIPE. */
export const EXIT_OUTPUT_CLOSED = 141;

/** The package's version, from its package.json (dist/cli/ → the package root). */
export const VERSION: string = (require("../../package.json") as { version: string }).version;

/** The one line after a usage error: where the help is (not the whole help). */
export const HELP_HINT = "Run `pulumi-ultravox --help` for usage, or `pulumi-ultravox help <command>`.";

/** `help <command>`: the command's lines of USAGE, with the options it takes. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
    show: ["--json"],
    render: ["--json", "--agents", "--transport", "--codecs", "--rtp", "--aggregate"],
    check: ["--json"],
    allow: [],
    disallow: [],
    registrations: ["--json"],
};

export const COMMANDS = Object.keys(COMMAND_OPTIONS);

export function commandHelp(command: string): string | undefined {
    const taken = Object.hasOwn(COMMAND_OPTIONS, command) ? COMMAND_OPTIONS[command] : undefined;
    if (taken === undefined) return undefined;
    const lines = USAGE.split("\n");
    const own: string[] = [];
    let inCommand = false;
    for (const line of lines) {
        // A command may have several lines (registrations list, remove), and a description may
        // continue on indented lines (render's targets).
        if (line.startsWith(`  ${command} `) || line === `  ${command}`) inCommand = true;
        else if (!(inCommand && /^ {20,}/.test(line))) inCommand = false;
        if (inCommand) own.push(line);
    }
    const options = lines.filter((line) =>
        [...taken, "--base-url", "--timeout-ms"].some((name) => line.startsWith(`  ${name} `)),
    );
    return `Usage: pulumi-ultravox ${command} [options]\n\n${own.join("\n")}\n\nOptions:\n${options.join("\n")}\n`;
}

/** `--timeout-ms`: a positive whole number, else a usage error that echoes what was typed. */
export function timeoutOption(text: string | undefined): number | undefined {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) {
        throw new UsageError(
            `--timeout-ms takes a positive whole number of milliseconds, got ${JSON.stringify(text)}.`,
        );
    }
    return value;
}

/** What the CLI reads: the environment's key, a flag or the environment's base URL, a flag's timeout. */
const CLI_SETTING_NAMES: SettingNames = {
    apiKey: ENV_API_KEY,
    baseUrl: `--base-url or ${ENV_BASE_URL}`,
    timeoutMs: "--timeout-ms",
};

/** The client the options and `env` describe; what parsing the account reports goes to `onWarning`. */
export function clientFrom(options: Options, env: NodeJS.ProcessEnv, onWarning: WarningSink): UltravoxClient {
    return clientFromSources(
        { args: { baseUrl: options["base-url"] }, env, baseUrlArgument: "--base-url" },
        { timeoutMs: timeoutOption(options["timeout-ms"]), onWarning, settingNames: CLI_SETTING_NAMES },
    );
}
