/**
 * What the emulator does with its registrations, as Ultravox does: one SIP client per
 * registration whose proxy (or outbound proxy) is a loopback address, started when it is created,
 * restarted (after taking the old binding back) when a PATCH changes what it registers, stopped
 * (taking the binding back) when it is deleted. Each outcome sets the registration's `successful`.
 * Any other proxy is never contacted, and its `successful` stays as it is (null: not known).
 */
import type { Clock } from "../core/clock";
import { SipRegistrant } from "./sip/registrant";
import { registerTarget } from "./sip/target";
import type { EmulatorRegistration, EmulatorSipOptions } from "./types";

/** What a client registers: a change of any of these is a new binding. */
function bindingOf(registration: EmulatorRegistration): string | undefined {
    const target = registerTarget(registration);
    if (!target) return undefined;
    const { username, password, authUser } = registration;
    return JSON.stringify([
        username,
        password,
        authUser ?? null,
        registration.proxy,
        registration.outboundProxy ?? null,
    ]);
}

export class SipRegistrar {
    /** Every client not yet closed, stopping ones included: close aborts them all. */
    readonly #all = new Set<SipRegistrant>();
    readonly #clients = new Map<string, { binding: string; client: SipRegistrant }>();
    /** Stops in flight (un-REGISTERs), awaited by close. */
    readonly #stopping = new Set<Promise<void>>();

    constructor(
        private readonly registrations: () => EmulatorRegistration[],
        private readonly clock: Clock,
        private readonly options: EmulatorSipOptions = {},
    ) {}

    /** Brings the clients in line with the registrations as they are now. */
    sync(): void {
        const wanted = new Map<string, string>();
        for (const registration of this.registrations()) {
            const binding = bindingOf(registration);
            if (binding !== undefined) wanted.set(registration.registrationId, binding);
        }
        /** The un-REGISTER of a registration's old binding, which its new one waits for. */
        const takenBack = new Map<string, Promise<void>>();
        for (const [id, running] of this.#clients) {
            if (wanted.get(id) === running.binding) continue;
            this.#clients.delete(id);
            takenBack.set(id, this.#stop(running.client, true));
        }
        for (const registration of this.registrations()) {
            const binding = wanted.get(registration.registrationId);
            if (binding === undefined || this.#clients.has(registration.registrationId)) continue;
            // Not known until the first REGISTER is answered.
            registration.successful = null;
            this.#start(registration, binding, takenBack.get(registration.registrationId));
        }
    }

    /** Starts a client for the registration, after the old binding is taken back (a change), so the two never race. */
    #start(registration: EmulatorRegistration, binding: string, after: Promise<void> = Promise.resolve()): void {
        const id = registration.registrationId;
        const target = registerTarget(registration);
        if (!target) return;
        const client = new SipRegistrant({
            username: registration.username,
            authUser: registration.authUser ?? null,
            password: registration.password,
            target,
            clock: this.clock,
            expiresSeconds: this.options.expiresSeconds ?? 300,
            retryMs: this.options.retryMs ?? 30_000,
            transactionTimeoutMs: this.options.transactionTimeoutMs ?? 8000,
            onStatus: (successful) => {
                // Only while this client is the registration's: a replaced one reports nothing.
                if (this.#clients.get(id)?.client !== client) return;
                const current = this.registrations().find((candidate) => candidate.registrationId === id);
                if (current) current.successful = successful;
            },
        });
        this.#clients.set(id, { binding, client });
        this.#all.add(client);
        after
            .then(() => client.start())
            .catch(() => {
                if (this.#clients.get(id)?.client !== client) return;
                const current = this.registrations().find((candidate) => candidate.registrationId === id);
                if (current) current.successful = false;
            });
    }

    #stop(client: SipRegistrant, unregister: boolean): Promise<void> {
        const stopping = client.stop(unregister).finally(() => {
            this.#stopping.delete(stopping);
            this.#all.delete(client);
        });
        this.#stopping.add(stopping);
        return stopping;
    }

    /** Closes every client at once, un-REGISTERs in flight included (the service went away). */
    async close(): Promise<void> {
        this.#clients.clear();
        for (const client of this.#all) client.abort();
        this.#all.clear();
        await Promise.all([...this.#stopping]);
    }
}
