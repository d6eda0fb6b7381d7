/**
 * What the dynamic provider does. The serialized provider (dynamicProvider.ts) loads this
 * module as `pulumi-ultravox/provider-impl` at call time: that subpath is written into every
 * state file and re-used on refresh, so it must never be renamed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { UltravoxClient } from "./client";
import { type SipConfigOutputs, toOutputs } from "./outputs";
import { resolveSettings } from "./settings";

/** The inputs the data source sends; all optional (unknown ones are dropped at preview). */
export interface SipConfigReadProps {
    apiKey?: string;
    baseUrl?: string;
    timeoutMs?: number;
    maxRetries?: number;
}

export type SipConfigState = SipConfigOutputs & Pick<SipConfigReadProps, "apiKey" | "baseUrl">;

/** The stack config the engine handed over in `configure`; per plugin process. */
let stackConfig: ((key: string) => string | undefined) | undefined;

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const config = req.config;
    stackConfig = (key) => config.get(key);
}

function warn(message: string): void {
    // The engine shows the plugin's stderr with the resource; the message never holds a credential.
    console.error(`warning: pulumi-ultravox: ${message}`);
}

export async function read(id: string, props: SipConfigReadProps): Promise<pulumi.dynamic.ReadResult<SipConfigState>> {
    const settings = resolveSettings({
        args: { apiKey: props.apiKey, baseUrl: props.baseUrl },
        config: stackConfig,
        env: process.env,
    });
    const client = new UltravoxClient({
        ...settings,
        ...(typeof props.timeoutMs === "number" ? { timeoutMs: props.timeoutMs } : {}),
        ...(typeof props.maxRetries === "number" ? { maxRetries: props.maxRetries } : {}),
        onWarning: warn,
    });
    const data = await client.getSipConfig();
    // An explicit key and base URL are kept (the key as a secret output) so that a refresh,
    // which hands the provider the old outputs only, reads the same account again.
    const state: SipConfigState = { ...toOutputs(data) };
    if (props.apiKey) state.apiKey = props.apiKey;
    if (props.baseUrl) state.baseUrl = props.baseUrl;
    if (typeof props.timeoutMs === "number") Object.assign(state, { timeoutMs: props.timeoutMs });
    if (typeof props.maxRetries === "number") Object.assign(state, { maxRetries: props.maxRetries });
    return { id: id || "sip", props: state };
}
