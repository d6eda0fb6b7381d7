/**
 * A setMocks engine that behaves like the real one where it matters to us: a read of a
 * dynamic resource runs the real serialized provider text (configure with the stack
 * config, then read), and outputs named in additionalSecretOutputs come back as secrets.
 * Import the program under test only after `installMockEngine`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    type: string;
    name: string;
    id: string | undefined;
    inputs: Record<string, unknown>;
    additionalSecretOutputs: string[];
    state: Record<string, unknown>;
}

export interface MockEngine {
    resources: RecordedResource[];
    providerTexts: string[];
}

const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    unwrapRpcSecret(v: unknown): unknown;
    isRpcSecret(v: unknown): boolean;
};
export const isRpcSecret = (value: unknown): boolean => rpc.isRpcSecret(value);
export const unwrapRpcSecret = (value: unknown): unknown => rpc.unwrapRpcSecret(value);
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const requireFromString = require(require.resolve("require-from-string", { paths: [sdkDir] })) as (
    code: string,
    filename?: string,
) => { handler: () => pulumi.dynamic.ResourceProvider };

export interface MockEngineOptions {
    /** Namespaced stack config, as `pulumi config set` would store it. */
    config?: Record<string, string>;
    secretKeys?: string[];
    /** State for resources that are not dynamic (a fake cloud): inputs echoed by default. */
    otherResource?: (args: pulumi.runtime.MockResourceArgs) => { id: string; state: Record<string, unknown> };
    /**
     * The id and outputs of a dynamic resource's create (a register, no id), from its inputs with
     * top-level secrets unwrapped. The provider is not run for creates here: this checks what a
     * program registers; the real create/update/delete lifecycle is proven through the plugin in
     * tests/plugin/managed.test.ts. Without this option a create fails, as before.
     */
    dynamicCreate?: (
        args: pulumi.runtime.MockResourceArgs,
        inputs: Record<string, unknown>,
    ) => { id: string; state: Record<string, unknown> };
    preview?: boolean;
}

export async function installMockEngine(options: MockEngineOptions = {}): Promise<MockEngine> {
    const engine: MockEngine = { resources: [], providerTexts: [] };
    const config = options.config ?? {};
    pulumi.runtime.setAllConfig(config, options.secretKeys ?? Object.keys(config));
    const configured = new Map<string, pulumi.dynamic.ResourceProvider>();
    const secretOutputsByName = new Map<string, string[]>();

    await pulumi.runtime.setMocks(
        {
            async newResource(args) {
                const inputs = args.inputs as Record<string, unknown>;
                const additionalSecretOutputs = secretOutputsByName.get(`${args.type}::${args.name}`) ?? [];
                let id: string;
                let state: Record<string, unknown>;
                if (args.type.startsWith("pulumi-nodejs:dynamic/")) {
                    const text = inputs.__provider as string;
                    engine.providerTexts.push(text);
                    // As the engine does for a provider that does not accept secrets: plain values only.
                    const plain = Object.fromEntries(
                        Object.entries(inputs).map(([k, v]) => [k, rpc.unwrapRpcSecret(v)]),
                    );
                    const creating = args.id === undefined || args.id === "";
                    if (creating && options.dynamicCreate) {
                        ({ id, state } = options.dynamicCreate(args, plain));
                        state = { ...state, __provider: text };
                    } else {
                        let provider = configured.get(text);
                        if (!provider) {
                            // The plugin resolves from the program's folder; here the repo root is the program,
                            // and a file name inside it lets the package resolve itself by name.
                            provider = requireFromString(text, path.join(process.cwd(), "__provider__.js")).handler();
                            await provider.configure?.({
                                config: { get: (key) => config[key], require: (key) => config[key] ?? "" },
                            });
                            configured.set(text, provider);
                        }
                        if (creating) throw new Error("only reads are mocked here (pass dynamicCreate for creates)");
                        const result = await provider.read!(args.id as string, plain);
                        id = result.id ?? "";
                        state = { ...(result.props as Record<string, unknown>), __provider: text };
                    }
                } else {
                    ({ id, state } = options.otherResource?.(args) ?? { id: `${args.name}-id`, state: inputs });
                }
                engine.resources.push({
                    type: args.type,
                    name: args.name,
                    id: args.id,
                    inputs,
                    additionalSecretOutputs,
                    state,
                });
                // As the engine does: outputs named in additionalSecretOutputs are stored and returned as secrets.
                const returned: Record<string, unknown> = { ...state };
                for (const key of additionalSecretOutputs) {
                    if (key in returned) returned[key] = pulumi.secret(returned[key]);
                }
                return { id, state: returned };
            },
            call(args) {
                return args.inputs;
            },
        },
        "mock-project",
        "mock-stack",
        options.preview ?? false,
    );

    // The mock monitor drops additionalSecretOutputs; record them from the requests themselves.
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor() as Record<
        string,
        (...a: unknown[]) => unknown
    >;
    for (const method of ["readResource", "registerResource"] as const) {
        const original = monitor[method]!.bind(monitor);
        monitor[method] = (req: unknown, callback: unknown) => {
            const request = req as {
                getType(): string;
                getName(): string;
                getAdditionalsecretoutputsList(): string[];
            };
            // Keyed by type too: two resources of different types may share a name.
            secretOutputsByName.set(
                `${request.getType()}::${request.getName()}`,
                request.getAdditionalsecretoutputsList(),
            );
            return original(req, callback);
        };
    }
    return engine;
}

/** An Output's value and whether it is secret. */
export async function settle<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    const internal = output as unknown as { promise(): Promise<T>; isSecret: Promise<boolean> };
    return { value: await internal.promise(), secret: await internal.isSecret };
}
