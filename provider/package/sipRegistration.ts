/**
 * `ultravox:index:SipRegistration` over the plugin's wire: the lifecycle the TypeScript dynamic
 * provider runs (lifecycle/sipRegistration.ts), the password kept secret on the way out whatever
 * the way in, and the connection settings taken from the provider's configuration.
 */

import { type DiffResult, recordedFailureOf } from "../lifecycle/sipConfig";
import {
    REGISTRATION_INPUTS,
    REGISTRATION_SECRET_NAMES,
    type RegistrationProps,
    type RegistrationState,
    SipRegistrationLifecycle,
} from "../lifecycle/sipRegistration";
import type { ProviderSettings } from "./settings";
import { lifecycleContext, unknownInputs, unwrapSecrets, type WireProperties, wrapSecrets } from "./wire";

function toWire(state: RegistrationState): WireProperties {
    return wrapSecrets({ ...state }, REGISTRATION_SECRET_NAMES);
}

/** A recorded failure's state (a registration that is not active) leaves in the wire form too, secrets wrapped. */
function recordedOnWire(error: unknown): unknown {
    const recorded = recordedFailureOf(error);
    if (recorded)
        Object.assign(error as Error, { properties: toWire(recorded.properties as unknown as RegistrationState) });
    return error;
}

export class SipRegistrationResource {
    private readonly lifecycle: SipRegistrationLifecycle;

    constructor(private readonly settings: ProviderSettings) {
        this.lifecycle = new SipRegistrationLifecycle(lifecycleContext(settings));
    }

    async check(olds: WireProperties, news: WireProperties): Promise<{ property: string; reason: string }[]> {
        const unknownNames = unknownInputs(news, REGISTRATION_INPUTS, "SipRegistration");
        const checked = await this.lifecycle.check(
            unwrapSecrets(olds) as RegistrationProps,
            unwrapSecrets(news) as RegistrationProps,
        );
        return [...unknownNames, ...checked.failures];
    }

    diff(id: string, olds: WireProperties, news: WireProperties): Promise<DiffResult> {
        return this.lifecycle.diff(
            id,
            unwrapSecrets(olds) as RegistrationState,
            unwrapSecrets(news) as RegistrationProps,
        );
    }

    async create(news: WireProperties): Promise<{ id: string; properties: WireProperties }> {
        const created = await this.lifecycle
            .create(unwrapSecrets(news) as RegistrationProps)
            .catch((error: unknown) => Promise.reject(recordedOnWire(error)));
        return { id: created.id, properties: toWire(created.outs) };
    }

    /** A refresh (the prior state given), or an import or `get` (an id alone). */
    async read(
        id: string,
        properties: WireProperties,
    ): Promise<{ id: string; properties?: WireProperties; inputs?: WireProperties }> {
        if (this.settings.unknown) return { id };
        if (Object.keys(properties).length > 0) {
            const refreshed = await this.lifecycle.read(id, unwrapSecrets(properties) as RegistrationState);
            return refreshed.props ? { id: refreshed.id, properties: toWire(refreshed.props) } : { id: "" };
        }
        const adopted = await this.lifecycle.adopt(id);
        return { id: adopted.id, properties: toWire(adopted.props), inputs: { ...adopted.inputs } };
    }

    async update(id: string, olds: WireProperties, news: WireProperties): Promise<WireProperties> {
        const updated = await this.lifecycle
            .update(id, unwrapSecrets(olds) as RegistrationState, unwrapSecrets(news) as RegistrationProps)
            .catch((error: unknown) => Promise.reject(recordedOnWire(error)));
        return toWire(updated.outs);
    }

    delete(id: string, properties: WireProperties): Promise<void> {
        return this.lifecycle.delete(id, unwrapSecrets(properties) as RegistrationState);
    }

    /** `getSipRegistrations` in every language: every registration, every page. */
    async list(): Promise<{ registrations: WireProperties[] }> {
        return { registrations: (await this.lifecycle.list()) as unknown as WireProperties[] };
    }
}
