/**
 * One `pulumi preview` of one variant, in a fresh process (as the language host would start the
 * program): prints the wall time of the preview itself, program loading included, in ms.
 * argv: <variant>; env: the engine's PULUMI_* settings, PREVIEW_WORKDIR, PREVIEW_PULUMI.
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

type Program = () => Promise<Record<string, unknown>>;

/** Each variant loads what it uses inside the program, so the load is part of what is timed. */
export const VARIANTS: Record<string, Program> = {
    "no Ultravox code": async () => ({ answer: 42 }),
    getSipConfigOutput: async () => {
        const ultravox: typeof import("pulumi-ultravox") = require("pulumi-ultravox");
        return { domain: ultravox.getSipConfigOutput().apply((config) => config.domain) };
    },
    "SipConfig.get": async () => {
        const ultravox: typeof import("pulumi-ultravox") = require("pulumi-ultravox");
        return { domain: ultravox.SipConfig.get("ultravox-sip", "sip").domain };
    },
    "do-nothing dynamic resource (read)": async () => {
        const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
        const provider: import("@pulumi/pulumi").dynamic.ResourceProvider = {
            async create() {
                throw new Error("read only");
            },
            async read(id: string) {
                return { id, props: { domain: "nothing.invalid" } };
            },
        };
        class Nothing extends pulumi.dynamic.Resource {
            declare readonly domain: import("@pulumi/pulumi").Output<string>;
        }
        const nothing = new Nothing(provider, "nothing", { domain: undefined }, { id: "nothing" });
        return { domain: nothing.domain };
    },
};

async function main(): Promise<void> {
    const variant = process.argv[2] ?? "";
    const program = VARIANTS[variant];
    if (program === undefined) throw new Error(`unknown variant ${variant}`);
    const pulumi = process.env.PREVIEW_PULUMI ?? "";
    const stack = await LocalWorkspace.selectStack(
        { stackName: process.env.PREVIEW_STACK ?? "", projectName: "uv-bench", program },
        {
            workDir: process.env.PREVIEW_WORKDIR ?? "",
            pulumiCommand: await PulumiCommand.get({
                root: path.dirname(path.dirname(pulumi)),
                skipVersionCheck: true,
            }),
        },
    );
    const started = performance.now();
    await stack.preview();
    process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
    });
}
