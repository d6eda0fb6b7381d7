/**
 * The PBX side of a SIP registration as functions: the account Ultravox registers as, for
 * Asterisk, FreeSWITCH and Kamailio. The password is usually a secret: the result then is one too
 * (invokePackageFunction), and no message quotes it.
 */
import {
    type AsteriskRegistrationOptions,
    asteriskRegistrationAccount,
    type FreeswitchDirectoryUserOptions,
    freeswitchDirectoryUser,
    type KamailioSubscriberOptions,
    kamailioSubscriber,
    type RegistrationAccount,
} from "../../render/pbx/registration";
import { type Args, describedAs, integer, object, type PackageFunction, string, TYPE_PREFIX } from "./spec";

const ACCOUNT = {
    username: string("The SipRegistration's `username`: the SIP user Ultravox registers as."),
    password: string("The SipRegistration's `password` (pass the same secret): the result is secret when it is."),
    authUser: string("The SipRegistration's `authUser`, when it differs from `username`."),
};
const ACCOUNT_REQUIRED: (keyof typeof ACCOUNT)[] = ["username", "password"];

function accountOf(args: Args): RegistrationAccount {
    return {
        username: args.username as string,
        password: args.password as string,
        authUser: (args.authUser as string | undefined) ?? null,
    };
}

export const registrationFunctions: Record<string, PackageFunction> = {
    [`${TYPE_PREFIX}asteriskRegistrationAccount`]: describedAs<RegistrationAccount & AsteriskRegistrationOptions>()({
        description:
            "pjsip.conf sections for the account Ultravox registers as (an auth named after the digest user, an aor of one contact and an endpoint named after `username`, as Asterisk looks them up), and the dial string of the registered contact (the TypeScript `asteriskRegistrationAccount`). Every printable password reads back as written.",
        inputs: object(
            {
                ...ACCOUNT,
                endpointName: string(
                    "Deprecated: the endpoint and aor are named after `username` (what Asterisk finds them by); when given, it must equal `username`.",
                ),
                context: string("The dialplan context calls from Ultravox arrive in. Default `from-ultravox`."),
                transportSection: string("A `type=transport` section to name in the endpoint. Default none."),
            },
            ACCOUNT_REQUIRED,
        ),
        outputs: object({ text: string("The pjsip.conf sections."), dialString: string("`PJSIP/<username>`.") }, [
            "text",
            "dialString",
        ]),
        run(args: Args) {
            const { username: _u, password: _p, authUser: _a, ...options } = args;
            return asteriskRegistrationAccount(accountOf(args), options);
        },
    }),
    [`${TYPE_PREFIX}freeswitchDirectoryUser`]: describedAs<RegistrationAccount & FreeswitchDirectoryUserOptions>()({
        description:
            "A FreeSWITCH directory user for the account Ultravox registers as, as an XML include (the TypeScript `freeswitchDirectoryUser`).",
        inputs: object(
            { ...ACCOUNT, context: string("The user's `user_context`. Default `default`.") },
            ACCOUNT_REQUIRED,
        ),
        outputs: object({ xml: string("The `<include>` for a domain's `<users>`.") }, ["xml"]),
        run(args: Args) {
            const { username: _u, password: _p, authUser: _a, ...options } = args;
            return freeswitchDirectoryUser(accountOf(args), options);
        },
    }),
    [`${TYPE_PREFIX}kamailioSubscriber`]: describedAs<RegistrationAccount & KamailioSubscriberOptions>()({
        description:
            "The account Ultravox registers as, for Kamailio's auth_db: the db_text `subscriber` table (with ha1 and ha1b) and the `version` rows (the TypeScript `kamailioSubscriber`).",
        inputs: object(
            {
                ...ACCOUNT,
                domain: string(
                    "The SIP domain (and digest realm) the PBX serves: the host of the registration's `proxy`.",
                ),
                id: integer("The row's id. Default 1."),
            },
            [...ACCOUNT_REQUIRED, "domain"],
        ),
        outputs: object(
            {
                subscriberTable: string("The `subscriber` file for `db_url=text://<dir>`."),
                versionTable: string("The `version` file beside it."),
            },
            ["subscriberTable", "versionTable"],
        ),
        run(args: Args) {
            return kamailioSubscriber(accountOf(args), {
                domain: args.domain as string,
                ...(args.id === undefined ? {} : { id: args.id as number }),
            });
        },
    }),
};
