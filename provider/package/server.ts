/**
 * The `ultravox` resource provider, over the engine's gRPC protocol, on the stubs that ship with
 * `@pulumi/pulumi`. Written against the stubs rather than `@pulumi/pulumi/provider`'s `main`
 * because that server drops `Configure`'s arguments, which are how stack config and an explicit
 * provider's `apiKey` reach a provider. RPCs not listed here answer UNIMPLEMENTED, which the
 * engine treats as "no opinion" (Handshake, CheckConfig, DiffConfig) or reports.
 */
import type * as grpcTypes from "@grpc/grpc-js";
import * as plugin from "@pulumi/pulumi/proto/plugin_pb";
import * as services from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provider from "@pulumi/pulumi/proto/provider_pb";
import * as status from "@pulumi/pulumi/proto/status_pb";
import type * as StructTypes from "google-protobuf/google/protobuf/struct_pb";
import { isUltravoxError, UltravoxError } from "../core/errors";
import { recordedFailureOf } from "../lifecycle/sipConfig";
import { checkArguments } from "./arguments";
import { invokePackageFunction } from "./functions/index";
import {
    GET_SIP_CONFIG_FUNCTION,
    GET_SIP_REGISTRATIONS_FUNCTION,
    PACKAGE_VERSION,
    packageSchema,
    SIP_CONFIG_TYPE,
    SIP_REGISTRATION_TYPE,
} from "./schema";
import { AnyPb, EmptyPb, grpc, StructPb } from "./sdkRuntime";
import { checkPluginVersion, type ProviderSettings, settingsFrom } from "./settings";
import { SipConfigResource } from "./sipConfig";
import { SipRegistrationResource } from "./sipRegistration";

const { Empty } = EmptyPb;
const { Struct } = StructPb;
const { Any } = AnyPb;

/**
 * The largest message the plugin takes and sends: the Pulumi SDK's own servers' limit (its
 * runtime/settings.js), not gRPC's 4 MiB default, so that a long CIDR list crosses as it does in
 * TypeScript. Past it, gRPC itself refuses the message (RESOURCE_EXHAUSTED).
 */
export const MAX_RPC_MESSAGE_BYTES = 1024 * 1024 * 400;

type Handler<Req, Res> = (request: Req) => Promise<Res>;

/**
 * Adapts an async handler to grpc-js, turning a thrown error into the message the engine prints.
 * A failure after which the resource may exist (a PATCH sent, its answer lost) carries the state
 * the engine must record, as `ErrorResourceInitFailed` details, as the Pulumi SDK's own
 * dynamic-provider server sends them.
 */
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
                    metadata: recordedFailureMetadata(error),
                }),
        );
    };
}

function recordedFailureMetadata(error: unknown): grpcTypes.Metadata {
    const metadata = new grpc.Metadata();
    const recorded = recordedFailureOf(error);
    if (!recorded) return metadata;
    const detail = new provider.ErrorResourceInitFailed()
        .setId(recorded.id)
        .setProperties(Struct.fromJavaScript(recorded.properties as never))
        .setReasonsList(recorded.reasons);
    const inputs = (error as { inputs?: StructTypes.Struct }).inputs;
    if (inputs) detail.setInputs(inputs);
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const details = new status.Status().setCode(grpc.status.UNKNOWN).setMessage(describe(error));
    details.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(details.serializeBinary()));
    return metadata;
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

/** Struct.fromJavaScript refuses `undefined` (an absent optional member, `agentId` of a rejected call). */
function withoutUndefined(value: unknown): never {
    return JSON.parse(JSON.stringify(value)) as never;
}

/** The package's resources: anything else the engine sends is refused, naming it. */
function typeOf(urn: string): typeof SIP_CONFIG_TYPE | typeof SIP_REGISTRATION_TYPE {
    const type = urn.split("::")[2]?.split("$").pop();
    if (type === SIP_CONFIG_TYPE || type === SIP_REGISTRATION_TYPE) return type;
    throw new UltravoxError(
        "invalid_input",
        `The ultravox provider's resources are ${SIP_CONFIG_TYPE} and ${SIP_REGISTRATION_TYPE}; it was asked for ${JSON.stringify((type ?? "").slice(0, 80))}.`,
    );
}

/** The inputs a recorded failure's resource keeps: the ones the engine sent, as they came. */
function withInputs(error: unknown, inputs: StructTypes.Struct | undefined): unknown {
    if (recordedFailureOf(error) && inputs) Object.assign(error as Error, { inputs });
    return error;
}

export function providerService(): grpcTypes.UntypedServiceImplementation {
    let settings: ProviderSettings | undefined;
    const configured = (): ProviderSettings => {
        if (settings === undefined) {
            throw new UltravoxError("config", "The ultravox provider was used before the engine configured it.");
        }
        return settings;
    };

    let sipConfig: SipConfigResource | undefined;
    let sipRegistration: SipRegistrationResource | undefined;
    const sipConfigResource = (): SipConfigResource => {
        sipConfig ??= new SipConfigResource(configured());
        return sipConfig;
    };
    const registrationResource = (): SipRegistrationResource => {
        sipRegistration ??= new SipRegistrationResource(configured());
        return sipRegistration;
    };
    const resource = (urn: string): SipConfigResource | SipRegistrationResource =>
        typeOf(urn) === SIP_CONFIG_TYPE ? sipConfigResource() : registrationResource();

    return {
        getPluginInfo: unary(async () => new plugin.PluginInfo().setVersion(PACKAGE_VERSION)),
        getSchema: unary(async () => new provider.GetSchemaResponse().setSchema(JSON.stringify(packageSchema))),
        configure: unary(async (request: provider.ConfigureRequest) => {
            const args = argumentsOf(request.getArgs());
            checkPluginVersion(args, PACKAGE_VERSION);
            settings = settingsFrom(args, new Map(request.getVariablesMap().toArray()));
            sipConfig = undefined;
            sipRegistration = undefined;
            return new provider.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true);
        }),
        read: unary(async (request: provider.ReadRequest) => {
            const read = await resource(request.getUrn()).read(request.getId(), argumentsOf(request.getProperties()));
            const response = new provider.ReadResponse().setId(read.id);
            if (read.properties) response.setProperties(Struct.fromJavaScript(read.properties as never));
            // A refresh keeps the program's inputs; an import takes the ones read.
            if (read.inputs) response.setInputs(Struct.fromJavaScript(read.inputs as never));
            else if (request.hasInputs()) response.setInputs(request.getInputs());
            return response;
        }),
        invoke: unary(async (request: provider.InvokeRequest) => {
            if (request.getTok() === GET_SIP_CONFIG_FUNCTION) {
                // It takes no arguments: anything given is refused, naming it, before any request.
                checkArguments(argumentsOf(request.getArgs()), { properties: {}, required: [] }, packageSchema.types);
                if (configured().unknown) return new provider.InvokeResponse();
                // No fallbackHandler: an invoke result cannot keep a secret in every SDK (schema.ts).
                const { fallbackHandler: _secret, ...properties } = await sipConfigResource().readConfig();
                return new provider.InvokeResponse().setReturn(Struct.fromJavaScript(properties) as never);
            }
            if (request.getTok() === GET_SIP_REGISTRATIONS_FUNCTION) {
                checkArguments(argumentsOf(request.getArgs()), { properties: {}, required: [] }, packageSchema.types);
                if (configured().unknown) return new provider.InvokeResponse();
                const listed = await registrationResource().list();
                return new provider.InvokeResponse().setReturn(Struct.fromJavaScript(withoutUndefined(listed)));
            }
            // Secrets stay wrapped until the arguments are checked, so that no error quotes one.
            const args = argumentsOf(request.getArgs());
            const result = invokePackageFunction(request.getTok(), args, packageSchema.types);
            return new provider.InvokeResponse().setReturn(Struct.fromJavaScript(withoutUndefined(result)));
        }),
        check: unary(async (request: provider.CheckRequest) => {
            const failures = await resource(request.getUrn()).check(
                argumentsOf(request.getOlds()),
                argumentsOf(request.getNews()),
            );
            // The inputs go back as they came, secrets still wrapped.
            return new provider.CheckResponse()
                .setInputs(request.getNews() ?? new Struct())
                .setFailuresList(
                    failures.map((failure) =>
                        new provider.CheckFailure().setProperty(failure.property).setReason(failure.reason),
                    ),
                );
        }),
        diff: unary(async (request: provider.DiffRequest) => {
            const result = await resource(request.getUrn()).diff(
                request.getId(),
                argumentsOf(request.getOlds()),
                argumentsOf(request.getNews()),
            );
            const { DiffChanges } = provider.DiffResponse;
            return new provider.DiffResponse()
                .setChanges(result.changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
                .setReplacesList(result.replaces ?? [])
                .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
        }),
        create: unary(async (request: provider.CreateRequest) => {
            const created = await resource(request.getUrn())
                .create(argumentsOf(request.getProperties()))
                .catch((error: unknown) => Promise.reject(withInputs(error, request.getProperties())));
            return new provider.CreateResponse()
                .setId(created.id)
                .setProperties(Struct.fromJavaScript(created.properties as never));
        }),
        update: unary(async (request: provider.UpdateRequest) => {
            const properties = await resource(request.getUrn())
                .update(request.getId(), argumentsOf(request.getOlds()), argumentsOf(request.getNews()))
                .catch((error: unknown) => Promise.reject(withInputs(error, request.getNews())));
            return new provider.UpdateResponse().setProperties(Struct.fromJavaScript(properties as never));
        }),
        delete: unary(async (request: provider.DeleteRequest) => {
            await resource(request.getUrn()).delete(request.getId(), argumentsOf(request.getProperties()));
            return new Empty();
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
