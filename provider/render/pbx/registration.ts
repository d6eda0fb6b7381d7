/**
 * The PBX side of a SIP registration: the account Ultravox registers as, for the PBX it registers
 * with, rendered from the same inputs as the `SipRegistration` (one secret feeds both). Every
 * value is validated for its format (names) or escaped (the password), so that neither a username
 * nor a password can add a directive, a section, a line or an XML element.
 */
import { createHash } from "node:crypto";
import { quote } from "../../core/quote";
import { hasLineBreaking } from "../../core/text";
import { checkFileText, checkToken, invalidInput } from "../inputs";
import { escapeXml } from "./freeswitch";

/** The account Ultravox registers as: a `SipRegistration`'s `username`, `password` and `authUser`. */
export interface RegistrationAccount {
    username: string;
    /** Usually a secret: a result built from it is one too, through the plugin as in TypeScript (`apply`). */
    password: string;
    /** The authentication user, when it differs from `username`. */
    authUser?: string | null;
}

/** A SIP user name for a PBX's files: a letter or digit, then letters, digits or "_.+-", at most 60. */
function checkUser(value: unknown, name: string): string {
    const user = checkToken(value, name);
    if (user.length > 60) throw invalidInput(`${name} ${quote(user)} is longer than the API's 60 characters.`, name);
    return user;
}

/**
 * A password: printable, not empty, without leading or trailing spaces (which the formats trim).
 * Never quoted in a message: it is a credential.
 */
function checkPassword(value: unknown): string {
    if (typeof value !== "string") throw invalidInput("password must be a string.", "password");
    if (hasLineBreaking(value)) {
        throw invalidInput(
            "password holds a control, line-separator or paragraph-separator character, which a rendered file cannot carry (not quoted: it is a credential).",
            "password",
        );
    }
    const password = value;
    if (password === "" || password.trim() !== password) {
        throw invalidInput(
            "password must be non-empty, without leading or trailing spaces (the PBX files trim them).",
            "password",
        );
    }
    return password;
}

function authUserOf(account: RegistrationAccount): string {
    return account.authUser == null ? checkUser(account.username, "username") : checkUser(account.authUser, "authUser");
}

/** What `asteriskRegistrationAccount` takes: the context and the transport. */
export interface AsteriskRegistrationOptions {
    /**
     * Deprecated: the endpoint and AOR are named after `username`, which is what Asterisk looks
     * them up by. When given, it must equal `username`.
     */
    endpointName?: string;
    /** The dialplan context calls from Ultravox arrive in. Default `from-ultravox`. */
    context?: string;
    /** A transport section of pjsip.conf to name in the endpoint. Default none (the first that fits). */
    transportSection?: string;
}

/** The pjsip.conf sections of the account Ultravox registers as, and how to dial its contact. */
export interface AsteriskRegistrationAccount {
    /** For pjsip.conf: an `auth`, an `aor` that takes Ultravox's one registration, and an `endpoint`. */
    text: string;
    /** What `Dial()` takes to reach the registered contact: `PJSIP/<username>`; `PJSIP/<user>@<username>` sets the To user. */
    dialString: string;
}

/**
 * A pjsip.conf value as Asterisk's config parser (main/config.c) reads it back: in
 * `ast_config_internal_load`'s text loader an unescaped `;` starts a comment, and `\;` is read as
 * `;` (that backslash dropped); no other backslash is an escape, so every other character is
 * written as it is. `process_text_line` reads `name=>value` as an object assignment, taking the
 * `>` away, and strips blanks around the value: the value is written after `= `, so that a
 * leading `>` follows a blank and stays (the password has no leading or trailing blank).
 */
export function asteriskValue(text: string): string {
    return text.replace(/;/g, "\\;");
}

/**
 * Asterisk PJSIP: the account Ultravox registers with (`auth` with the password, an `aor` with
 * one contact that a new registration replaces, an `endpoint` using both). Asterisk finds the
 * endpoint of a REGISTER by its From user (res_pjsip_endpoint_identifier_user.c,
 * `username_identify`: the endpoint named so) and the AOR by its To user
 * (res_pjsip_registrar.c, `find_aor_name`): both are `username`, so the endpoint and the AOR are
 * named after it; the auth section is named after the digest user (`authUser`, else `username`).
 */
export function asteriskRegistrationAccount(
    account: RegistrationAccount,
    options: AsteriskRegistrationOptions = {},
): AsteriskRegistrationAccount {
    const username = checkUser(account.username, "username");
    if (options.endpointName !== undefined && options.endpointName !== username) {
        throw invalidInput(
            `endpointName ${quote(options.endpointName)} differs from username ${quote(username)}: Asterisk finds the endpoint of Ultravox's REGISTER by its From user and the AOR by its To user, which are the username, so the sections are named after it and another name would get 404. Leave endpointName out.`,
            "endpointName",
        );
    }
    const endpoint = checkToken(username, "username");
    const context = checkToken(options.context ?? "from-ultravox", "context");
    const transport =
        options.transportSection === undefined ? undefined : checkToken(options.transportSection, "transportSection");
    const authUser = authUserOf(account);
    const authSection = checkToken(authUser, account.authUser == null ? "username" : "authUser");
    const password = checkPassword(account.password);
    const lines = [
        `; Ultravox registers here as ${username}${authUser === username ? "" : `, authenticating as ${authUser}`} (a SipRegistration of the same username and password).`,
        `[${authSection}]`,
        "type=auth",
        "auth_type=userpass",
        `username = ${authUser}`,
        `password = ${asteriskValue(password)}`,
        "",
        `[${endpoint}]`,
        "type=aor",
        "max_contacts=1",
        "remove_existing=yes",
        "",
        `[${endpoint}]`,
        "type=endpoint",
        ...(transport ? [`transport=${transport}`] : []),
        `auth=${authSection}`,
        `aors=${endpoint}`,
        `context=${context}`,
        "disallow=all",
        "allow=ulaw,alaw",
        "",
    ];
    return { text: lines.join("\n"), dialString: `PJSIP/${endpoint}` };
}

/** What `freeswitchDirectoryUser` takes. */
export interface FreeswitchDirectoryUserOptions {
    /** The user's `user_context`. Default `default`. */
    context?: string;
}

/** FreeSWITCH: a directory user for the account (an X-PRE-PROCESS include inside a domain's `<users>`). */
export function freeswitchDirectoryUser(
    account: RegistrationAccount,
    options: FreeswitchDirectoryUserOptions = {},
): { xml: string } {
    const user = authUserOf(account);
    checkUser(account.username, "username");
    const password = checkPassword(account.password);
    const context = checkToken(options.context ?? "default", "context");
    const xml = [
        "<include>",
        `  <user id="${escapeXml(user)}">`,
        "    <params>",
        `      <param name="password" value="${escapeXml(password)}"/>`,
        "    </params>",
        "    <variables>",
        `      <variable name="user_context" value="${escapeXml(context)}"/>`,
        "    </variables>",
        "  </user>",
        "</include>",
        "",
    ].join("\n");
    return { xml };
}

/** What `kamailioSubscriber` takes: the domain the PBX serves. */
export interface KamailioSubscriberOptions {
    /** The SIP domain (and digest realm) the PBX serves: the host of the registration's `proxy`. */
    domain: string;
    /** The row's id. Default 1. */
    id?: number;
}

/** The db_text files for `auth_db` (and `registrar`): the subscriber table and the version rows. */
export interface KamailioSubscriber {
    /** The `subscriber` table as db_text stores it (header line, then the row): `auth_db` reads it. */
    subscriberTable: string;
    /** The `version` table's rows db_text needs beside it (`subscriber:7`, `location:9` for `registrar`). */
    versionTable: string;
}

/** db_text's escapes: a backslash and the column separator. Control characters were refused. */
function dbTextValue(text: string): string {
    return text.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/**
 * Kamailio: the subscriber for `auth_db` (with `ha1` and `ha1b` computed, so that
 * `calculate_ha1` can stay off), in the db_text files Kamailio loads from `db_url=text://<dir>`.
 */
export function kamailioSubscriber(
    account: RegistrationAccount,
    options: KamailioSubscriberOptions,
): KamailioSubscriber {
    const user = authUserOf(account);
    checkUser(account.username, "username");
    const password = checkPassword(account.password);
    const domain = checkFileText(options.domain, "domain");
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(domain)) {
        throw invalidInput(`domain ${quote(domain)} must be a host name (letters, digits, "." and "-").`, "domain");
    }
    const id = options.id ?? 1;
    if (!Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1)
        throw invalidInput(`id must be a positive integer, got ${quote(id)}.`, "id");
    const ha1 = md5(`${user}:${domain}:${password}`);
    const ha1b = md5(`${user}@${domain}:${domain}:${password}`);
    const subscriberTable = [
        "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)",
        [String(id), user, domain, dbTextValue(password), ha1, ha1b].join(":"),
        "",
    ].join("\n");
    const versionTable = ["table_name(string) table_version(int)", "subscriber:7", "location:9", ""].join("\n");
    return { subscriberTable, versionTable };
}
