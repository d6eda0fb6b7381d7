/**
 * What a SipRegistration resource does at each of the engine's steps, and what it records:
 * written once, called by both doors (pulumi/providerImpl.ts and package/sipRegistration.ts).
 *
 * The password is write-only in the API: it cannot be read back, so the state keeps the one the
 * stack last wrote (a secret), a change in the program is a PATCH, and a password changed outside
 * the stack goes unseen.
 */
import type { UltravoxClient } from "../api/client";
import { loadRegistrationSchema } from "../api/loadSchema";
import type { ConnectionOptions } from "../api/settings";
import { systemClock } from "../core/clock";
import { isUltravoxError, UltravoxError } from "../core/errors";
import { quote } from "../core/quote";
import type { SipRegistrationData, SipRegistrationInput, SipRegistrationPatch } from "../core/types";
import { awaitActive, RegistrationNotActive, waitForActiveIssue } from "./awaitActive";
import {
    clientFor,
    containsUnknown,
    explicitConnection,
    type LifecycleContext,
    propertyPath,
    recordedConnection,
    settingsKnown,
    UNKNOWN,
    warnWith,
} from "./connection";
import type { CheckFailure, DiffResult, RecordedFailure } from "./sipConfig";

/** The fields of the registration a program gives; `password` is write-only. */
export const REGISTRATION_FIELDS = ["username", "password", "proxy", "outboundProxy", "authUser"] as const;
/** Every input of the resource: the registration's fields, and how long a create or update waits for it to be active. */
export const REGISTRATION_INPUTS = [...REGISTRATION_FIELDS, "waitForActiveSeconds"] as const;
/** The fields the API answers with, compared for drift. */
const READABLE_FIELDS = ["username", "proxy", "outboundProxy", "authUser"] as const;
type ReadableField = (typeof READABLE_FIELDS)[number];

export interface RegistrationProps extends ConnectionOptions {
    username?: string;
    password?: string;
    proxy?: string;
    outboundProxy?: string | null;
    authUser?: string | null;
    /** Absent or 0: do not wait. Else create and update read it again until it is active, failing after this long. */
    waitForActiveSeconds?: number | null;
}

/** What the state records: the registration as read, the password written, and the account's base URL. */
export type RegistrationState = SipRegistrationData &
    ConnectionOptions & {
        /** The password the stack last wrote (secret); absent after an import, until the first up. */
        password?: string;
        accountBaseUrl?: string;
    };

export const REGISTRATION_SECRET_NAMES = ["password", "apiKey"] as const;

/**
 * Whether a failed POST may still have created the registration: a lost or garbled answer, or a
 * server error after the request arrived. A refusal (the key, the input, a conflict) created nothing.
 */
function mayHaveReachedServer(error: unknown): boolean {
    if (!isUltravoxError(error)) return true;
    return ["network", "timeout", "server", "invalid_response", "http"].includes(error.code);
}

const wanted = (props: RegistrationProps, field: ReadableField): string | null =>
    (props[field] as string | null | undefined) ?? null;

export class SipRegistrationLifecycle {
    constructor(private readonly context: LifecycleContext = {}) {}

    private client(props: ConnectionOptions): UltravoxClient {
        return clientFor(this.context, props);
    }

    async check(
        olds: RegistrationProps,
        news: RegistrationProps,
    ): Promise<{ inputs: RegistrationProps; failures: CheckFailure[] }> {
        const known: Record<string, unknown> = {};
        for (const field of REGISTRATION_FIELDS) {
            const value = news[field];
            // Unknown at preview: checked at up. An absent optional field is null.
            known[field] = containsUnknown(value) ? placeholderFor(field) : value;
        }
        const failures = loadRegistrationSchema()
            .registrationInputIssues(known)
            .map((issue) => ({ property: propertyPath(issue.path), reason: issue.message }))
            .filter((failure) => !(failure.property === "password" && isImportCheck(olds, news)));
        const waitIssue = containsUnknown(news.waitForActiveSeconds)
            ? undefined
            : waitForActiveIssue(news.waitForActiveSeconds);
        if (waitIssue) failures.push({ property: "waitForActiveSeconds", reason: waitIssue });
        return { inputs: news, failures };
    }

    async diff(_id: string, olds: RegistrationState, news: RegistrationProps): Promise<DiffResult> {
        // Another base URL is another account: the registration there is another one.
        if ((olds.baseUrl ?? "") !== (news.baseUrl ?? "") && news.baseUrl !== UNKNOWN) {
            return { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };
        }
        if (!settingsKnown(this.context, news)) return { changes: true };
        const client = this.client(news);
        if (olds.accountBaseUrl !== undefined && client.baseUrl !== olds.accountBaseUrl) {
            return { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };
        }
        const connectionChanged =
            (olds.apiKey ?? "") !== (news.apiKey ?? "") ||
            olds.timeoutMs !== news.timeoutMs ||
            olds.maxRetries !== news.maxRetries;
        if (connectionChanged || containsUnknown(REGISTRATION_FIELDS.map((field) => news[field])))
            return { changes: true };
        // The password cannot be read: a change is one from what the stack last wrote.
        if (olds.password !== news.password) return { changes: true };
        // Compared with the live registration: an edit in the console shows up as drift.
        const live = await client.getSipRegistration(olds.registrationId).catch((error: unknown) => {
            if (isUltravoxError(error) && error.code === "not_found") return undefined;
            throw error;
        });
        // Deleted outside the stack: created again.
        if (live === undefined) return { changes: true, replaces: ["registrationId"], deleteBeforeReplace: true };
        return { changes: READABLE_FIELDS.some((field) => live[field] !== wanted(news, field)) };
    }

    /**
     * Creates the registration, or takes over the one with the same username and proxy: the one a
     * create whose answer was lost left behind, which the stack could not see otherwise (two
     * registrations of one user at one server would only fight each other).
     */
    async create(inputs: RegistrationProps): Promise<{ id: string; outs: RegistrationState }> {
        const client = this.client(inputs);
        const input = loadRegistrationSchema().checkRegistrationInput(inputOf(inputs));
        const existing = await this.#sameUser(client, input);
        if (existing) {
            warnWith(
                this.context,
                `A SIP registration for ${quote(input.username)} at ${quote(input.proxy)} already exists (${existing.registrationId}): this stack takes it over and writes its password, instead of creating a second one.`,
            );
            return this.#takeOver(client, existing, input, inputs);
        }
        let created: SipRegistrationData;
        try {
            created = await client.createSipRegistration(input);
        } catch (error) {
            if (!mayHaveReachedServer(error)) throw error;
            // The POST may have created it: look once, and adopt what it left.
            const left = await this.#sameUser(client, input).catch(() => undefined);
            if (left) return this.#takeOver(client, left, input, inputs);
            throw Object.assign(error as Error, {
                message: `${(error as Error).message} The create may have reached the server: run \`pulumi up\` again, which takes over a registration for ${quote(input.username)} at ${quote(input.proxy)} if one was created, or list them with \`pulumi-ultravox registrations list\`.`,
            });
        }
        return this.#active(client, created, inputs);
    }

    /**
     * With `waitForActiveSeconds`, the registration once the API says it is active. When it is not,
     * the failure carries the registration's state, so that the engine records it (it exists) and
     * the next `up` runs an update, which waits again.
     */
    async #active(
        client: UltravoxClient,
        written: SipRegistrationData,
        inputs: RegistrationProps,
    ): Promise<{ id: string; outs: RegistrationState }> {
        const seconds = inputs.waitForActiveSeconds ?? 0;
        if (seconds <= 0) return { id: written.registrationId, outs: stateOf(written, inputs, client) };
        try {
            const live = await awaitActive(client, written, seconds, this.context.clock ?? systemClock);
            return { id: live.registrationId, outs: stateOf(live, inputs, client) };
        } catch (error) {
            const last = error instanceof RegistrationNotActive ? error.registration : written;
            const recorded: RecordedFailure<RegistrationState> = {
                id: written.registrationId,
                properties: stateOf(last, inputs, client),
                // The engine prints only the reasons of a recorded failure: keep the code in them.
                reasons: [String(error)],
            };
            throw Object.assign(error as Error, recorded);
        }
    }

    async #sameUser(client: UltravoxClient, input: SipRegistrationInput): Promise<SipRegistrationData | undefined> {
        const matches = (await client.listSipRegistrations()).filter(
            (registration) => registration.username === input.username && registration.proxy === input.proxy,
        );
        if (matches.length > 1) {
            throw new UltravoxError(
                "conflict",
                `The account has ${matches.length} SIP registrations for ${quote(input.username)} at ${quote(input.proxy)} (${matches.map((match) => match.registrationId).join(", ")}): delete all but one (\`pulumi-ultravox registrations remove <id>\`), then run \`pulumi up\` again.`,
            );
        }
        return matches[0];
    }

    async #takeOver(
        client: UltravoxClient,
        existing: SipRegistrationData,
        input: SipRegistrationInput,
        inputs: RegistrationProps,
    ): Promise<{ id: string; outs: RegistrationState }> {
        const updated = await client.updateSipRegistration(existing.registrationId, {
            password: input.password,
            outboundProxy: input.outboundProxy ?? null,
            authUser: input.authUser ?? null,
        });
        return this.#active(client, updated, inputs);
    }

    /** A refresh: the live registration, or nothing when it is gone (the engine then forgets it). */
    async read(id: string, props: RegistrationState): Promise<{ id: string; props?: RegistrationState }> {
        const client = this.client(recordedConnection(props));
        const live = await client.getSipRegistration(id).catch((error: unknown) => {
            if (isUltravoxError(error) && error.code === "not_found") return undefined;
            throw error;
        });
        if (live === undefined) return { id: "" };
        return { id, props: stateOf(live, props, client) };
    }

    /**
     * Import: the registration as it is, every readable field an input. The password cannot be
     * read: it comes from the program, and the first `up` writes it.
     */
    async adopt(id: string): Promise<{ id: string; props: RegistrationState; inputs: RegistrationProps }> {
        const client = this.client({});
        const live = await client.getSipRegistration(id);
        const inputs: RegistrationProps = { username: live.username, proxy: live.proxy };
        if (live.outboundProxy !== null) inputs.outboundProxy = live.outboundProxy;
        if (live.authUser !== null) inputs.authUser = live.authUser;
        return { id: live.registrationId, props: stateOf(live, {}, client), inputs };
    }

    async update(id: string, olds: RegistrationState, news: RegistrationProps): Promise<{ outs: RegistrationState }> {
        const client = this.client(news);
        const input = loadRegistrationSchema().checkRegistrationInput(inputOf(news));
        const live = await client.getSipRegistration(id);
        const patch: SipRegistrationPatch = {};
        for (const field of READABLE_FIELDS) {
            if (live[field] !== wanted(news, field)) Object.assign(patch, { [field]: input[field] ?? null });
        }
        if (olds.password !== input.password) patch.password = input.password;
        const written = Object.keys(patch).length === 0 ? live : await client.updateSipRegistration(id, patch);
        // Also without a PATCH: after a failed wait (the engine updates a resource it recorded so), it waits again.
        return { outs: (await this.#active(client, written, news)).outs };
    }

    /** Every registration of the account (the functions' `getSipRegistrations`). */
    list(): Promise<SipRegistrationData[]> {
        return this.client({}).listSipRegistrations();
    }

    /** Deletes the registration; one already gone counts as deleted, with a warning. */
    async delete(id: string, props: RegistrationState): Promise<void> {
        const client = this.client(recordedConnection(props));
        await client.deleteSipRegistration(id).catch((error: unknown) => {
            if (!(isUltravoxError(error) && error.code === "not_found")) throw error;
            warnWith(
                this.context,
                `The SIP registration ${id} was already gone (deleted outside this stack); nothing to delete.`,
            );
        });
    }
}

/**
 * The engine's check of an imported registration: the inputs read (`adopt`) as both olds and news.
 * The API never gives the password, so its absence there is no failure (the program supplies it,
 * and the first `up` writes it); a create without one, whose olds are empty, still fails.
 */
function isImportCheck(olds: RegistrationProps, news: RegistrationProps): boolean {
    if (news.password !== undefined || olds.password !== undefined || olds.username === undefined) return false;
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys].every(
        (key) =>
            JSON.stringify(olds[key as keyof RegistrationProps]) ===
            JSON.stringify(news[key as keyof RegistrationProps]),
    );
}

/** A stand-in that passes the field's own rule, for a value not known at preview. */
function placeholderFor(field: (typeof REGISTRATION_FIELDS)[number]): string {
    return field === "password" ? "unknown" : "unknown.invalid";
}

function inputOf(props: RegistrationProps): SipRegistrationInput {
    return {
        username: props.username as string,
        password: props.password as string,
        proxy: props.proxy as string,
        outboundProxy: props.outboundProxy ?? null,
        authUser: props.authUser ?? null,
    };
}

function stateOf(live: SipRegistrationData, props: RegistrationProps, client: UltravoxClient): RegistrationState {
    const state: RegistrationState = { ...live, accountBaseUrl: client.baseUrl, ...explicitConnection(props) };
    if (props.password !== undefined) state.password = props.password;
    return state;
}
