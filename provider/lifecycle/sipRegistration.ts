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
    type AccountRecord,
    accountRecordOf,
    clientFor,
    containsUnknown,
    explicitConnection,
    type LifecycleContext,
    propertyPath,
    type ReachedAccount,
    recordedAccountClient,
    sameBaseUrl,
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

/**
 * What the state records: the registration as read, the password written, and which account holds
 * it (the base URL it was reached through and the account's SIP domain; never the key).
 */
export type RegistrationState = SipRegistrationData &
    ConnectionOptions &
    AccountRecord & {
        /** The password the stack last wrote (secret); absent after an import, until the first up. */
        password?: string;
    };

export const REGISTRATION_SECRET_NAMES = ["password", "apiKey", "keyFingerprint"] as const;

/**
 * Whether a failed POST may still have created the registration: a lost or garbled answer, or a
 * server error after the request arrived. A refusal (the key, the input, a conflict) created nothing.
 */
function mayHaveReachedServer(error: unknown): boolean {
    if (!isUltravoxError(error)) return true;
    return error.maybeApplied === true;
}

/** The same error, saying what the next `pulumi up` does about a write whose outcome is unknown. */
function withNextStep(error: unknown, nextStep: string): unknown {
    if (!isUltravoxError(error) || !error.maybeApplied) return error;
    return new UltravoxError(error.code, `${error.message} ${nextStep}`, {
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.issues === undefined ? {} : { issues: error.issues }),
        cause: error,
        maybeApplied: true,
    });
}

/** Oldest first (the API's `created`, then the id): every creator that sees duplicates picks the same one to keep. */
function byAge(a: SipRegistrationData, b: SipRegistrationData): number {
    const age = Date.parse(a.created) - Date.parse(b.created);
    if (age !== 0 && !Number.isNaN(age)) return age;
    return a.registrationId < b.registrationId ? -1 : a.registrationId > b.registrationId ? 1 : 0;
}

const sameUserAs = (input: SipRegistrationInput) => (registration: SipRegistrationData) =>
    registration.username === input.username && registration.proxy === input.proxy;

/** How messages name a registration, and how a user lets one go by hand. */
function subjectOf(id: string) {
    return {
        subject: `The SIP registration ${id}`,
        letGo: `remove it in that account (\`pulumi-ultravox registrations remove ${id}\` with that account's ULTRAVOX_API_KEY and --base-url), then forget it here (\`pulumi state delete <urn>\`)`,
    };
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
            .filter(
                (failure) =>
                    !(
                        failure.property === "password" &&
                        (isImportCheck(olds, news) || keepsAdoptedPassword(olds, news))
                    ),
            );
        const waitIssue = containsUnknown(news.waitForActiveSeconds)
            ? undefined
            : waitForActiveIssue(news.waitForActiveSeconds);
        if (waitIssue) failures.push({ property: "waitForActiveSeconds", reason: waitIssue });
        return { inputs: news, failures };
    }

    async diff(_id: string, olds: RegistrationState, news: RegistrationProps): Promise<DiffResult> {
        const known = settingsKnown(this.context, news);
        // Another base URL is another account (however each is spelled): the registration there is another one.
        const client = known ? this.client(news) : undefined;
        const otherBaseUrl =
            client && olds.accountBaseUrl !== undefined
                ? !sameBaseUrl(client.baseUrl, olds.accountBaseUrl)
                : !sameBaseUrl(olds.baseUrl, news.baseUrl) && news.baseUrl !== UNKNOWN;
        if (otherBaseUrl) return { changes: true, replaces: ["baseUrl"], deleteBeforeReplace: true };
        if (!client) return { changes: true };
        // The same base URL with another account's key is another account: its SIP domain tells.
        const domain = await client.getAccountDomain();
        if (olds.accountDomain !== undefined && domain !== olds.accountDomain) {
            return { changes: true, replaces: ["accountDomain"], deleteBeforeReplace: true };
        }
        const connectionChanged =
            (olds.apiKey ?? "") !== (news.apiKey ?? "") ||
            olds.timeoutMs !== news.timeoutMs ||
            olds.maxRetries !== news.maxRetries;
        if (connectionChanged || containsUnknown(REGISTRATION_FIELDS.map((field) => news[field])))
            return { changes: true };
        // The password cannot be read: a change is one from what the stack last wrote ("" on an
        // adopted registration keeps the one it has, as the state does).
        if ((olds.password || undefined) !== (news.password || undefined)) return { changes: true };
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
        // The account the registration will belong to, recorded so that nothing is ever done to it in another.
        const account: ReachedAccount = { client, domain: await client.getAccountDomain(), verified: true };
        const existing = await this.#sameUser(client, input);
        if (existing) {
            warnWith(
                this.context,
                `A SIP registration for ${quote(input.username)} at ${quote(input.proxy)} already exists (${existing.registrationId}): this stack takes it over and writes its password, instead of creating a second one.`,
            );
            return this.#takeOver(account, existing, input, inputs);
        }
        let created: SipRegistrationData;
        try {
            created = await client.createSipRegistration(input);
        } catch (error) {
            if (!mayHaveReachedServer(error)) throw error;
            // The POST may have created it: look once, and adopt what it left.
            const left = await this.#sameUser(client, input).catch(() => undefined);
            if (left) return this.#takeOver(account, left, input, inputs);
            throw withNextStep(
                error,
                `The create may have reached the server: run \`pulumi up\` again, which takes over a registration for ${quote(input.username)} at ${quote(input.proxy)} if one was created (or creates it), or list them with \`pulumi-ultravox registrations list\`.`,
            );
        }
        return this.#converge(account, created, input, inputs);
    }

    /**
     * The API has no idempotency key: two creates of one registration at the same moment (two
     * stacks, two runs of one) both POST, and each sees none before. Each looks again after its
     * own POST and keeps the oldest of the same user at the same proxy; a creator whose own is
     * not the oldest removes it and takes over the oldest, so both end on one registration.
     */
    async #converge(
        account: ReachedAccount,
        created: SipRegistrationData,
        input: SipRegistrationInput,
        inputs: RegistrationProps,
    ): Promise<{ id: string; outs: RegistrationState }> {
        const { client } = account;
        const others = await client.listSipRegistrations().then(
            (all) =>
                all.filter(
                    (registration) =>
                        sameUserAs(input)(registration) && registration.registrationId !== created.registrationId,
                ),
            // The look fails: the create stands, and the next create of the same user will see both.
            () => [],
        );
        const keeper = [created, ...others].sort(byAge)[0] ?? created;
        if (keeper.registrationId === created.registrationId) return this.#active(account, created, inputs);
        warnWith(
            this.context,
            `Another create of a SIP registration for ${quote(input.username)} at ${quote(input.proxy)} ran at the same moment: this stack keeps the older one (${keeper.registrationId}) and removes the one it has just made (${created.registrationId}).`,
        );
        await client.deleteSipRegistration(created.registrationId).catch((error: unknown) => {
            if (isUltravoxError(error) && error.code === "not_found") return;
            throw new UltravoxError(
                "conflict",
                `Two creates of a SIP registration for ${quote(input.username)} at ${quote(input.proxy)} ran at the same moment; this stack keeps ${keeper.registrationId} (the older) but could not remove the one it made, ${created.registrationId}: remove it (\`pulumi-ultravox registrations remove ${created.registrationId}\`), then run \`pulumi up\` again.`,
                { cause: error },
            );
        });
        return this.#takeOver(account, keeper, input, inputs);
    }

    /**
     * With `waitForActiveSeconds`, the registration once the API says it is active. When it is not,
     * the failure carries the registration's state, so that the engine records it (it exists) and
     * the next `up` runs an update, which waits again.
     */
    async #active(
        account: ReachedAccount,
        written: SipRegistrationData,
        inputs: RegistrationProps,
    ): Promise<{ id: string; outs: RegistrationState }> {
        const seconds = inputs.waitForActiveSeconds ?? 0;
        if (seconds <= 0) return { id: written.registrationId, outs: stateOf(written, inputs, account) };
        try {
            const live = await awaitActive(account.client, written, seconds, this.context.clock ?? systemClock);
            return { id: live.registrationId, outs: stateOf(live, inputs, account) };
        } catch (error) {
            const last = error instanceof RegistrationNotActive ? error.registration : written;
            const recorded: RecordedFailure<RegistrationState> = {
                id: written.registrationId,
                properties: stateOf(last, inputs, account),
                // The engine prints only the reasons of a recorded failure: keep the code in them.
                reasons: [String(error)],
            };
            throw Object.assign(error as Error, recorded);
        }
    }

    /** The one registration of this user at this proxy; several are a conflict that names which to keep and which to remove. */
    async #sameUser(client: UltravoxClient, input: SipRegistrationInput): Promise<SipRegistrationData | undefined> {
        const matches = (await client.listSipRegistrations()).filter(sameUserAs(input)).sort(byAge);
        const [oldest, ...rest] = matches;
        if (oldest && rest.length > 0) {
            const ids = rest.map((match) => match.registrationId);
            throw new UltravoxError(
                "conflict",
                `The account has ${matches.length} SIP registrations for ${quote(input.username)} at ${quote(input.proxy)}: keep the oldest, ${oldest.registrationId}, and remove ${ids.join(", ")} (${ids.map((id) => `\`pulumi-ultravox registrations remove ${id}\``).join(", ")}); then run \`pulumi up\` again, which takes over ${oldest.registrationId}.`,
            );
        }
        return oldest;
    }

    async #takeOver(
        account: ReachedAccount,
        existing: SipRegistrationData,
        input: SipRegistrationInput,
        inputs: RegistrationProps,
    ): Promise<{ id: string; outs: RegistrationState }> {
        const updated = await account.client.updateSipRegistration(existing.registrationId, {
            password: input.password,
            outboundProxy: input.outboundProxy ?? null,
            authUser: input.authUser ?? null,
        });
        return this.#active(account, updated, inputs);
    }

    /** A refresh: the live registration, or nothing when it is gone (the engine then forgets it). */
    async read(id: string, props: RegistrationState): Promise<{ id: string; props?: RegistrationState }> {
        // Only in the account that holds it: a 404 from another account says nothing of it.
        const account = await recordedAccountClient(this.context, props, subjectOf(id), { checkDomain: true });
        const live = await account.client.getSipRegistration(id).catch((error: unknown) => {
            if (isUltravoxError(error) && error.code === "not_found") return undefined;
            throw error;
        });
        if (live === undefined) return { id: "" };
        return { id, props: stateOf(live, props, account) };
    }

    /**
     * Import: the registration as it is, every readable field an input. The password cannot be
     * read: it comes from the program, and the first `up` writes it.
     */
    async adopt(id: string): Promise<{ id: string; props: RegistrationState; inputs: RegistrationProps }> {
        const client = this.client({});
        const account: ReachedAccount = { client, domain: await client.getAccountDomain(), verified: true };
        const live = await client.getSipRegistration(id);
        const inputs: RegistrationProps = { username: live.username, proxy: live.proxy };
        if (live.outboundProxy !== null) inputs.outboundProxy = live.outboundProxy;
        if (live.authUser !== null) inputs.authUser = live.authUser;
        return { id: live.registrationId, props: stateOf(live, {}, account), inputs };
    }

    async update(id: string, olds: RegistrationState, news: RegistrationProps): Promise<{ outs: RegistrationState }> {
        const keepPassword = keepsAdoptedPassword(olds, news);
        const input = keepPassword
            ? (loadRegistrationSchema().checkRegistrationInput(
                  { ...inputOf(news), password: undefined },
                  true,
              ) as SipRegistrationInput)
            : loadRegistrationSchema().checkRegistrationInput(inputOf(news));
        // The new settings must still reach the recorded account (diff replaces the resource otherwise).
        const account = await recordedAccountClient(
            this.context,
            {
                ...explicitConnection(news),
                accountBaseUrl: olds.accountBaseUrl,
                accountDomain: olds.accountDomain,
                keyFingerprint: olds.keyFingerprint,
            },
            subjectOf(id),
            { checkDomain: true },
        );
        const { client } = account;
        const live = await client.getSipRegistration(id);
        const patch: SipRegistrationPatch = {};
        for (const field of READABLE_FIELDS) {
            if (live[field] !== wanted(news, field)) Object.assign(patch, { [field]: input[field] ?? null });
        }
        if (!keepPassword && olds.password !== input.password) patch.password = input.password;
        const written =
            Object.keys(patch).length === 0
                ? live
                : await client.updateSipRegistration(id, patch).catch((error: unknown) => {
                      throw withNextStep(
                          error,
                          "The next `pulumi up` reads the registration and sends what still differs from the program, the password included (it cannot be read back).",
                      );
                  });
        // Also without a PATCH: after a failed wait (the engine updates a resource it recorded so), it waits again.
        return { outs: (await this.#active(account, written, news)).outs };
    }

    /** Every registration of the account (the functions' `getSipRegistrations`). */
    list(): Promise<SipRegistrationData[]> {
        return this.client({}).listSipRegistrations();
    }

    /** Deletes the registration; one already gone counts as deleted, with a warning. */
    async delete(id: string, props: RegistrationState): Promise<void> {
        // In the account that holds it, with a key set up for that account, or not at all.
        const account = await recordedAccountClient(this.context, props, subjectOf(id), { checkDomain: true });
        const domain = JSON.stringify(account.domain);
        await account.client.deleteSipRegistration(id).catch((error: unknown) => {
            if (!(isUltravoxError(error) && error.code === "not_found")) {
                throw withNextStep(
                    error,
                    "The next `pulumi destroy` or `pulumi up` deletes it again; if it is gone by then, that counts as deleted.",
                );
            }
            warnWith(
                this.context,
                account.verified
                    ? `The SIP registration ${id} was already gone (deleted outside this stack) from its account, domain ${domain}; nothing to delete.`
                    : `The SIP registration ${id} is not in the account the configured key reaches (domain ${domain}), and this state, written by an earlier version, does not record its account: nothing was deleted. If it was created in another account, remove it there (\`pulumi-ultravox registrations remove ${id}\` with that account's key).`,
            );
        });
    }
}

/**
 * The engine's check of an imported registration: the inputs read (`adopt`) as both olds and news.
 * The API never gives the password, so its absence there is no failure (the program supplies it,
 * and the first `up` writes it); a create without one, whose olds are empty, still fails.
 */
/**
 * `password: ""` on a registration this stack adopted and never wrote a password to: what `pulumi
 * import` generates (the API never gives a password back), run as pasted. It keeps the password
 * the registration has; a real one in the program is written by the next `up`. A create, whose
 * olds are empty, still needs one.
 */
function keepsAdoptedPassword(olds: RegistrationProps, news: RegistrationProps): boolean {
    return news.password === "" && !olds.password && olds.username !== undefined;
}

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

function stateOf(live: SipRegistrationData, props: RegistrationProps, account: ReachedAccount): RegistrationState {
    const state: RegistrationState = {
        ...live,
        ...accountRecordOf(account.client, account.domain),
        ...explicitConnection(props),
    };
    // "" keeps an adopted registration's password, which the state cannot know.
    if (props.password) state.password = props.password;
    return state;
}
