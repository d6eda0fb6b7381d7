/**
 * IPv4 CIDR tools. Addresses are unsigned 32-bit integers held in plain numbers;
 * the hot paths work on typed arrays so that 100k ranges sort in milliseconds.
 */
import { chunk } from "./chunk";
import { UltravoxError } from "./errors";
import { quote } from "./quote";
import type { WarningSink } from "./types";

export interface ParsedCidr {
    /** The network address (host bits zeroed), as an unsigned 32-bit integer. */
    network: number;
    prefix: number;
    /** True when the text had host bits set (`10.1.2.3/24`). */
    hadHostBits: boolean;
}

/** 2 ** n for n in 0..32: a table lookup instead of Math.pow in the hot loops. */
const POW2 = Float64Array.from({ length: 33 }, (_, n) => 2 ** n);

/** The address with its host bits zeroed: the network of the /prefix block it lies in. */
function networkOf(address: number, prefix: number): number {
    return address - (address % (POW2[32 - prefix] as number));
}

/** In a packed result: the text was a bare address, without `/n`. */
const NO_PREFIX = 63;

/**
 * The one parser of dotted quads, allocation-free for the 100k-entry paths: `address * 64 + prefix`
 * for `a.b.c.d/n` (exact in a double: < 2^38), `address * 64 + NO_PREFIX` for a bare `a.b.c.d`
 * when `allowBare`, and -1 for anything else. Host bits are kept: the caller decides about them.
 */
function packedAddress(text: string, allowBare: boolean): number {
    if (typeof text !== "string") return -1;
    const end = text.length;
    let address = 0;
    let index = 0;
    for (let octetIndex = 0; octetIndex < 4; octetIndex++) {
        if (octetIndex > 0) {
            if (text.charCodeAt(index) !== 46 /* . */) return -1;
            index++;
        }
        const octetStart = index;
        let octet = 0;
        while (index < end) {
            const digit = text.charCodeAt(index) - 48;
            if (digit < 0 || digit > 9) break;
            octet = octet * 10 + digit;
            index++;
        }
        const length = index - octetStart;
        // Leading zeros are refused: some parsers read them as octal.
        if (length === 0 || length > 3 || octet > 255 || (length > 1 && text.charCodeAt(octetStart) === 48)) {
            return -1;
        }
        address = address * 256 + octet;
    }
    if (index === end) return allowBare ? address * 64 + NO_PREFIX : -1;
    if (text.charCodeAt(index) !== 47 /* / */) return -1;
    const prefixLength = end - index - 1;
    if (prefixLength < 1 || prefixLength > 2 || (prefixLength === 2 && text.charCodeAt(index + 1) === 48)) {
        return -1;
    }
    let prefix = 0;
    for (let cursor = index + 1; cursor < end; cursor++) {
        const digit = text.charCodeAt(cursor) - 48;
        if (digit < 0 || digit > 9) return -1;
        prefix = prefix * 10 + digit;
    }
    return prefix > 32 ? -1 : address * 64 + prefix;
}

/** Parses an IPv4 address (`192.0.2.7`) to an unsigned integer; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
    const packed = packedAddress(text, true);
    return packed >= 0 && packed % 64 === NO_PREFIX ? (packed - NO_PREFIX) / 64 : undefined;
}

/** Parses `a.b.c.d/n` strictly; undefined when it is not an IPv4 CIDR. */
export function parseCidr(text: string): ParsedCidr | undefined {
    const packed = packedAddress(text, false);
    if (packed < 0) return undefined;
    const prefix = packed % 64;
    const address = (packed - prefix) / 64;
    const network = networkOf(address, prefix);
    return { network, prefix, hadHostBits: network !== address };
}

/** Whether the address (`parseIpv4`'s number) lies in the CIDR: the one containment test. */
export function cidrContains(cidr: ParsedCidr, address: number): boolean {
    return networkOf(address, cidr.prefix) === cidr.network;
}

/** The last address of the CIDR, as an unsigned 32-bit integer. */
function lastAddress(cidr: ParsedCidr): number {
    return cidr.network + (POW2[32 - cidr.prefix] as number) - 1;
}

/**
 * Why a range written with host bits (`203.0.113.7/24`) is refused where a value is written
 * (the CLI's allow, a SipConfig's inputs): it may mean the network or the one address, and only
 * its author knows which. Undefined when the text is a CIDR without host bits, or not a CIDR.
 */
export function hostBitsProblem(text: string): string | undefined {
    const parsed = parseCidr(text);
    if (!parsed?.hadHostBits) return undefined;
    const network = `${formatIpv4(parsed.network)}/${parsed.prefix}`;
    const address = text.slice(0, text.indexOf("/"));
    return `${text} has host bits set: it means the network ${network} (${2 ** (32 - parsed.prefix)} addresses). Write ${address}/32 for the one address, or ${network} for the network.`;
}

export function isIpv4Cidr(text: string): boolean {
    return parseCidr(text) !== undefined;
}

export function formatIpv4(address: number): string {
    return `${Math.floor(address / 16777216)}.${Math.floor(address / 65536) % 256}.${Math.floor(address / 256) % 256}.${address % 256}`;
}

function notACidr(text: string, index: number): UltravoxError {
    return new UltravoxError(
        "invalid_input",
        `Entry ${index} (${quote(text)}) is not an IPv4 CIDR such as "203.0.113.0/24"; write a single address as "203.0.113.7/32".`,
        { issues: [String(index)] },
    );
}

function parseOrThrow(text: string, index: number): ParsedCidr {
    const parsed = parseCidr(text);
    if (!parsed) throw notACidr(text, index);
    return parsed;
}

/**
 * Packs each CIDR as `network * 64 + prefix` (exact in a double: < 2^38) into a sorted
 * Float64Array: numeric order by network, then by prefix. No object per entry: this is the
 * loop 100k-entry lists spend their time in.
 */
function sortedKeys(list: readonly string[], onHostBits?: (text: string, canonical: string) => void): Float64Array {
    if (!Array.isArray(list)) {
        throw new UltravoxError("invalid_input", "Expected an array of IPv4 CIDR strings.");
    }
    const keys = new Float64Array(list.length);
    for (let index = 0; index < list.length; index++) {
        const text = list[index] as string;
        const packed = packedAddress(text, false);
        if (packed < 0) throw notACidr(text, index);
        const prefix = packed % 64;
        const address = (packed - prefix) / 64;
        const network = networkOf(address, prefix);
        if (network !== address && onHostBits) onHostBits(text, `${formatIpv4(network)}/${prefix}`);
        keys[index] = network * 64 + prefix;
    }
    return keys.sort();
}

function keyToCidr(key: number): string {
    const prefix = key % 64;
    return `${formatIpv4((key - prefix) / 64)}/${prefix}`;
}

/** What `canonicalCidrs` takes besides the list. */
export interface CanonicalCidrOptions {
    /** Told about each entry whose host bits were zeroed. */
    onWarning?: WarningSink;
}

/** Host bits zeroed (`10.1.2.3/24` → `10.1.2.0/24`), duplicates removed, sorted numerically. */
export function canonicalCidrs(list: readonly string[], options: CanonicalCidrOptions = {}): string[] {
    const warn = options.onWarning;
    const keys = sortedKeys(
        list,
        warn ? (text, canonical) => warn(`CIDR ${text} has host bits set; using ${canonical}.`) : undefined,
    );
    const out: string[] = [];
    let previous = -1;
    for (const key of keys) {
        if (key !== previous) out.push(keyToCidr(key));
        previous = key;
    }
    return out;
}

/** The largest CIDR blocks that exactly cover [start, end] (inclusive), appended to `out`. */
function rangeToCidrs(start: number, end: number, out: string[]): void {
    let cursor = start;
    while (cursor <= end) {
        // Largest block aligned at `cursor`...
        let bits = cursor === 0 ? 32 : countTrailingZeros(cursor);
        // ...that does not run past `end`.
        while (cursor + (POW2[bits] as number) - 1 > end) bits--;
        out.push(`${formatIpv4(cursor)}/${32 - bits}`);
        cursor += POW2[bits] as number;
    }
}

function countTrailingZeros(value: number): number {
    // value is in (0, 2^32); Math.clz32 works on the low 32 bits.
    const low = value >>> 0;
    return 31 - Math.clz32(low & -low);
}

/**
 * The fewest CIDRs covering exactly the addresses of the input: nested ranges dropped,
 * adjacent ones merged. Off by default everywhere: it makes diffs less predictable.
 */
export function aggregateCidrs(list: readonly string[]): string[] {
    const keys = sortedKeys(list);
    const out: string[] = [];
    let runStart = -1;
    let runEnd = -2;
    for (const key of keys) {
        const prefix = key % 64;
        const start = (key - prefix) / 64;
        const end = start + (POW2[32 - prefix] as number) - 1;
        if (start > runEnd + 1) {
            if (runStart >= 0) rangeToCidrs(runStart, runEnd, out);
            runStart = start;
            runEnd = end;
        } else if (end > runEnd) {
            runEnd = end;
        }
    }
    if (runStart >= 0) rangeToCidrs(runStart, runEnd, out);
    return out;
}

/** Splits a list into consecutive chunks of at most `size` entries (for per-rule limits). */
export function chunkCidrs(list: readonly string[], size: number): string[][] {
    if (!Number.isInteger(size) || size < 1) {
        throw new UltravoxError("invalid_input", `Chunk size must be a positive integer, got ${String(size)}.`);
    }
    if (!Array.isArray(list)) {
        throw new UltravoxError("invalid_input", "Expected an array of IPv4 CIDR strings.");
    }
    list.forEach((text, index) => {
        parseOrThrow(text, index);
    });
    return chunk(list, size);
}

/** True when `ip` (an IPv4 address) lies in any of the CIDRs. */
export function cidrsContain(list: readonly string[], ip: string): boolean {
    const address = parseIpv4(ip);
    if (address === undefined) {
        throw new UltravoxError("invalid_input", `${quote(ip)} is not an IPv4 address such as "203.0.113.7".`);
    }
    if (!Array.isArray(list)) {
        throw new UltravoxError("invalid_input", "Expected an array of IPv4 CIDR strings.");
    }
    // Every entry is checked, even after a match: a bad entry is an error wherever it stands.
    const parsed = list.map((text, index) => parseOrThrow(text, index));
    return parsed.some((cidr) => cidrContains(cidr, address));
}

/** The first CIDR of the list that contains the address; entries that are not CIDRs are passed over. */
export function firstContaining(list: readonly string[], address: number): string | undefined {
    return list.find((text) => {
        const parsed = parseCidr(text);
        return parsed !== undefined && cidrContains(parsed, address);
    });
}

export interface CidrListOptions extends CanonicalCidrOptions {
    /** Merge adjacent and nested CIDRs. Default false: aggregation makes diffs less predictable. */
    aggregate?: boolean;
}

/** What every renderer does to its CIDR list: canonical, and aggregated on request. */
export function resolveCidrs(list: readonly string[], options: CidrListOptions = {}): string[] {
    const canonical = canonicalCidrs(list, options.onWarning ? { onWarning: options.onWarning } : {});
    return options.aggregate ? aggregateCidrs(canonical) : canonical;
}

/**
 * Drops each CIDR contained in an earlier one of a canonical, sorted list (what a set that
 * refuses overlapping elements needs). Adjacent CIDRs are kept apart, unlike `aggregateCidrs`.
 */
export function withoutNestedCidrs(sortedCanonical: readonly string[]): string[] {
    const kept: string[] = [];
    let coveredUpTo = -1;
    for (const text of sortedCanonical) {
        const parsed = parseCidr(text);
        if (!parsed || parsed.network <= coveredUpTo) continue;
        kept.push(text);
        coveredUpTo = lastAddress(parsed);
    }
    return kept;
}
