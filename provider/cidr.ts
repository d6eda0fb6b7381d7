/**
 * IPv4 CIDR tools. Addresses are unsigned 32-bit integers held in plain numbers;
 * the hot paths work on typed arrays so that 100k ranges sort in milliseconds.
 */
import { UltravoxError } from "./errors";
import type { WarningSink } from "./types";

const TWO_32 = 4294967296;

export interface ParsedCidr {
    /** The network address (host bits zeroed), as an unsigned 32-bit integer. */
    network: number;
    prefix: number;
    /** True when the text had host bits set (`10.1.2.3/24`). */
    hadHostBits: boolean;
}

/** Reads a dotted quad starting at `start`; returns the address and the index after it, or undefined. */
function readAddress(text: string, start: number, end: number): [number, number] | undefined {
    let address = 0;
    let index = start;
    for (let octetIndex = 0; octetIndex < 4; octetIndex++) {
        if (octetIndex > 0) {
            if (text.charCodeAt(index) !== 46 /* . */) return undefined;
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
            return undefined;
        }
        address = address * 256 + octet;
    }
    return [address, index];
}

/** Parses an IPv4 address (`192.0.2.7`) to an unsigned integer; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
    if (typeof text !== "string") return undefined;
    const read = readAddress(text, 0, text.length);
    return read && read[1] === text.length ? read[0] : undefined;
}

/** Parses `a.b.c.d/n` strictly; undefined when it is not an IPv4 CIDR. */
export function parseCidr(text: string): ParsedCidr | undefined {
    if (typeof text !== "string") return undefined;
    const end = text.length;
    const read = readAddress(text, 0, end);
    if (!read) return undefined;
    const [address, slash] = read;
    if (text.charCodeAt(slash) !== 47 /* / */) return undefined;
    const prefixLength = end - slash - 1;
    if (prefixLength < 1 || prefixLength > 2 || (prefixLength === 2 && text.charCodeAt(slash + 1) === 48)) {
        return undefined;
    }
    let prefix = 0;
    for (let index = slash + 1; index < end; index++) {
        const digit = text.charCodeAt(index) - 48;
        if (digit < 0 || digit > 9) return undefined;
        prefix = prefix * 10 + digit;
    }
    if (prefix > 32) return undefined;
    const size = 2 ** (32 - prefix);
    const network = address - (address % size);
    return { network, prefix, hadHostBits: network !== address };
}

export function isIpv4Cidr(text: string): boolean {
    return parseCidr(text) !== undefined;
}

export function formatIpv4(address: number): string {
    return `${Math.floor(address / 16777216)}.${Math.floor(address / 65536) % 256}.${Math.floor(address / 256) % 256}.${address % 256}`;
}

function parseOrThrow(text: string, index: number): ParsedCidr {
    const parsed = parseCidr(text);
    if (!parsed) {
        throw new UltravoxError(
            "invalid_input",
            `Entry ${index} (${JSON.stringify(text)}) is not an IPv4 CIDR such as "203.0.113.0/24"; write a single address as "203.0.113.7/32".`,
            { issues: [String(index)] },
        );
    }
    return parsed;
}

/**
 * Packs each CIDR as `network * 64 + prefix` (exact in a double: < 2^38) into a sorted
 * Float64Array: numeric order by network, then by prefix.
 */
function sortedKeys(list: readonly string[], onHostBits?: (text: string, canonical: string) => void): Float64Array {
    if (!Array.isArray(list)) {
        throw new UltravoxError("invalid_input", "Expected an array of IPv4 CIDR strings.");
    }
    const keys = new Float64Array(list.length);
    for (let index = 0; index < list.length; index++) {
        const text = list[index] as string;
        const parsed = parseOrThrow(text, index);
        if (parsed.hadHostBits && onHostBits) {
            onHostBits(text, `${formatIpv4(parsed.network)}/${parsed.prefix}`);
        }
        keys[index] = parsed.network * 64 + parsed.prefix;
    }
    return keys.sort();
}

function keyToCidr(key: number): string {
    const prefix = key % 64;
    return `${formatIpv4((key - prefix) / 64)}/${prefix}`;
}

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
        let size = cursor === 0 ? TWO_32 : 2 ** Math.min(32, countTrailingZeros(cursor));
        // ...that does not run past `end`.
        while (cursor + size - 1 > end) size /= 2;
        out.push(`${formatIpv4(cursor)}/${32 - Math.log2(size)}`);
        cursor += size;
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
        const end = start + 2 ** (32 - prefix) - 1;
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
    const chunks: string[][] = [];
    for (let start = 0; start < list.length; start += size) {
        chunks.push(list.slice(start, start + size));
    }
    return chunks;
}

/** True when `ip` (an IPv4 address) lies in any of the CIDRs. */
export function cidrsContain(list: readonly string[], ip: string): boolean {
    const address = parseIpv4(ip);
    if (address === undefined) {
        throw new UltravoxError("invalid_input", `${JSON.stringify(ip)} is not an IPv4 address such as "203.0.113.7".`);
    }
    if (!Array.isArray(list)) {
        throw new UltravoxError("invalid_input", "Expected an array of IPv4 CIDR strings.");
    }
    let found = false;
    list.forEach((text, index) => {
        const { network, prefix } = parseOrThrow(text, index);
        if (address - (address % 2 ** (32 - prefix)) === network) found = true;
    });
    return found;
}
