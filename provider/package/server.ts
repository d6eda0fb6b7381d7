/**
 * The `ultravox` resource provider, over the engine's gRPC protocol, on the stubs that ship with
 * `@pulumi/pulumi`. Written against the stubs rather than `@pulumi/pulumi/provider`'s `main`
 * because that server drops `Configure`'s arguments, which are how stack config and an explicit
 * provider's `apiKey` reach a provider. RPCs not listed here answer UNIMPLEMENTED, which the
 * engine treats as "no opinion" (Handshake, CheckConfig, DiffConfig) or reports.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import * as services from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import type * as StructTypes from "google-protobuf/google/protobuf/struct_pb";
import { isUltravoxError, UltravoxError } from "../index";
import { checkArguments } from "./arguments";
import { invokePackageFunction } from "./functions/index";
import { readSipConfig, type SipConfigProperties } from "./read";
import { GET_SIP_CONFIG_FUNCTION, PACKAGE_VERSION, packageSchema, SIP_CONFIG_TYPE } from "./schema";
import { type ProviderSettings, secretEnvelope, settingsFrom } from "./settings";

// The gRPC and protobuf runtimes the SDK's stubs were generated for: resolved from @pulumi/pulumi
// itself, so the plugin never meets a second copy.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
const { Empty } = sdkRequire("google-protobuf/google/protobuf/empty_pb");
const StructPb = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof StructTypes;
const { Struct } = StructPb;

/**
 * The largest message the plugin takes and sends: the Pulumi SDK's own servers' limit (its
 * runtime/settings.js), not gRPC's 4 MiB default, so that a long CIDR list crosses as it does in
 * TypeScript. Past it, gRPC itself refuses the message (RESOURCE_EXHAUSTED).
 */
export const MAX_RPC_MESSAGE_BYTES = 1024 * 1024 * 400;

/** The id of the one SIP config an account has, as in the TypeScript data source. */
export const SIP_CONFIG_ID = "sip";

const READ_ONLY_MESSAGE =
    `${SIP_CONFIG_TYPE} is read, never created, from this package: use SipConfig.get(name, "${SIP_CONFIG_ID}"). ` +
    "Managing the allowlist (PATCH) is available from TypeScript only, with the pulumi-ultravox npm package.";

type Handler<Req, Res> = (request: Req) => Promise<Res>;

/** Adapts an async handler to grpc-js, turning a thrown error into the message the engine prints. */
function unary<Req, Res>(handler: Handler<Req, Res>) {
    return (call: { request: Req }, callback: (error: grpcTypes.ServiceError | null, response?: Res) => void) => {
        handler(call.request).then(
            (response) => callback(null, response),
            (error: unknown) =>
                callback({
                    name: "Error",
                    message: describe(error),
                    code: grpc.status.UNKNOWN,
                    details: describe(error),
                    metadata: new grpc.Metadata(),
                }),
        );
    };
}

/** UltravoxError's text carries its code (`UltravoxError [auth]: ...`), as the TypeScript data source shows it. */
function describe(error: unknown): string {
    if (isUltravoxError(error)) return String(error);
    return error instanceof Error ? error.message : String(error);
}

/**
 * A request's Struct as JavaScript, every member an own property: protobuf's `toJavaScript`
 * assigns members, so one named `__proto__` would set the object's prototype and vanish instead
 * of being refused as an unknown input.
 */
function argumentsOf(struct: StructTypes.Struct | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    struct?.getFieldsMap().forEach((value: StructTypes.Value, key: string) => {
        Object.defineProperty(out, key, {
            value: javaScriptValue(value),
            enumerable: true,
            writable: true,
            configurable: true,
        });
    });
    return out;
}

function javaScriptValue(value: StructTypes.Value): unknown {
    const kinds = StructPb.Value.KindCase;
    switch (value.getKindCase()) {
        case kinds.NUMBER_VALUE:
            return value.getNumberValue();
        case kinds.STRING_VALUE:
            return value.getStringValue();
        case kinds.BOOL_VALUE:
            return value.getBoolValue();
        case kinds.STRUCT_VALUE:
            return argumentsOf(value.getStructValue());
        case kinds.LIST_VALUE:
            return (value.getListValue()?.getValuesList() ?? []).map(javaScriptValue);
        default:
            return null;
    }
}

function toStruct(properties: SipConfigProperties): unknown {
    return Struct.fromJavaScript({ ...properties, fallbackHandler: secretEnvelope(properties.fallbackHandler) });
}

/** Struct.fromJavaScript refuses `undefined` (an absent optional member, `agentId` of a rejected call). */
function withoutUndefined(value: unknown): never {
    return JSON.parse(JSON.stringify(value)) as never;
}

export function providerService(): grpcTypes.UntypedServiceImplementation {
    let settings: ProviderSettings | undefined;
    const configured = (): ProviderSettings => {
        if (settings === undefined) {
            throw new UltravoxError("config", "The ultravox provider was used before the engine configured it.");
        }
        return settings;
    };

    return {
        getPluginInfo: unary(async () => new plugin.PluginInfo().setVersion(PACKAGE_VERSION)),
        getSchema: unary(async () => new provider.GetSchemaResponse().setSchema(JSON.stringify(packageSchema))),
        configure: unary(async (request: provider.ConfigureRequest) => {
            const args = argumentsOf(request.getArgs());
            settings = settingsFrom(args, new Map(request.getVariablesMap().toArray()));
            return new provider.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true);
        }),
        read: unary(async (request: provider.ReadRequest) => {
            if (request.getId() !== SIP_CONFIG_ID) {
                throw new UltravoxError(
                    "invalid_input",
                    `An account has one SIP config, whose id is "${SIP_CONFIG_ID}" (got ${JSON.stringify(request.getId().slice(0, 80))}): use SipConfig.get(name, "${SIP_CONFIG_ID}").`,
                );
            }
            // Settings not known yet (preview): read nothing, as the TypeScript data source.
            if (configured().unknown) return new provider.ReadResponse().setId(SIP_CONFIG_ID);
            const properties = await readSipConfig(configured());
            return new provider.ReadResponse()
                .setId(SIP_CONFIG_ID)
                .setProperties(toStruct(properties) as never)
                .setInputs(Struct.fromJavaScript({}));
        }),
        invoke: unary(async (request: provider.InvokeRequest) => {
            if (request.getTok() === GET_SIP_CONFIG_FUNCTION) {
                // It takes no arguments: anything given is refused, naming it, before any request.
                checkArguments(argumentsOf(request.getArgs()), { properties: {}, required: [] }, packageSchema.types);
                if (configured().unknown) return new provider.InvokeResponse();
                // No fallbackHandler: an invoke result cannot keep a secret in every SDK (schema.ts).
                const { fallbackHandler: _secret, ...properties } = await readSipConfig(configured());
                return new provider.InvokeResponse().setReturn(Struct.fromJavaScript(properties) as never);
            }
            // Secrets stay wrapped until the arguments are checked, so that no error quotes one.
            const args = argumentsOf(request.getArgs());
            const result = invokePackageFunction(request.getTok(), args, packageSchema.types);
            return new provider.InvokeResponse().setReturn(Struct.fromJavaScript(withoutUndefined(result)));
        }),
        check: unary(async () => {
            throw new UltravoxError("invalid_input", READ_ONLY_MESSAGE);
        }),
        create: unary(async () => {
            throw new UltravoxError("invalid_input", READ_ONLY_MESSAGE);
        }),
        cancel: unary(async () => new Empty()),
    };
}

/** Serves on a loopback port and prints it, as the engine expects of a plugin. */
export async function serve(): Promise<void> {
    const server = new grpc.Server({
        "grpc.max_receive_message_length": MAX_RPC_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_RPC_MESSAGE_BYTES,
    });
    server.addService(services.ResourceProviderService, providerService());
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
            error ? reject(error) : resolve(bound),
        ),
    );
    process.stdout.write(`${port}\n`);
}
