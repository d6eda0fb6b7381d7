/**
 * What the dynamic provider does. The serialized provider (dynamicProvider.ts) loads this
 * module as `pulumi-ultravox/provider-impl` at call time: that subpath is written into every
 * state file and re-used on refresh, so it must never be renamed.
 *
 * The lifecycle itself lives in lifecycle/sipConfig.ts, shared with the cross-language plugin;
 * this door only adds what the dynamic provider's wire needs (`__provider` in a recorded failure).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    type ManagedProps,
    type RecordedState,
    recordedFailureOf,
    refuseCreateOfRead as refuse,
    SipConfigLifecycle,
} from "../lifecycle/sipConfig";
import { type RegistrationProps, type RegistrationState, SipRegistrationLifecycle } from "../lifecycle/sipRegistration";

export type { ManagedProps, RecordedState };

/** Per plugin process: the engine configures it once, with the stack config. */
let lifecycle = new SipConfigLifecycle();
let registrations = new SipRegistrationLifecycle();

export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const config = req.config;
    const context = { config: (key: string) => config.get(key) };
    lifecycle = new SipConfigLifecycle(context);
    registrations = new SipRegistrationLifecycle(context);
}

/**
 * A recorded failure's state must carry the serialized provider, as every state of a dynamic
 * resource does, or the engine could not call this provider for the resource again.
 */
function withProvider(error: unknown, providerText: unknown): unknown {
    const recorded = recordedFailureOf(error);
    if (recorded) Object.assign(error as Error, { properties: { ...recorded.properties, __provider: providerText } });
    return error;
}

/**
 * A refresh stores what it reads under the secret marks of the state it refreshes: a field that
 * state's resource did not list as secret (a state of 0.1.0 has no `keyFingerprint`) would be
 * stored in plaintext. So a refresh adds no such field; the next create or update records it,
 * under the marks the program gives.
 */
function withoutSecretsTheStateLacks<T extends { keyFingerprint?: string }>(recorded: T, read: T | undefined): void {
    if (read !== undefined && recorded.keyFingerprint === undefined) delete read.keyFingerprint;
}

export async function read(id: string, props: RecordedState): Promise<pulumi.dynamic.ReadResult<RecordedState>> {
    const result = await lifecycle.read(id, props);
    withoutSecretsTheStateLacks(props, result.props);
    return result;
}

export async function check(olds: ManagedProps, news: ManagedProps): Promise<pulumi.dynamic.CheckResult<ManagedProps>> {
    return lifecycle.check(olds, news);
}

export async function diff(id: string, olds: RecordedState, news: ManagedProps): Promise<pulumi.dynamic.DiffResult> {
    return lifecycle.diff(id, olds, news);
}

export async function create(inputs: ManagedProps & { __provider?: string }): Promise<pulumi.dynamic.CreateResult> {
    return lifecycle.create(inputs).catch((error: unknown) => Promise.reject(withProvider(error, inputs.__provider)));
}

/** The read-only provider's create: `SipConfig.get` reads the account's config and never creates one. */
export async function refuseCreateOfRead(): Promise<never> {
    refuse();
}

export async function update(
    id: string,
    olds: RecordedState,
    news: ManagedProps & { __provider?: string },
): Promise<pulumi.dynamic.UpdateResult> {
    return lifecycle
        .update(id, olds, news)
        .catch((error: unknown) => Promise.reject(withProvider(error, news.__provider)));
}

export async function deleteResource(id: string, props: RecordedState): Promise<void> {
    return lifecycle.delete(id, props);
}

/** `SipRegistration`'s steps: the same lifecycle as the plugin's `ultravox:index:SipRegistration`. */
export async function registrationCheck(
    olds: RegistrationProps,
    news: RegistrationProps,
): Promise<pulumi.dynamic.CheckResult<RegistrationProps>> {
    return registrations.check(olds, news);
}

export async function registrationDiff(
    id: string,
    olds: RegistrationState,
    news: RegistrationProps,
): Promise<pulumi.dynamic.DiffResult> {
    return registrations.diff(id, olds, news);
}

export async function registrationCreate(
    inputs: RegistrationProps & { __provider?: string },
): Promise<pulumi.dynamic.CreateResult> {
    return registrations
        .create(inputs)
        .catch((error: unknown) => Promise.reject(withProvider(error, inputs.__provider)));
}

export async function registrationRead(
    id: string,
    props: RegistrationState,
): Promise<pulumi.dynamic.ReadResult<RegistrationState>> {
    const read = await registrations.read(id, props);
    withoutSecretsTheStateLacks(props, read.props);
    // Gone: no id, and the engine forgets the resource (a refresh) or fails the get.
    return read.id === "" ? {} : read;
}

export async function registrationUpdate(
    id: string,
    olds: RegistrationState,
    news: RegistrationProps & { __provider?: string },
): Promise<pulumi.dynamic.UpdateResult> {
    return registrations
        .update(id, olds, news)
        .catch((error: unknown) => Promise.reject(withProvider(error, news.__provider)));
}

export async function registrationDelete(id: string, props: RegistrationState): Promise<void> {
    return registrations.delete(id, props);
}
