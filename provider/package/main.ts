#!/usr/bin/env node
/**
 * The `pulumi-resource-ultravox` plugin's entry point (started by the launcher in
 * provider/package/plugin/). The engine passes its address as the last argument; pointing the
 * SDK's log at it sends the read's warnings (a CIDR with host bits set) to the engine, as
 * diagnostics, like the TypeScript data source's.
 */
const engineAddress = process.argv.at(-1);
if (engineAddress !== undefined && /:\d+$/.test(engineAddress)) process.env.PULUMI_NODEJS_ENGINE ??= engineAddress;

// required, not imported: imports are hoisted above the line that sets the engine's address.
const { serve } = require("./server") as typeof import("./server");
serve().catch((error: unknown) => {
    console.error(`pulumi-resource-ultravox: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
