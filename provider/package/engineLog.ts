/**
 * Warnings from the plugin, shown by the engine with the update as diagnostics, as the TypeScript
 * door's are: an `Engine.Log` call to the engine's address (main.ts reads it from the arguments),
 * on the stubs the plugin already serves with, so that a warning costs no load of the SDK's runtime.
 * Without an engine (a plugin started by hand or by a test), or when the call fails, stderr.
 */
import type { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";

let engine: EngineClient | undefined;

export function warnEngine(message: string): void {
    const text = `pulumi-ultravox: ${message}`;
    const address = process.env.PULUMI_NODEJS_ENGINE;
    const toStderr = () => console.error(`warning: ${text}`);
    if (!address) {
        toStderr();
        return;
    }
    if (engine === undefined) {
        const { grpc } = require("./sdkRuntime") as typeof import("./sdkRuntime");
        const { EngineClient: Client } = require("@pulumi/pulumi/proto/engine_grpc_pb") as {
            EngineClient: typeof EngineClient;
        };
        engine = new Client(address, grpc.credentials.createInsecure());
    }
    const enginePb = require("@pulumi/pulumi/proto/engine_pb") as typeof EnginePb;
    const request = new enginePb.LogRequest().setSeverity(enginePb.LogSeverity.WARNING).setMessage(text);
    engine.log(request, (error) => {
        if (error) toStderr();
    });
}
