#!/usr/bin/env node
/** pulumi-ultravox-emulator: serves an account's SIP config on a loopback port until stopped. */
import { parseArgs } from "node:util";
import { isLoopbackHost } from "../api/settings";
import { SAMPLE_ACCOUNT } from "./sampleAccount";
import { startEmulator } from "./server";

const USAGE = `Usage: pulumi-ultravox-emulator --account <file.json> [options]
       pulumi-ultravox-emulator --sample [options]

A local stand-in for the Ultravox SIP API (GET and PATCH /api/sip).

Options:
  --account <file>        the account to serve, a JSON file (this or --sample is required)
  --sample                serve the built-in sample account (key ${SAMPLE_ACCOUNT.apiKeys[0]})
  --port <n>              port to listen on; 0 picks a free one (default 8787)
  --host <host>           address to bind (default 127.0.0.1)
  --allow-non-loopback    allow a --host that is not a loopback address
  --control-api           serve POST/DELETE /_emulator/faults (fault injection)
  --quiet                 no request log on stderr
  -h, --help              show this help

The account file:
  {
    "apiKeys": ["<key>", ...],            keys accepted in X-API-Key (required)
    "sip": {                              what GET /api/sip answers:
      "domain": "<name>.sip.ultravox.ai", required
      "allowedAgents": [                  required (may be empty), at most 20
        {"agentId": "<uuid>", "toUserPattern": "^support$"}   pattern optional
      ],
      "allowedCidrRanges": ["203.0.113.0/24"],                optional
      "allowAllAgents": false,                                optional
      "fallbackHandler": {"url": "https://...", "secrets": ["..."]}   optional, or null
    }
  }

It stops on Ctrl-C, SIGTERM or SIGHUP, and when the process that started it (npx) goes away.
`;

function fail(message: string, code: number): never {
    process.stderr.write(`pulumi-ultravox-emulator: ${message}\n`);
    process.exit(code);
}

async function main(): Promise<void> {
    // The process that started this one, read before anything else: read after the "listening"
    // line, it could already be the one this process was re-parented to (the starter, seeing the
    // line, may kill itself at once), and then no change would ever be seen.
    const startedBy = process.ppid;
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
    if (!values.account && !values.sample)
        fail(
            "--account is required. Or give --sample for the built-in sample account (--help shows the account format).",
            2,
        );
    if (values.account && values.sample) fail("--account and --sample are two accounts: give one.", 2);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer in 0..65535.`, 2);
    const host = values.host;
    if (!isLoopbackHost(host) && !values["allow-non-loopback"]) {
        // The emulator accepts any key it is given and has no TLS: it is not for a network.
        fail(`--host ${host} is not a loopback address; add --allow-non-loopback if you mean it.`, 2);
    }
    const quiet = values.quiet;
    const emulator = await startEmulator({
        account: values.account ?? SAMPLE_ACCOUNT,
        port,
        host,
        controlApi: values["control-api"],
        ...(quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
    }).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") {
            fail(
                `port ${port} on ${host} is in use (another emulator?): pick another with --port, or --port 0 for a free one.`,
                1,
            );
        }
        if (code === "EACCES") fail(`not allowed to listen on port ${port} of ${host}: use a port above 1023.`, 1);
        return fail((error as Error).message, 1);
    });
    process.stdout.write(`Ultravox emulator listening on ${emulator.url}\n`);
    const stop = () => {
        emulator.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    process.once("SIGHUP", stop);
    // Started by npx, whose own death (kill -9, a closed CI step) sends no signal here: once the
    // parent is gone this process is re-parented, and stops instead of holding the port forever.
    setInterval(() => {
        if (process.ppid !== startedBy) stop();
    }, 500).unref();
}

function parse() {
    return parseArgs({
        options: {
            account: { type: "string" },
            sample: { type: "boolean", default: false },
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
