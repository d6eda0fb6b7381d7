#!/usr/bin/env node
/**
 * pulumi-ultravox: the SIP config from a shell, with the data source's settings and errors.
 * Exit codes: 0 ok (check: accepted), 1 check: rejected, 2 usage, 3 an UltravoxError.
 */
import { isUltravoxError, type UltravoxError } from "../core/errors";
import { explainInboundCall } from "../routing/explain";
import { changeAllowlist } from "./allowlist";
import { COMMANDS, clientFrom, commandHelp, HELP_HINT, type Options, parse, USAGE, VERSION } from "./options";
import { RENDER_TARGETS, render } from "./render";
import { json, masked, table } from "./show";
import { printableValue, writeErr, writeOut } from "./terminal";
import { UsageError } from "./usageError";

export async function main(argv: string[]): Promise<number> {
    let options: Options;
    let positionals: string[];
    try {
        ({ values: options, positionals } = parse(argv));
    } catch (error) {
        writeErr(`pulumi-ultravox: ${printableValue(parseErrorLine(error as Error))}\n${HELP_HINT}\n`);
        return 2;
    }
    const [command, argument] = positionals;
    if (options.version) {
        process.stdout.write(`${VERSION}\n`);
        return 0;
    }
    if (command === "help" || (options.help && command)) {
        const topic = command === "help" ? argument : command;
        if (topic === undefined) {
            process.stdout.write(USAGE);
            return 0;
        }
        const help = commandHelp(topic);
        if (help === undefined) {
            process.stderr.write(
                `pulumi-ultravox: no command ${JSON.stringify(topic)}; commands: ${COMMANDS.join(", ")}.\n`,
            );
            return 2;
        }
        process.stdout.write(help);
        return 0;
    }
    if (options.help || !command) {
        (options.help ? writeOut : writeErr)(USAGE);
        return options.help ? 0 : 2;
    }
    try {
        // Named before any request is made: a typo costs no API call.
        if (
            command === "render" &&
            (argument === undefined || !(RENDER_TARGETS as readonly string[]).includes(argument))
        ) {
            throw new UsageError(
                argument === undefined
                    ? `render needs a target: ${RENDER_TARGETS.join(", ")}.`
                    : `unknown render target ${JSON.stringify(argument)}; targets: ${RENDER_TARGETS.join(", ")}.`,
            );
        }
        switch (command) {
            case "show": {
                const config = await clientFrom(options).getSipConfig();
                writeOut(options.json ? json(masked(config)) : table(config));
                return 0;
            }
            case "render":
                writeOut(render(argument, await clientFrom(options).getSipConfig(), options));
                return 0;
            case "check": {
                if (!options.from || !options.to) throw new UsageError("check needs --from <ip> and --to <user>.");
                const config = await clientFrom(options).getSipConfig();
                const result = explainInboundCall(config, { sourceIp: options.from, toUser: options.to });
                if (options.json) {
                    writeOut(json(result));
                } else {
                    const agent = result.agentId ? ` (agent ${result.agentId})` : "";
                    const verdict = result.accepted
                        ? `accepted via ${result.route}${agent}`
                        : result.route === "unknown"
                          ? "unknown"
                          : "rejected";
                    writeOut(`${verdict}\n${printableValue(result.reason)}\n`);
                    for (const warning of result.warnings) writeOut(`warning: ${printableValue(warning)}\n`);
                }
                if (result.route === "unknown") return 4;
                return result.accepted ? 0 : 1;
            }
            case "allow":
            case "disallow":
                writeOut(await changeAllowlist(command, positionals.slice(1), options));
                return 0;
            default:
                throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: ${COMMANDS.join(", ")}.`);
        }
    } catch (error) {
        if (error instanceof UsageError) {
            writeErr(`pulumi-ultravox: ${error.message}\n${HELP_HINT}\n`);
            return 2;
        }
        if (isUltravoxError(error)) {
            const { code, message } = error as UltravoxError;
            writeErr(`pulumi-ultravox: ${code}: ${printableValue(message)}\n`);
            // Input the CLI was given and cannot take (a CIDR, an address, a render option) is a usage error.
            return code === "invalid_input" ? 2 : 3;
        }
        throw error;
    }
}

/** node:util's parse errors in one line: `unknown option --frob`, not its advice on positionals. */
function parseErrorLine(error: Error): string {
    const unknown = /^Unknown option '([^']+)'/.exec(error.message);
    if (unknown) return `unknown option ${unknown[1]}.`;
    return error.message.split("\n")[0] ?? "";
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            writeErr(
                `pulumi-ultravox: unexpected error: ${printableValue((error as Error)?.message ?? String(error))}\n`,
            );
            process.exitCode = 3;
        },
    );
}
