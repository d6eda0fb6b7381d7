/**
 * HTTP digest authentication as SIP uses it (RFC 2617 and RFC 3261 §22.4): a registrar's
 * challenge read defensively (it is untrusted: bounded, and nothing from it goes back into a
 * header unless it is printable text), and the answer to it, MD5 with `qop=auth` when offered.
 */
import { createHash, randomBytes } from "node:crypto";

/** A `WWW-Authenticate` or `Proxy-Authenticate` challenge that this client can answer. */
export interface DigestChallenge {
    realm: string;
    nonce: string;
    opaque: string | undefined;
    /** `auth` when the server offers it; undefined for the RFC 2069 form without qop. */
    qop: "auth" | undefined;
    /** The server says the nonce is stale: the credentials were right, send them again with the new one. */
    stale: boolean;
}

/** Longer challenges are refused: no registrar needs more. */
export const MAX_CHALLENGE_LENGTH = 2048;
const MAX_PARAMETERS = 16;
const MAX_VALUE_LENGTH = 512;
/** Printable ASCII (space included): what a value may hold to be quoted back into our header. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Reads a challenge, or gives undefined for one that is not digest, too long, malformed, missing
 * its realm or nonce, or asks for an algorithm other than MD5 or a qop other than auth.
 */
export function parseChallenge(header: string): DigestChallenge | undefined {
    if (header.length > MAX_CHALLENGE_LENGTH) return undefined;
    const scheme = /^\s*Digest\s+/i.exec(header);
    if (!scheme) return undefined;
    const parameters = new Map<string, string>();
    let rest = header.slice(scheme[0].length);
    while (rest.length > 0) {
        if (parameters.size >= MAX_PARAMETERS) return undefined;
        const name = /^\s*([A-Za-z0-9_-]{1,32})\s*=\s*/.exec(rest);
        if (!name) return undefined;
        rest = rest.slice(name[0].length);
        let value: string;
        if (rest.startsWith('"')) {
            // A quoted string: `\x` stands for x; it ends at the first unescaped quote.
            const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
            if (!quoted) return undefined;
            value = (quoted[1] as string).replace(/\\(.)/g, "$1");
            rest = rest.slice(quoted[0].length);
        } else {
            const token = /^[^\s,"]*/.exec(rest)?.[0] ?? "";
            value = token;
            rest = rest.slice(token.length);
        }
        if (value.length > MAX_VALUE_LENGTH || !PRINTABLE.test(value)) return undefined;
        const key = (name[1] as string).toLowerCase();
        if (parameters.has(key)) return undefined;
        parameters.set(key, value);
        const separator = /^\s*(,|$)/.exec(rest);
        if (!separator) return undefined;
        rest = rest.slice(separator[0].length);
    }
    const realm = parameters.get("realm");
    const nonce = parameters.get("nonce");
    if (realm === undefined || nonce === undefined || nonce === "") return undefined;
    const algorithm = parameters.get("algorithm");
    if (algorithm !== undefined && algorithm.toUpperCase() !== "MD5") return undefined;
    let qop: "auth" | undefined;
    const offered = parameters.get("qop");
    if (offered !== undefined) {
        if (!offered.split(",").some((option) => option.trim().toLowerCase() === "auth")) return undefined;
        qop = "auth";
    }
    return {
        realm,
        nonce,
        opaque: parameters.get("opaque"),
        qop,
        stale: parameters.get("stale")?.toLowerCase() === "true",
    };
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/** A quoted-string: `"` and `\` escaped. */
function quoted(text: string): string {
    return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/** What an answer needs besides the challenge. */
export interface DigestCredentials {
    /** The authentication user: `authUser`, else `username`. */
    username: string;
    password: string;
    method: string;
    /** The request's Request-URI. */
    uri: string;
    /** How many times this nonce was used, this one included (qop=auth). */
    nonceCount: number;
    /** Default: 16 random bytes in hex. */
    cnonce?: string;
}

/** The `Authorization` (or `Proxy-Authorization`) header's value answering `challenge`. */
export function digestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials): string {
    const ha1 = md5(`${credentials.username}:${challenge.realm}:${credentials.password}`);
    const ha2 = md5(`${credentials.method}:${credentials.uri}`);
    const fields = [
        `username=${quoted(credentials.username)}`,
        `realm=${quoted(challenge.realm)}`,
        `nonce=${quoted(challenge.nonce)}`,
        `uri=${quoted(credentials.uri)}`,
    ];
    let response: string;
    if (challenge.qop === "auth") {
        const nc = credentials.nonceCount.toString(16).padStart(8, "0");
        const cnonce = credentials.cnonce ?? randomBytes(16).toString("hex");
        response = md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
        fields.push(
            `response=${quoted(response)}`,
            "algorithm=MD5",
            `cnonce=${quoted(cnonce)}`,
            "qop=auth",
            `nc=${nc}`,
        );
    } else {
        response = md5(`${ha1}:${challenge.nonce}:${ha2}`);
        fields.push(`response=${quoted(response)}`, "algorithm=MD5");
    }
    if (challenge.opaque !== undefined) fields.push(`opaque=${quoted(challenge.opaque)}`);
    return `Digest ${fields.join(", ")}`;
}
