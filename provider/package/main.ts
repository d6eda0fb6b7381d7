#!/usr/bin/env node
/**
 * The `pulumi-resource-ultravox` plugin's entry point (started by the launcher in
 * provider/package/plugin/). The engine passes its address as the last argument; pointing the
 * SDK's log at it sends the read's warnings (a CIDR with host bits set) to the engine, as
 * diagnostics, like the TypeScript data source's.
 */
const engineAddress = process.argv.at(-1);
if (engineAddress !== undefined && /:\d+$/.test(engineAddress)) process.env.PULUMI_NODEJS_ENGINE ??= engineAddress;

// Node's on-disk code cache: the plugin starts once per engine run, and compiling got and zod is
// most of a cold start (BENCHMARKS.md, benchmark 7). In the user's own cache folder, not the shared
// temp dir, where another local user could plant compiled code. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// The self-contained plugin (a single executable application) carries its code cache in itself.
if (!(require("node:sea") as typeof import("node:sea")).isSea()) {
    const os = require("node:os") as typeof import("node:os");
    const path = require("node:path") as typeof import("node:path");
    const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    (require("node:module") as typeof import("node:module")).enableCompileCache?.(
        path.join(cacheHome, "pulumi-ultravox", "node-compile-cache"),
    );
}

// required, not imported: imports are hoisted above the line that sets the engine's address.
const { serve } = require("./server") as typeof import("./server");
serve().catch((error: unknown) => {
    console.error(`pulumi-resource-ultravox: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
