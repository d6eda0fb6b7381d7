/**
 * The cross-language `ultravox` plugin (provider/package/plugin/pulumi-resource-ultravox), started
 * as the engine starts it and driven over gRPC as the engine drives it: Configure, then Invoke.
 * The stubs and runtimes are the ones @pulumi/pulumi ships, which the plugin itself serves with.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { childEnv, type StartedProcess, start } from "./process";
import { REPO_ROOT } from "./repo";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;
const providerPb = sdkRequire("./proto/provider_pb") as typeof ProviderPb;
const { ResourceProviderClient: Client } = sdkRequire("./proto/provider_grpc_pb") as {
    ResourceProviderClient: typeof ResourceProviderClient;
};

export const PLUGIN_LAUNCHER = path.join(REPO_ROOT, "provider", "package", "plugin", "pulumi-resource-ultravox");

/** A failed call: `details` is the message the engine would print. */
export class InvokeError extends Error {
    constructor(readonly details: string) {
        super(details);
    }
}

export interface PackagePlugin {
    invoke(token: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
    /** A Read of the SIP config resource by id: its properties (empty when nothing was read). */
    read(id: string): Promise<Record<string, unknown>>;
    /** The schema the plugin serves the engine (GetSchema), as JSON text. */
    schema(): Promise<string>;
    /** Whether the process is still running. */
    alive(): boolean;
    stop(): Promise<void>;
}

/**
 * Starts the plugin (with this process's node first on PATH, as the launcher wants Node ≥ 22.12)
 * and configures it with `configure` (default none, so its settings come from `extraEnv`,
 * ULTRAVOX_*). A Configure that fails stops the plugin and rejects with an InvokeError.
 */
export async function startPackagePlugin(
    extraEnv: Record<string, string> = {},
    configure: Record<string, unknown> = {},
): Promise<PackagePlugin> {
    const env = childEnv({
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
        ...extraEnv,
    });
    const child: StartedProcess = start(PLUGIN_LAUNCHER, [], { cwd: REPO_ROOT, env });
    const [, port] = await child.waitForStdout(/^(\d+)\r?\n/, 20_000);
    // The engine's limits (the Pulumi SDK's), not gRPC's default 4 MiB.
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
        "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + 20_000, (error) => (error ? reject(error) : resolve())),
    );
    try {
        await new Promise<void>((resolve, reject) => {
            const request = new providerPb.ConfigureRequest().setArgs(
                Struct.fromJavaScript(configure as Record<string, StructPb.JavaScriptValue>),
            );
            request.setAcceptsecrets(true).setAcceptresources(true);
            client.configure(request, (error) => (error ? reject(new InvokeError(error.details)) : resolve()));
        });
    } catch (error) {
        client.close();
        await child.stop(2_000);
        throw error;
    }
    return {
        invoke(token, args) {
            const request = new providerPb.InvokeRequest()
                .setTok(token)
                .setArgs(Struct.fromJavaScript(args as Record<string, StructPb.JavaScriptValue>));
            return new Promise((resolve, reject) =>
                client.invoke(request, (error, response) => {
                    if (error) reject(new InvokeError(error.details));
                    else resolve((response.getReturn()?.toJavaScript() ?? {}) as Record<string, unknown>);
                }),
            );
        },
        read(id) {
            const request = new providerPb.ReadRequest()
                .setId(id)
                .setUrn(`urn:pulumi:test::test::ultravox:index:SipConfig::sip`);
            return new Promise((resolve, reject) =>
                client.read(request, (error, response) => {
                    if (error) reject(new InvokeError(error.details));
                    else resolve((response.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>);
                }),
            );
        },
        schema() {
            return new Promise((resolve, reject) =>
                client.getSchema(new providerPb.GetSchemaRequest(), (error, response) => {
                    if (error) reject(new InvokeError(error.details));
                    else resolve(response.getSchema());
                }),
            );
        },
        alive: () => child.exit() === undefined,
        async stop() {
            client.close();
            await child.stop(2_000);
        },
    };
}
