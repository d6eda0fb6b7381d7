#!/usr/bin/env node
/**
 * pulumi-ultravox: the SIP config from a shell, with the data source's settings and errors.
 * Exit codes (USAGE lists them): 0 ok (check: accepted), 1 check: rejected, 2 usage, 3 an
 * UltravoxError, 4 check: unknown, 5 disallow: still allowed by a broader entry, 141 output closed.
 */
import { isUltravoxError, type UltravoxError } from "../core/errors";
import { checkInboundCall, explainInboundCall } from "../routing/explain";
import { changeAllowlist, type WantedEntries, wantedEntries } from "./allowlist";
import { type CliIo, processIo } from "./io";
import { COMMANDS, clientFrom, commandHelp, EXIT_OUTPUT_CLOSED, HELP_HINT, USAGE, VERSION } from "./options";
import { type Options, parse } from "./parse";
import { type RegistrationsAction, registrationsAction, runRegistrations } from "./registrations";
import { checkRenderArguments, render, renderUsesCidrs } from "./render";
import { json, masked, table } from "./show";
import { printable, printableValue } from "./terminal";
import { UsageError } from "./usageError";
import { CommandWarnings } from "./warnings";

/** One run of the CLI: its exit code. Whatever it did not expect is said on stderr, with code 3. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
    try {
        return await main(argv, io);
    } catch (error) {
        io.err(
            printable(
                `pulumi-ultravox: unexpected error: ${printableValue((error as Error)?.message ?? String(error))}\n`,
            ),
        );
        return 3;
    }
}

async function main(argv: string[], io: CliIo): Promise<number> {
    // Everything written is made printable: API data may hold control characters.
    const out = (text: string) => io.out(printable(text));
    const err = (text: string) => io.err(printable(text));
    let options: Options;
    let positionals: string[];
    try {
        ({ values: options, positionals } = parse(argv));
    } catch (error) {
        err(`pulumi-ultravox: ${printableValue(parseErrorLine(error as Error))}\n${HELP_HINT}\n`);
        return 2;
    }
    const [command, argument] = positionals;
    if (options.version) {
        out(`${VERSION}\n`);
        return 0;
    }
    if (command === "help" || (options.help && command)) {
        const topic = command === "help" ? argument : command;
        if (topic === undefined) {
            out(USAGE);
            return 0;
        }
        const help = commandHelp(topic);
        if (help === undefined) {
            err(`pulumi-ultravox: no command ${JSON.stringify(topic)}; commands: ${COMMANDS.join(", ")}.\n`);
            return 2;
        }
        out(help);
        return 0;
    }
    if (options.help || !command) {
        (options.help ? out : err)(USAGE);
        return options.help ? 0 : 2;
    }
    const warnings = new CommandWarnings();
    // show, check, allow and disallow print or test allowedCidrRanges; render only some targets.
    const outputUsesCidrs = command !== "registrations" && (command !== "render" || renderUsesCidrs(argument));
    try {
        // Every argument is checked before any request is made: a typo costs no API call.
        const checked = checkArguments(command, argument, positionals, options);
        const { output, code } = await run(command, argument, checked, options, io.env, warnings);
        warnings.flush(outputUsesCidrs, err);
        out(output);
        return code;
    } catch (error) {
        warnings.flush(outputUsesCidrs, err);
        if (error instanceof UsageError) {
            err(`pulumi-ultravox: ${error.message}\n${HELP_HINT}\n`);
            return 2;
        }
        if (isUltravoxError(error)) {
            const { code, message } = error as UltravoxError;
            err(`pulumi-ultravox: ${code}: ${printableValue(message)}\n`);
            // Input the CLI was given and cannot take (a CIDR, an address, a render option) is a usage error.
            return code === "invalid_input" ? 2 : 3;
        }
        throw error;
    }
}

/** A command's arguments, checked before the account is read; what allow/disallow will change. */
function checkArguments(
    command: string,
    argument: string | undefined,
    positionals: string[],
    options: Options,
): WantedEntries | RegistrationsAction | undefined {
    switch (command) {
        case "show":
            return undefined;
        case "registrations":
            return registrationsAction(positionals);
        case "render":
            checkRenderArguments(argument, options);
            return undefined;
        case "check":
            if (!options.from || !options.to) throw new UsageError("check needs --from <ip> and --to <user>.");
            checkInboundCall({ sourceIp: options.from, toUser: options.to });
            return undefined;
        case "allow":
        case "disallow":
            return wantedEntries(command, positionals.slice(1), options);
        default:
            throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: ${COMMANDS.join(", ")}.`);
    }
}

/** One command's stdout and exit code; its warnings go to `warnings`. */
async function run(
    command: string,
    argument: string | undefined,
    wanted: WantedEntries | RegistrationsAction | undefined,
    options: Options,
    env: NodeJS.ProcessEnv,
    warnings: CommandWarnings,
): Promise<{ output: string; code: number }> {
    // Entries set elsewhere that are not IPv4 are shown and warned of, never a reason to fail.
    const read = () => clientFrom(options, env, warnings.onReadWarning).getSipConfig({ keepOtherRanges: true });
    switch (command) {
        case "show": {
            const config = await read();
            return { output: options.json ? json(masked(config)) : table(config), code: 0 };
        }
        case "render": {
            const { text, warnings: found } = render(argument, await read(), options);
            warnings.add(found);
            return { output: text, code: 0 };
        }
        case "check": {
            const call = { sourceIp: options.from ?? "", toUser: options.to ?? "" };
            const result = explainInboundCall(await read(), call);
            const code = result.route === "unknown" ? 4 : result.accepted ? 0 : 1;
            // --json carries the explanation's warnings in the document; said again, they would be said twice.
            if (options.json) return { output: json(result), code };
            warnings.add(result.warnings);
            const agent = result.agentId ? ` (agent ${result.agentId})` : "";
            const verdict = result.accepted
                ? `accepted via ${result.route}${agent}`
                : result.route === "unknown"
                  ? "unknown"
                  : "rejected";
            return { output: `${verdict}\n${printableValue(result.reason)}\n`, code };
        }
        case "registrations":
            return runRegistrations(
                wanted as RegistrationsAction,
                clientFrom(options, env, warnings.onReadWarning),
                options.json,
            );
        case "allow":
        case "disallow": {
            const outcome = await changeAllowlist(
                command,
                wanted as WantedEntries,
                options,
                env,
                warnings.onReadWarning,
            );
            warnings.add(outcome.warnings);
            return { output: outcome.output, code: outcome.code };
        }
        default:
            throw new UsageError(`unknown command ${JSON.stringify(command)}; commands: ${COMMANDS.join(", ")}.`);
    }
}

/** node:util's parse errors in one line: `unknown option --frob`, not its advice on positionals. */
function parseErrorLine(error: Error): string {
    const unknown = /^Unknown option '([^']+)'/.exec(error.message);
    if (unknown) return `unknown option ${unknown[1]}.`;
    return error.message.split("\n")[0] ?? "";
}

/**
 * A reader that closed our output (`pulumi-ultravox check ... | head -c0`) is not an error of
 * ours: exit quietly with the code for it, as a program killed by SIGPIPE would.
 */
function exitQuietlyWhenOutputCloses(stream: NodeJS.WriteStream): void {
    stream.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") process.exit(EXIT_OUTPUT_CLOSED);
        throw error;
    });
}

if (require.main === module) {
    exitQuietlyWhenOutputCloses(process.stdout);
    exitQuietlyWhenOutputCloses(process.stderr);
    void runCli(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
