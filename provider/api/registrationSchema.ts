/**
 * SIP registrations' shapes (zod): what the API answers, and what a caller may write. Loaded
 * lazily with the SIP config's schema (loadSchema.ts).
 */
import * as z from "zod";
import { UltravoxError } from "../core/errors";
import { hasLineBreaking, isRfc3339DateTime } from "../core/text";
import type { SipRegistrationData, SipRegistrationInput, SipRegistrationPatch } from "../core/types";
import { describeIssues, issuePaths } from "./schema";

export const MAX_USERNAME_LENGTH = 60;
export const MAX_PROXY_LENGTH = 100;
/** Not published; a bound so that a password cannot be used to send megabytes. */
export const MAX_PASSWORD_LENGTH = 200;

/** A line's worth of printable text without spaces: a SIP user, an auth user, a proxy. */
function token(max: number) {
    return (
        z
            .string()
            .min(1, { message: "Empty" })
            .max(max, { message: `Longer than ${max} characters` })
            // One reason per field: a line break is also white space, and is said once, as a control character.
            .refine((text) => !hasLineBreaking(text), { message: "Has a control character", abort: true })
            .refine((text) => !/\s/.test(text), { message: "Has a space" })
    );
}

/** An id the client puts in a URL path: the API's ids are UUIDs; anything else is refused before any request. */
export const registrationIdSchema = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, { message: "Not a registration id (letters, digits, - and _)" });

/** One registration as the API answers it. Fields not listed here are dropped. */
const registrationAnswerSchema = z.object({
    registrationId: registrationIdSchema,
    created: z.string().max(64).refine(isRfc3339DateTime, { message: "Not an RFC 3339 date-time" }),
    username: token(MAX_USERNAME_LENGTH),
    proxy: token(MAX_PROXY_LENGTH),
    // Absent in earlier versions of the API: null.
    outboundProxy: token(MAX_PROXY_LENGTH).nullish(),
    authUser: token(MAX_USERNAME_LENGTH).nullish(),
    // Read-only, nullable, and absent in earlier versions of the API: absent is unknown (null), never false.
    successful: z.boolean().nullish(),
});

/** `GET /api/sip/registrations`: one page of the cursor-paginated list. */
const registrationPageSchema = z.object({
    next: z.string().max(2048).nullish(),
    results: z.array(registrationAnswerSchema).max(1000, { message: "More than 1000 on one page" }),
});

/** What a stack, a program or the CLI may write. */
export const registrationInputSchema = z.object({
    username: token(MAX_USERNAME_LENGTH),
    password: z
        .string()
        .min(1, { message: "Empty" })
        .max(MAX_PASSWORD_LENGTH, { message: `Longer than ${MAX_PASSWORD_LENGTH} characters` })
        .refine((text) => !hasLineBreaking(text), { message: "Has a control character" }),
    proxy: token(MAX_PROXY_LENGTH),
    outboundProxy: token(MAX_PROXY_LENGTH).nullish(),
    authUser: token(MAX_USERNAME_LENGTH).nullish(),
});

export const registrationPatchSchema = registrationInputSchema.partial();

/** The issues of a registration's inputs, as paths and rule names (never the values): empty when valid. */
export function registrationInputIssues(
    value: unknown,
    partial = false,
): { path: (string | number)[]; message: string }[] {
    const result = (partial ? registrationPatchSchema : registrationInputSchema).safeParse(value);
    return result.success
        ? []
        : result.error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message }));
}

export function checkRegistrationInput(value: unknown): SipRegistrationInput;
export function checkRegistrationInput(value: unknown, partial: true): SipRegistrationPatch;
export function checkRegistrationInput(value: unknown, partial = false): SipRegistrationInput | SipRegistrationPatch {
    const result = (partial ? registrationPatchSchema : registrationInputSchema).safeParse(value);
    if (result.success) return result.data;
    const details = describeIssues(result.error.issues);
    throw new UltravoxError(
        "invalid_input",
        `The SIP registration's inputs failed validation at ${details.join("; ")}. Nothing was sent; fix these inputs.`,
        { issues: issuePaths(result.error.issues) },
    );
}

function invalidAnswer(what: string, issues: readonly z.core.$ZodIssue[], baseUrlName: string): UltravoxError {
    const details = describeIssues(issues);
    return new UltravoxError(
        "invalid_response",
        `The Ultravox API's ${what} failed validation at ${details.join("; ")}. Nothing was applied; check the base URL (${baseUrlName}), or report the answer's shape if it is the real API.`,
        { issues: issuePaths(issues), cause: new Error(details.join("; ")) },
    );
}

type RegistrationAnswer = z.infer<typeof registrationAnswerSchema>;

function toRegistration(answer: RegistrationAnswer): SipRegistrationData {
    const { registrationId, created, username, proxy, outboundProxy, authUser, successful } = answer;
    return {
        registrationId,
        created,
        username,
        proxy,
        outboundProxy: outboundProxy ?? null,
        authUser: authUser ?? null,
        successful: successful ?? null,
    };
}

export function parseRegistration(value: unknown, baseUrlName: string): SipRegistrationData {
    const result = registrationAnswerSchema.safeParse(value);
    if (!result.success) throw invalidAnswer("SIP registration", result.error.issues, baseUrlName);
    return toRegistration(result.data);
}

/** A page: its registrations, and the next page's URL as the server gave it (checked by the caller). */
export function parseRegistrationPage(
    value: unknown,
    baseUrlName: string,
): { registrations: SipRegistrationData[]; next: string | null } {
    const result = registrationPageSchema.safeParse(value);
    if (!result.success) throw invalidAnswer("list of SIP registrations", result.error.issues, baseUrlName);
    return { registrations: result.data.results.map(toRegistration), next: result.data.next ?? null };
}
