/**
 * Where the API key and base URL come from, in order:
 * explicit args → stack config (`ultravox:apiKey`, `ultravox:baseUrl`) → environment → default.
 */
import { isIP } from "node:net";
import { cidrContains, type ParsedCidr, parseCidr, parseIpv4 } from "../core/cidr";
import { redact, UltravoxError } from "../core/errors";

export const DEFAULT_BASE_URL = "https://api.ultravox.ai";
export const CONFIG_API_KEY = "ultravox:apiKey";
export const CONFIG_BASE_URL = "ultravox:baseUrl";
export const ENV_API_KEY = "ULTRAVOX_API_KEY";
export const ENV_BASE_URL = "ULTRAVOX_BASE_URL";

/**
 * How to reach an account: the one shape every entry point takes (as plain values, or as
 * Pulumi Inputs in the resource and invoke args). Everything is optional; a key and base URL
 * left out come from stack config, then the environment (see `resolveSettings`).
 */
export interface ConnectionOptions {
    /** Default: stack config `ultravox:apiKey`, then `ULTRAVOX_API_KEY`. */
    apiKey?: string;
    /** Default: `ultravox:baseUrl`, then `ULTRAVOX_BASE_URL`, then `https://api.ultravox.ai`. */
    baseUrl?: string;
    /** The whole call, retries included. Default 30 000 ms. */
    timeoutMs?: number;
    /** Retries on 429, 502, 503, 504 and connection resets. Default 3. */
    maxRetries?: number;
}

export interface SettingsSources {
    /** The explicit args; empty strings count as absent. */
    args?: Pick<ConnectionOptions, "apiKey" | "baseUrl">;
    /** Reads a namespaced stack config key such as `ultravox:apiKey`. */
    config?: (key: string) => string | undefined;
    env?: NodeJS.ProcessEnv;
    /** How the caller's user writes the base URL argument (the CLI: `--base-url`), for messages. */
    baseUrlArgument?: string;
}

/**
 * How the surface that reads the settings names them, for messages: a message names the setting
 * or flag its reader can change (a program's stack config, the CLI's flags, the client's options).
 */
export interface SettingNames {
    apiKey: string;
    baseUrl: string;
    timeoutMs: string;
}

/** A Pulumi program's names (the data source, the managed form, the plugin). */
export const PROGRAM_SETTING_NAMES: SettingNames = {
    apiKey: `\`${CONFIG_API_KEY}\` or ${ENV_API_KEY}`,
    baseUrl: `\`${CONFIG_BASE_URL}\` or ${ENV_BASE_URL}`,
    timeoutMs: "timeoutMs",
};

/** The plain client's names: it reads its options only. */
export const CLIENT_SETTING_NAMES: SettingNames = {
    apiKey: "the `apiKey` option",
    baseUrl: "the `baseUrl` option",
    timeoutMs: "the `timeoutMs` option",
};

export interface ResolvedSettings {
    apiKey: string;
    baseUrl: string;
}

function firstPresent(...values: (string | undefined)[]): string | undefined {
    return values.find((value) => typeof value === "string" && value.trim() !== "");
}

export function resolveSettings(sources: SettingsSources): ResolvedSettings {
    const env = sources.env ?? process.env;
    const config = sources.config ?? (() => undefined);
    const apiKey = firstPresent(sources.args?.apiKey, config(CONFIG_API_KEY), env[ENV_API_KEY]);
    // Messages name only the places this caller reads (the CLI has no stack config, no apiKey argument).
    const hasArg = (name: "apiKey" | "baseUrl") => sources.args !== undefined && name in sources.args;
    if (apiKey === undefined) {
        const places = [
            ...(sources.config ? [`set it with \`pulumi config set --secret ${CONFIG_API_KEY} <key>\``] : []),
            ...(hasArg("apiKey") ? ["pass the `apiKey` argument"] : []),
            `export ${ENV_API_KEY}`,
        ];
        throw new UltravoxError("config", `No Ultravox API key found: ${orList(places)}.`);
    }
    const baseUrl = firstPresent(sources.args?.baseUrl, config(CONFIG_BASE_URL), env[ENV_BASE_URL]) ?? DEFAULT_BASE_URL;
    const baseUrlPlaces = [
        ...(hasArg("baseUrl") ? [sources.baseUrlArgument ?? "the `baseUrl` argument"] : []),
        ...(sources.config ? [`\`${CONFIG_BASE_URL}\``] : []),
        ENV_BASE_URL,
    ];
    // A key pasted into the base URL by mistake is not quoted back by its checks.
    return { apiKey: apiKey.trim(), baseUrl: validateBaseUrl(baseUrl, orList(baseUrlPlaces), [apiKey.trim()]) };
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
    return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

const LOOPBACK_IPV4 = parseCidr("127.0.0.0/8") as ParsedCidr;

/**
 * `localhost` itself, 127.0.0.0/8 or ::1 (brackets allowed): where http: and the emulator may go.
 * Only literal addresses and `localhost` count: `*.localhost` (and `localhost.`) are names that a
 * resolver, a proxy or /etc/hosts may send anywhere, so they are not loopback by name alone.
 */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (host === "localhost") return true;
    if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
    const address = parseIpv4(host);
    return address !== undefined && cidrContains(LOOPBACK_IPV4, address);
}

/**
 * A base URL must be https, or http to a loopback address (the emulator).
 * Returned without a trailing slash. `whereToSet` names the places the caller reads it from;
 * `secrets` (the API key) are redacted from any part of the URL a message quotes.
 */
export function validateBaseUrl(
    text: string,
    whereToSet = `\`${CONFIG_BASE_URL}\` or ${ENV_BASE_URL}`,
    secrets: readonly string[] = [],
): string {
    let url: URL;
    try {
        url = new URL(text.trim());
    } catch {
        throw new UltravoxError(
            "config",
            `The Ultravox base URL is not a URL (it is not echoed, in case a key was put there by mistake); set ${whereToSet} to something like ${DEFAULT_BASE_URL}.`,
        );
    }
    if (url.username || url.password) {
        throw new UltravoxError(
            "config",
            `The Ultravox base URL must not carry credentials; set the API key separately, and ${whereToSet} to something like ${DEFAULT_BASE_URL}.`,
        );
    }
    // An empty "?" or "#" leaves url.search and url.hash empty but stays in the URL, and the
    // request path would be appended after it; the parsed href has a "?" or "#" only there
    // (one in the path or the credentials is percent-encoded).
    if (url.search || url.hash || url.href.includes("?") || url.href.includes("#")) {
        throw new UltravoxError(
            "config",
            `The Ultravox base URL must not have a query or fragment; set ${whereToSet} to something like ${DEFAULT_BASE_URL}.`,
        );
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
        throw new UltravoxError(
            "config",
            `The Ultravox base URL uses http: to ${redact(url.hostname, secrets)}, which would send the API key in clear text; set ${whereToSet} to an https: URL, or to http: only on a loopback address such as 127.0.0.1.`,
        );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new UltravoxError(
            "config",
            `The Ultravox base URL must be https: (got ${redact(url.protocol, secrets)}); set ${whereToSet}.`,
        );
    }
    return url.toString().replace(/\/+$/, "");
}
