/**
 * `ultravox:index:SipConfig` over the plugin's wire: the lifecycle the TypeScript dynamic provider
 * runs (lifecycle/sipConfig.ts), with the engine's secret envelopes taken off on the way in and
 * put back on the way out, so that what holds a secret is stored encrypted, and the connection
 * settings taken from the provider's configuration.
 */
import type { SipConfigData } from "../core/types";
import { type GetSipConfigResult, SIP_CONFIG_ID, toOutputs } from "../lifecycle/outputs";
import {
    checkSipConfigId,
    type DiffResult,
    type ManagedProps,
    type RecordedState,
    recordedFailureOf,
    SECRET_STATE_NAMES,
    SipConfigLifecycle,
} from "../lifecycle/sipConfig";
import { type AgentDialTarget, agentDialTargets } from "../routing/dial";
import type { ProviderSettings } from "./settings";
import { lifecycleContext, unknownInputs, unwrapSecrets, type WireProperties, wrapSecrets } from "./wire";

export type { WireProperties };

/** The resource's inputs, as the schema lists them; anything else is refused by check. */
export const SIP_CONFIG_INPUT_NAMES = [
    "allowedCidrRanges",
    "allowAllAgents",
    "allowedAgents",
    "fallbackHandler",
    "restoreOnDelete",
] as const;

const READ_HOW =
    'read it with SipConfig.get(name, "sip"), or adopt it with `pulumi import ultravox:index:SipConfig <name> sip`';

/** A state as the engine stores it: secrets wrapped, no undefined member, and the dial targets added. */
function toWire(state: RecordedState): WireProperties {
    return wrapSecrets({ ...state, agentDialTargets: agentDialTargets(state as SipConfigData) }, [
        ...SECRET_STATE_NAMES,
        "apiKey",
    ]);
}

/** A recorded failure's state leaves in the wire form too: the engine stores it as is. */
function recordedOnWire(error: unknown): unknown {
    const recorded = recordedFailureOf(error);
    if (recorded) Object.assign(error as Error, { properties: toWire(recorded.properties) });
    return error;
}

export class SipConfigResource {
    private readonly lifecycle: SipConfigLifecycle;

    constructor(private readonly settings: ProviderSettings) {
        this.lifecycle = new SipConfigLifecycle(lifecycleContext(settings));
    }

    /**
     * The read behind `getSipConfig` in every language: the outputs of the TypeScript read, plus
     * how to dial each agent (`agentDialTargets`), which programs in YAML cannot compute themselves.
     */
    async readConfig(): Promise<GetSipConfigResult & { agentDialTargets: AgentDialTarget[] }> {
        const { props } = await this.lifecycle.read(SIP_CONFIG_ID, {} as RecordedState);
        const outputs = toOutputs(props);
        return { ...outputs, agentDialTargets: agentDialTargets(outputs) };
    }

    async check(olds: WireProperties, news: WireProperties): Promise<{ property: string; reason: string }[]> {
        const unknownNames = unknownInputs(news, SIP_CONFIG_INPUT_NAMES, "SipConfig");
        const checked = await this.lifecycle.check(
            unwrapSecrets(olds) as ManagedProps,
            unwrapSecrets(news) as ManagedProps,
        );
        return [...unknownNames, ...checked.failures];
    }

    diff(_id: string, olds: WireProperties, news: WireProperties): Promise<DiffResult> {
        return this.lifecycle.diff(_id, unwrapSecrets(olds) as RecordedState, unwrapSecrets(news) as ManagedProps);
    }

    async create(news: WireProperties): Promise<{ id: string; properties: WireProperties }> {
        const created = await this.lifecycle
            .create(unwrapSecrets(news) as ManagedProps)
            .catch((error: unknown) => Promise.reject(recordedOnWire(error)));
        return { id: created.id, properties: toWire(created.outs) };
    }

    /**
     * A refresh (the prior state given) reads the recorded account. A first read, which is both
     * `SipConfig.get` and `pulumi import` (the engine's requests do not tell them apart), adopts:
     * the engine keeps the inputs only for an import.
     */
    async read(
        id: string,
        properties: WireProperties,
    ): Promise<{ id: string; properties?: WireProperties; inputs?: WireProperties }> {
        checkSipConfigId(id, READ_HOW);
        // Settings not known yet (preview): read nothing, as the TypeScript data source.
        if (this.settings.unknown) return { id };
        if (Object.keys(properties).length > 0) {
            const refreshed = await this.lifecycle.read(id, unwrapSecrets(properties) as RecordedState);
            return { id: refreshed.id, properties: toWire(refreshed.props) };
        }
        const adopted = await this.lifecycle.adopt(id);
        return { id: adopted.id, properties: toWire(adopted.props), inputs: { ...adopted.inputs } };
    }

    async update(id: string, olds: WireProperties, news: WireProperties): Promise<WireProperties> {
        const updated = await this.lifecycle
            .update(id, unwrapSecrets(olds) as RecordedState, unwrapSecrets(news) as ManagedProps)
            .catch((error: unknown) => Promise.reject(recordedOnWire(error)));
        return toWire(updated.outs);
    }

    delete(id: string, properties: WireProperties): Promise<void> {
        return this.lifecycle.delete(id, unwrapSecrets(properties) as RecordedState);
    }
}
