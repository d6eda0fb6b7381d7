#!/usr/bin/env node
/** pulumi-ultravox-emulator: serves an account's SIP config on a loopback port until stopped. */
import { parseArgs } from "node:util";
import { isLoopbackHost } from "../api/settings";
import { startEmulator } from "./server";

const USAGE = `Usage: pulumi-ultravox-emulator --account <file.json> [options]

A local stand-in for the Ultravox SIP API (GET and PATCH /api/sip).

Options:
  --account <file>        the account: {"apiKeys": [...], "sip": {...}} (required)
  --port <n>              port to listen on; 0 picks a free one (default 8787)
  --host <host>           address to bind (default 127.0.0.1)
  --allow-non-loopback    allow a --host that is not a loopback address
  --control-api           serve POST/DELETE /_emulator/faults (fault injection)
  --quiet                 no request log on stderr
  -h, --help              show this help
`;

function fail(message: string, code: number): never {
    process.stderr.write(`pulumi-ultravox-emulator: ${message}\n`);
    process.exit(code);
}

async function main(): Promise<void> {
    let values: ReturnType<typeof parse>["values"];
    try {
        values = parse().values;
    } catch (error) {
        fail(`${(error as Error).message}\n\n${USAGE}`, 2);
    }
    if (values.help) {
        process.stdout.write(USAGE);
        return;
    }
    if (!values.account) fail(`--account is required.\n\n${USAGE}`, 2);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer in 0..65535.`, 2);
    const host = values.host;
    if (!isLoopbackHost(host) && !values["allow-non-loopback"]) {
        // The emulator accepts any key it is given and has no TLS: it is not for a network.
        fail(`--host ${host} is not a loopback address; add --allow-non-loopback if you mean it.`, 2);
    }
    const quiet = values.quiet;
    const emulator = await startEmulator({
        account: values.account,
        port,
        host,
        controlApi: values["control-api"],
        ...(quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
    }).catch((error: unknown) => fail((error as Error).message, 1));
    process.stdout.write(`Ultravox emulator listening on ${emulator.url}\n`);
    const stop = () => {
        emulator.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

function parse() {
    return parseArgs({
        options: {
            account: { type: "string" },
            port: { type: "string", default: "8787" },
            host: { type: "string", default: "127.0.0.1" },
            "allow-non-loopback": { type: "boolean", default: false },
            "control-api": { type: "boolean", default: false },
            quiet: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
        allowPositionals: false,
    });
}

void main();
