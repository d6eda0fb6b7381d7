// Copied into a consumer folder that has its own @pulumi/pulumi (another version than the repo's),
// so that both the Automation API and the package's program resolve that SDK: it runs the read
// path (preview, up, outputs) and prints the result as one JSON line.
// Input (env): DRIVER_WORKDIR, DRIVER_API_KEY, DRIVER_BASE_URL, plus the engine's PULUMI_* settings.
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import * as ultravox from "pulumi-ultravox";

async function main(): Promise<void> {
    const env = (name: string): string => {
        const value = process.env[name];
        if (value === undefined) throw new Error(`${name} is not set`);
        return value;
    };
    const pulumi = env("DRIVER_PULUMI");
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            stackName: "dev",
            projectName: "uv-sdk-version",
            program: async () => {
                const sip = ultravox.SipConfig.get("ultravox-sip", "sip");
                const fn = ultravox.getSipConfigOutput();
                return {
                    domain: sip.domain,
                    allowedCidrRanges: sip.allowedCidrRanges,
                    fingerprint: sip.fingerprint,
                    functionDomain: fn.apply((config) => config.domain),
                };
            },
        },
        {
            workDir: env("DRIVER_WORKDIR"),
            pulumiCommand: await PulumiCommand.get({
                root: path.dirname(path.dirname(pulumi)),
                skipVersionCheck: true,
            }),
        },
    );
    await stack.setConfig("ultravox:apiKey", { value: env("DRIVER_API_KEY"), secret: true });
    await stack.setConfig("ultravox:baseUrl", { value: env("DRIVER_BASE_URL") });
    const preview = await stack.preview();
    const up = await stack.up();
    const sdk = require("@pulumi/pulumi/package.json") as { version: string };
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([key, { value }]) => [key, value]));
    process.stdout.write(
        `${JSON.stringify({ sdk: sdk.version, previewCreates: preview.changeSummary.create, outputs })}\n`,
    );
}

main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
});
