/**
 * The real dynamic-provider plugin, started as the Pulumi CLI starts it, and driven over gRPC
 * as the engine drives it: `node <sdk>/cmd/dynamic-provider/index.js <engine>` with the program
 * folder as working directory; it prints its port and serves pulumirpc.ResourceProvider.
 *
 * The gRPC library and the stubs are loaded from the consumer's SDK folder, so requests are
 * built with the very classes the plugin decodes them with.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type { Consumer } from "./consumer";
import { childEnv, type Exit, runNode, type StartedProcess, start } from "./process";
import { REPO_ROOT } from "./repo";

/** The URN the engine gives `SipConfig.get("ultravox-sip", "sip")` in project `proj`, stack `dev`. */
export const SIP_CONFIG_URN = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/ultravox:SipConfig::ultravox-sip";

/** How the engine encodes an unknown value (a preview's not-yet-known input) on the wire. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How the engine encodes a secret on the wire: `{ [SIG_KEY]: SECRET_SIG, value }`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Any JSON-like value: what a Struct carries. `undefined` members are dropped, as the engine drops them. */
export type Props = Record<string, unknown>;

/** A failed gRPC call: `message` is the status message the engine would show, as is. */
export class PluginCallError extends Error {
    override readonly name = "PluginCallError";
    constructor(
        readonly method: string,
        /** The gRPC status code (2 = UNKNOWN is what the plugin answers for a thrown error). */
        readonly code: number,
        readonly details: string,
        /** A failure the engine records (ErrorResourceInitFailed): the id and state it keeps. */
        readonly recorded?: RecordedFailure,
    ) {
        super(details);
    }
}

/** What the engine writes to the state when a call fails after the resource may exist. */
export interface RecordedFailure {
    id: string;
    properties: Props;
    reasons: string[];
}

export interface ConfigureResult {
    acceptSecrets: boolean;
    supportsPreview: boolean;
}

export interface CheckResult {
    inputs: Props;
    failures: { property: string; reason: string }[];
}

export interface DiffResult {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    stables: string[];
    deleteBeforeReplace: boolean;
    diffs: string[];
}

export interface ReadResult {
    id: string;
    properties: Props;
    /** Only when the provider's read returned `inputs`. */
    inputs: Props | undefined;
}

export interface CapturedOutput {
    stdout: string;
    stderr: string;
}

export interface StoppedPlugin extends CapturedOutput, Exit {}

export interface CallOptions {
    /** gRPC deadline for this call. Default 30 000 ms. */
    timeoutMs?: number;
}

export interface Plugin {
    readonly port: number;
    readonly pid: number;
    /**
     * ConfigureRequest as the engine sends it: the stack config both as the legacy `variables`
     * map (`ns:config:key`) and as the `args` struct (`ns:key`), which is what the plugin reads.
     * Keys in `secretKeys` are sent wrapped as secrets, which the plugin unwraps.
     */
    configure(
        config: Record<string, string>,
        options?: CallOptions & { secretKeys?: string[] },
    ): Promise<ConfigureResult>;
    check(urn: string, olds: Props, news: Props, options?: CallOptions): Promise<CheckResult>;
    diff(
        id: string,
        urn: string,
        olds: Props,
        news: Props,
        options?: CallOptions & { oldInputs?: Props; ignoreChanges?: string[] },
    ): Promise<DiffResult>;
    create(
        urn: string,
        properties: Props,
        options?: CallOptions & { preview?: boolean },
    ): Promise<{ id: string; properties: Props }>;
    /**
     * `properties` are the prior outputs on a refresh; on a first read (`SipConfig.get`) the
     * engine leaves them out and sends `inputs` only.
     */
    read(
        id: string,
        urn: string,
        properties: Props | undefined,
        inputs?: Props,
        options?: CallOptions,
    ): Promise<ReadResult>;
    update(
        id: string,
        urn: string,
        olds: Props,
        news: Props,
        options?: CallOptions & { preview?: boolean; oldInputs?: Props },
    ): Promise<{ properties: Props }>;
    delete(id: string, urn: string, properties: Props, options?: CallOptions & { oldInputs?: Props }): Promise<void>;
    /** A function call (the `ultravox` plugin's renderers): its return value. */
    invoke(token: string, args: Props, options?: CallOptions): Promise<Props>;
    /** Everything the process has written so far. */
    output(): CapturedOutput;
    /** Kills the process (once; later calls return the same result) and returns all it wrote. */
    stop(): Promise<StoppedPlugin>;
}

export interface StartPluginOptions {
    /** Variables added to (or, as undefined, removed from) the plugin's environment; ULTRAVOX_* and PULUMI_* never leak in from this process. */
    env?: Record<string, string | undefined>;
    /** Until the port is printed and the channel is ready. Default 20 000 ms. */
    startTimeoutMs?: number;
}

interface GrpcModules {
    grpc: typeof grpc;
    providerPb: typeof ProviderPb;
    statusPb: typeof StatusPb;
    structPb: typeof StructPb;
    Client: typeof ResourceProviderClient;
}

function loadGrpc(sdkDir: string): GrpcModules {
    const fromSdk = (request: string) => require(require.resolve(request, { paths: [sdkDir] }));
    return {
        grpc: fromSdk("@grpc/grpc-js"),
        structPb: fromSdk("google-protobuf/google/protobuf/struct_pb"),
        providerPb: require(path.join(sdkDir, "proto", "provider_pb")),
        statusPb: require(path.join(sdkDir, "proto", "status_pb")),
        Client: require(path.join(sdkDir, "proto", "provider_grpc_pb")).ResourceProviderClient,
    };
}

/** Struct.fromJavaScript refuses `undefined`; the engine never sends it (absent keys are absent). */
function withoutUndefined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, member]) => member !== undefined)
                .map(([key, member]) => [key, withoutUndefined(member)]),
        );
    }
    return value;
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → type and name, as the engine sets them. */
function typeAndName(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const qualifiedType = parts[2] ?? "";
    return { type: qualifiedType.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

/** Step 1: the plugin process, started as the CLI starts it, in the program folder. */
function spawnPlugin(consumer: Consumer, env: StartPluginOptions["env"]): StartedProcess {
    const entry = path.join(consumer.dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
    // The second argument is the engine's address; the plugin never dials it.
    return start(process.execPath, [entry, "127.0.0.1:1"], { cwd: consumer.dir, env: childEnv(env) });
}

/** Step 2: the port the plugin prints on its first line; the process is killed if it prints none. */
async function portOf(plugin: StartedProcess, timeoutMs: number): Promise<number> {
    try {
        const [, port] = await plugin.waitForStdout(/^(\d+)\r?\n/, timeoutMs);
        return Number(port);
    } catch (error) {
        plugin.kill();
        await plugin.exited;
        throw new Error(
            `The plugin printed no port: ${(error as Error).message}\nstdout:\n${plugin.stdout()}\nstderr:\n${plugin.stderr()}`,
        );
    }
}

/** Step 3: a gRPC client of the port, once the channel is ready. */
async function connect(modules: GrpcModules, port: number, timeoutMs: number): Promise<ResourceProviderClient> {
    const client = new modules.Client(`127.0.0.1:${port}`, modules.grpc.credentials.createInsecure());
    await new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve())),
    );
    return client;
}

/** Step 4: the engine's calls, as requests built with the SDK's own classes. */
function pluginCalls(
    modules: GrpcModules,
    client: ResourceProviderClient,
): Omit<Plugin, "port" | "pid" | "output" | "stop"> {
    const { grpc: grpcJs, providerPb, statusPb, structPb } = modules;
    /** The `grpc-status-details-bin` trailer the SDK's server sends for a failure with an id. */
    const recordedFailure = (error: grpc.ServiceError): RecordedFailure | undefined => {
        const [bytes] = error.metadata?.get("grpc-status-details-bin") ?? [];
        if (!(bytes instanceof Uint8Array)) return undefined;
        const [detail] = statusPb.Status.deserializeBinary(bytes).getDetailsList();
        if (!detail) return undefined;
        const failed = providerPb.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
        return {
            id: failed.getId(),
            properties: failed.getProperties()?.toJavaScript() ?? {},
            reasons: failed.getReasonsList(),
        };
    };
    const toStruct = (value: Props): StructPb.Struct =>
        structPb.Struct.fromJavaScript(withoutUndefined(value) as Record<string, StructPb.JavaScriptValue>);
    const fromStruct = (struct: StructPb.Struct | undefined): Props => (struct ? struct.toJavaScript() : {});

    function unary<Response>(
        method: string,
        options: CallOptions | undefined,
        invoke: (
            metadata: grpc.Metadata,
            callOptions: Partial<grpc.CallOptions>,
            callback: (error: grpc.ServiceError | null, response: Response) => void,
        ) => void,
    ): Promise<Response> {
        return new Promise((resolve, reject) => {
            invoke(
                new grpcJs.Metadata(),
                { deadline: Date.now() + (options?.timeoutMs ?? 30_000) },
                (error, response) => {
                    if (error) reject(new PluginCallError(method, error.code, error.details, recordedFailure(error)));
                    else resolve(response);
                },
            );
        });
    }

    return {
        async configure(config, callOptions) {
            const request = new providerPb.ConfigureRequest();
            const secretKeys = new Set(callOptions?.secretKeys ?? []);
            const args: Props = {};
            for (const [key, value] of Object.entries(config)) {
                const separator = key.indexOf(":");
                const variable = separator < 0 ? key : `${key.slice(0, separator)}:config:${key.slice(separator + 1)}`;
                request.getVariablesMap().set(variable, value);
                args[key] = secretKeys.has(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
            }
            request.setArgs(toStruct(args));
            request.setAcceptsecrets(true);
            request.setAcceptresources(true);
            const response = await unary<ProviderPb.ConfigureResponse>("Configure", callOptions, (m, o, cb) =>
                client.configure(request, m, o, cb),
            );
            return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
        },

        async check(urn, olds, news, callOptions) {
            const request = new providerPb.CheckRequest();
            const { type, name } = typeAndName(urn);
            request.setUrn(urn).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news));
            request.setRandomseed(new Uint8Array(32));
            const response = await unary<ProviderPb.CheckResponse>("Check", callOptions, (m, o, cb) =>
                client.check(request, m, o, cb),
            );
            return {
                inputs: fromStruct(response.getInputs()),
                failures: response
                    .getFailuresList()
                    .map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
            };
        },

        async diff(id, urn, olds, news, callOptions) {
            const request = new providerPb.DiffRequest();
            const { type, name } = typeAndName(urn);
            request.setId(id).setUrn(urn).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news));
            if (callOptions?.oldInputs) request.setOldInputs(toStruct(callOptions.oldInputs));
            request.setIgnorechangesList(callOptions?.ignoreChanges ?? []);
            const response = await unary<ProviderPb.DiffResponse>("Diff", callOptions, (m, o, cb) =>
                client.diff(request, m, o, cb),
            );
            const changes = response.getChanges();
            const { DiffChanges } = providerPb.DiffResponse;
            return {
                changes:
                    changes === DiffChanges.DIFF_SOME ? "some" : changes === DiffChanges.DIFF_NONE ? "none" : "unknown",
                replaces: response.getReplacesList(),
                stables: response.getStablesList(),
                deleteBeforeReplace: response.getDeletebeforereplace(),
                diffs: response.getDiffsList(),
            };
        },

        async create(urn, properties, callOptions) {
            const request = new providerPb.CreateRequest();
            const { type, name } = typeAndName(urn);
            request.setUrn(urn).setName(name).setType(type).setProperties(toStruct(properties));
            request.setPreview(callOptions?.preview ?? false);
            const response = await unary<ProviderPb.CreateResponse>("Create", callOptions, (m, o, cb) =>
                client.create(request, m, o, cb),
            );
            return { id: response.getId(), properties: fromStruct(response.getProperties()) };
        },

        async read(id, urn, properties, inputs, callOptions) {
            const request = new providerPb.ReadRequest();
            const { type, name } = typeAndName(urn);
            request.setId(id).setUrn(urn).setName(name).setType(type);
            if (properties) request.setProperties(toStruct(properties));
            if (inputs) request.setInputs(toStruct(inputs));
            const response = await unary<ProviderPb.ReadResponse>("Read", callOptions, (m, o, cb) =>
                client.read(request, m, o, cb),
            );
            return {
                id: response.getId(),
                properties: fromStruct(response.getProperties()),
                inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
            };
        },

        async update(id, urn, olds, news, callOptions) {
            const request = new providerPb.UpdateRequest();
            const { type, name } = typeAndName(urn);
            request.setId(id).setUrn(urn).setName(name).setType(type).setOlds(toStruct(olds)).setNews(toStruct(news));
            request.setPreview(callOptions?.preview ?? false);
            if (callOptions?.oldInputs) request.setOldInputs(toStruct(callOptions.oldInputs));
            const response = await unary<ProviderPb.UpdateResponse>("Update", callOptions, (m, o, cb) =>
                client.update(request, m, o, cb),
            );
            return { properties: fromStruct(response.getProperties()) };
        },

        async invoke(token, args, callOptions) {
            const request = new providerPb.InvokeRequest().setTok(token).setArgs(toStruct(args));
            const response = await unary<ProviderPb.InvokeResponse>("Invoke", callOptions, (m, o, cb) =>
                client.invoke(request, m, o, cb),
            );
            return fromStruct(response.getReturn());
        },

        async delete(id, urn, properties, callOptions) {
            const request = new providerPb.DeleteRequest();
            const { type, name } = typeAndName(urn);
            request.setId(id).setUrn(urn).setName(name).setType(type).setProperties(toStruct(properties));
            if (callOptions?.oldInputs) request.setOldInputs(toStruct(callOptions.oldInputs));
            await unary<unknown>("Delete", callOptions, (m, o, cb) => client.delete(request, m, o, cb));
        },
    };
}

/** Starts the plugin for the consumer program and connects to it, as the engine does. */
export async function startPlugin(consumer: Consumer, options: StartPluginOptions = {}): Promise<Plugin> {
    const modules = loadGrpc(consumer.sdkDir);
    const startTimeoutMs = options.startTimeoutMs ?? 20_000;
    const child = spawnPlugin(consumer, options.env);
    const port = await portOf(child, startTimeoutMs);
    const client = await connect(modules, port, startTimeoutMs);
    return pluginHandle(modules, client, child, port);
}

function pluginHandle(
    modules: GrpcModules,
    client: ResourceProviderClient,
    child: StartedProcess,
    port: number,
): Plugin {
    let stopped: Promise<StoppedPlugin> | undefined;
    return {
        port,
        pid: child.pid,
        ...pluginCalls(modules, client),
        output() {
            return { stdout: child.stdout(), stderr: child.stderr() };
        },
        stop() {
            stopped ??= (async () => {
                client.close();
                const { code, signal } = await child.stop(2_000);
                return { stdout: child.stdout(), stderr: child.stderr(), code, signal };
            })();
            return stopped;
        },
    };
}

/**
 * The cross-language `ultravox` plugin (provider/package/plugin/pulumi-resource-ultravox), started
 * as the engine starts it, behind the same calls as the dynamic-provider plugin: the two doors to
 * one lifecycle, driven alike. Configure it with `{ apiKey, baseUrl }` (an explicit provider's
 * arguments; `secretKeys: ["apiKey"]` sends the key as the engine does). `launcher`: another
 * plugin started the same way (the benchmarks' do-nothing provider).
 */
export async function startPackageProvider(options: StartPluginOptions & { launcher?: string } = {}): Promise<Plugin> {
    const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const modules = loadGrpc(sdkDir);
    const startTimeoutMs = options.startTimeoutMs ?? 20_000;
    const launcher =
        options.launcher ?? path.join(REPO_ROOT, "provider", "package", "plugin", "pulumi-resource-ultravox");
    // This process's node first on PATH: the launcher wants Node ≥ 22.12.
    const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`, ...options.env };
    // No engine address: the plugin's warnings go to its stderr, where a test reads them.
    const child = start(launcher, [], { cwd: REPO_ROOT, env: childEnv(env) });
    const port = await portOf(child, startTimeoutMs);
    const client = await connect(modules, port, startTimeoutMs);
    return pluginHandle(modules, client, child, port);
}

export interface SerializedProvider {
    /** `__provider` exactly as the SDK serialized it. */
    text: string;
    /** The type token the SDK sent (`pulumi-nodejs:dynamic/ultravox:SipConfig`). */
    type: string;
    /** The id sent with the read (`sip`); empty for the managed form, which registers instead. */
    id: string;
    /** Names of the input properties sent, `__provider` included. */
    inputKeys: string[];
}

export interface SerializeOptions {
    /** `new SipConfig(name, args)` (the managed provider) instead of `SipConfig.get(name, "sip", state)`. */
    managed?: boolean;
    /** `new SipRegistration(name, args)` instead. */
    registration?: boolean;
    /** Arguments of the constructor or `get`; plain values (the program wraps apiKey as a secret itself). */
    args?: Props;
    /** Stack config the program sees, namespaced (`ultravox:apiKey`). */
    config?: Record<string, string>;
    env?: Record<string, string | undefined>;
}

const RESULT_MARK = "@@serialized-provider@@";

/**
 * The program side, in the consumer folder: `SipConfig.get("ultravox-sip", "sip", args)` (or, managed,
 * `new SipConfig("ultravox-sip", args)`) under `pulumi.runtime.setMocks`, which serializes the
 * provider on the SDK's own path; the request's `__provider` is printed back.
 */
const SERIALIZE_SCRIPT = `
const pulumi = require("@pulumi/pulumi");
const { args, config, managed, registration } = JSON.parse(process.env.SERIALIZE_REQUEST);
const timer = setTimeout(() => { console.error("no read arrived"); process.exit(3); }, 15000);
pulumi.runtime.setAllConfig(config, Object.keys(config));
pulumi.runtime.setMocks({
    newResource(request) {
        if (request.type.startsWith("pulumi-nodejs:dynamic/")) {
            clearTimeout(timer);
            process.stdout.write(${JSON.stringify(RESULT_MARK)} + JSON.stringify({
                text: request.inputs.__provider,
                type: request.type,
                id: request.id || "",
                inputKeys: Object.keys(request.inputs),
            }) + "\\n");
        }
        return { id: request.id || "id", state: {} };
    },
    call: () => ({}),
}, "proj", "dev").then(() => {
    const { SipConfig, SipRegistration } = require("pulumi-ultravox");
    if (registration) new SipRegistration("ultravox-registration", args);
    else if (managed) new SipConfig("ultravox-sip", args);
    else SipConfig.get("ultravox-sip", "sip", args);
});
`;

export async function serializedProvider(
    consumer: Consumer,
    options: SerializeOptions = {},
): Promise<SerializedProvider> {
    const result = await runNode(["-e", SERIALIZE_SCRIPT], {
        cwd: consumer.dir,
        env: childEnv({
            ...options.env,
            SERIALIZE_REQUEST: JSON.stringify({
                args: options.args ?? {},
                config: options.config ?? {},
                managed: options.managed ?? false,
                registration: options.registration ?? false,
            }),
        }),
        timeoutMs: 30_000,
    });
    const line = result.stdout.split("\n").find((candidate) => candidate.startsWith(RESULT_MARK));
    if (!line) {
        throw new Error(
            `The serialize script printed no provider (${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
        );
    }
    return JSON.parse(line.slice(RESULT_MARK.length)) as SerializedProvider;
}

export interface ProviderTextRun {
    /** What `read` returned, or undefined when something threw. */
    result: { id?: string; props?: Props } | undefined;
    /** The message of what threw, if anything did. */
    error: string | undefined;
    stdout: string;
    stderr: string;
}

/**
 * Runs serialized provider text in a fresh Node process in the consumer folder, without the
 * plugin or the SDK: `require(<file>).handler()`, `configure({ config })`, then `read(id, props)`.
 */
export async function runProviderText(
    consumer: Consumer,
    text: string,
    request: { config: Record<string, string>; id: string; props: Props; env?: Record<string, string | undefined> },
): Promise<ProviderTextRun> {
    const file = path.join(consumer.dir, `serialized-provider-${process.pid}-${Date.now()}.js`);
    fs.writeFileSync(file, text);
    const script = `
const { config, id, props } = JSON.parse(process.env.PROVIDER_REQUEST);
const report = (value) => process.stdout.write(${JSON.stringify(RESULT_MARK)} + JSON.stringify(value) + "\\n");
(async () => {
    const provider = require(${JSON.stringify(file)}).handler();
    await provider.configure({ config: { get: (key) => config[key], require: (key) => config[key] } });
    report({ result: await provider.read(id, props) });
})().catch((error) => report({ error: String(error && error.message) }));
`;
    try {
        const run = await runNode(["-e", script], {
            cwd: consumer.dir,
            env: childEnv({ ...request.env, PROVIDER_REQUEST: JSON.stringify(request) }),
            timeoutMs: 30_000,
        });
        const line = run.stdout.split("\n").find((candidate) => candidate.startsWith(RESULT_MARK));
        if (!line) {
            throw new Error(`The provider text printed nothing (${run.code ?? run.signal}):\n${run.stderr}`);
        }
        const reported = JSON.parse(line.slice(RESULT_MARK.length)) as Pick<ProviderTextRun, "result" | "error">;
        return { result: reported.result, error: reported.error, stdout: run.stdout, stderr: run.stderr };
    } finally {
        fs.rmSync(file, { force: true });
    }
}
