/** The command line's words, parsed: the options every command reads, and the positionals. */
import { parseArgs } from "node:util";

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
            "allow-broad": { type: "boolean", default: false },
            from: { type: "string" },
            to: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
            version: { type: "boolean", default: false },
        },
    });
}

export type Options = ReturnType<typeof parse>["values"];
