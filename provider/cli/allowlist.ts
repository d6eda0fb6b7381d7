/**
 * `allow` and `disallow`: CIDRs added to or removed from allowedCidrRanges, all or none.
 *
 * The API has no conditional write, so two runs that read, then write the whole list can undo
 * each other. Each run re-reads after its write, and again after a pause as long as two of its
 * own read-modify-writes (a concurrent run's stale PATCH lands within about one): while the
 * list lacks the change it retries, a bounded number of times, then fails with `conflict`.
 * Success is reported only for a list that holds the change. Runs on one machine also take turns
 * (localLock.ts), which closes the race between them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { UltravoxClient } from "../api/client";
import { canonicalCidrs, cidrContains, formatIpv4, hostBitsProblem, parseCidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import { hasLineBreaking } from "../core/text";
import type { WarningSink } from "../core/types";
import { tempFolder } from "./io";
import { lockFolder, withLocalLock } from "./localLock";
import { clientFrom } from "./options";
import type { Options } from "./parse";
import { UsageError } from "./usageError";

/** Read-modify-write rounds before giving up with `conflict`. */
export const MAX_ALLOWLIST_ATTEMPTS = 5;
/** Shorter prefixes (more than 65 536 addresses) need `--allow-broad`. */
export const BROADEST_PREFIX_WITHOUT_FLAG = 16;
const MIN_SETTLE_MS = 250;

/** What a run asks for: IPv4 CIDRs, and (disallow only) entries that are not IPv4, to remove as written. */
export interface WantedEntries {
    cidrs: string[];
    others: string[];
}

/** Exit code of `disallow` when what it removed is still allowed through a broader entry. */
export const EXIT_STILL_ALLOWED = 5;

/** Text shaped like IPv4 (digits, dots, a slash): a typo of a CIDR, never an entry to match as written. */
const IPV4_SHAPED = /^[\d./]+$/;

/** Every entry checked before anything is read or written: one bad entry refuses the whole call. */
export function wantedEntries(
    command: "allow" | "disallow",
    texts: readonly string[],
    options: Options,
): WantedEntries {
    if (texts.length === 0) throw new UsageError(`${command} needs a CIDR, such as 203.0.113.7/32.`);
    const problems: string[] = [];
    const others: string[] = [];
    const cidrs: string[] = [];
    for (const text of texts) {
        const parsed = parseCidr(text);
        if (!parsed) {
            // An entry set elsewhere that is not IPv4 (an IPv6 range): disallow removes it as `show` lists it.
            if (command === "disallow" && !IPV4_SHAPED.test(text) && isPrintableEntry(text)) {
                if (!others.includes(text)) others.push(text);
                continue;
            }
            problems.push(`${JSON.stringify(text)} is not an IPv4 CIDR such as 203.0.113.7/32.`);
            continue;
        }
        const network = `${formatIpv4(parsed.network)}/${parsed.prefix}`;
        const hostBits = hostBitsProblem(text);
        if (hostBits) {
            problems.push(hostBits);
            continue;
        }
        if (command === "allow" && parsed.prefix < BROADEST_PREFIX_WITHOUT_FLAG && !options["allow-broad"]) {
            problems.push(
                `${network} would accept calls from ${2 ** (32 - parsed.prefix)} addresses; pass --allow-broad if that is what you mean.`,
            );
        }
        cidrs.push(text);
    }
    if (problems.length > 0) throw new UsageError(`nothing was changed:\n  ${problems.join("\n  ")}`);
    return { cidrs: canonicalCidrs(cidrs), others };
}

function isPrintableEntry(text: string): boolean {
    return text.length <= 100 && !text.includes(" ") && !hasLineBreaking(text);
}

/** The account's allowlist as the CLI reads it: IPv4 CIDRs, and the other entries kept apart. */
interface Allowlist {
    allowedCidrRanges: string[];
    otherCidrRanges: string[];
}

function holdsChange(command: "allow" | "disallow", list: Allowlist, wanted: WantedEntries): boolean {
    const present = command === "allow";
    return (
        wanted.cidrs.every((cidr) => list.allowedCidrRanges.includes(cidr) === present) &&
        wanted.others.every((entry) => list.otherCidrRanges.includes(entry) === present)
    );
}

function listed(list: Allowlist): string {
    const others = list.otherCidrRanges.length > 0 ? `otherCidrRanges: ${list.otherCidrRanges.join(", ")}\n` : "";
    return `allowedCidrRanges: ${list.allowedCidrRanges.join(", ") || "(none)"}\n${others}`;
}

/** The entries of `list` broader than `cidr` that hold all of it: they keep it allowed after a disallow. */
function coveringEntries(list: readonly string[], cidr: string): string[] {
    const inner = parseCidr(cidr);
    if (!inner) return [];
    return list.filter((entry) => {
        const outer = parseCidr(entry);
        return outer !== undefined && outer.prefix < inner.prefix && cidrContains(outer, inner.network);
    });
}

/** Whether the account still holds the change a while after it was seen there. */
async function stillHolds(
    client: UltravoxClient,
    command: "allow" | "disallow",
    wanted: WantedEntries,
    settleMs: number,
): Promise<Allowlist | undefined> {
    await sleep(settleMs);
    const later = await client.getSipConfig({ fresh: true, keepOtherRanges: true });
    return holdsChange(command, later, wanted) ? later : undefined;
}

/** What `allow`/`disallow` prints and exits with, and the warnings it has for its user. */
export interface AllowlistOutcome {
    output: string;
    code: number;
    warnings: string[];
}

export async function changeAllowlist(
    command: "allow" | "disallow",
    wanted: WantedEntries,
    options: Options,
    env: NodeJS.ProcessEnv,
    onWarning: WarningSink,
): Promise<AllowlistOutcome> {
    const client = clientFrom(options, env, onWarning);
    // Runs on this machine take turns; the re-reads below guard against writers elsewhere.
    const list = await withLocalLock(
        client.baseUrl,
        client.timeoutMs * MAX_ALLOWLIST_ATTEMPTS,
        () => readModifyWrite(command, wanted, client),
        lockFolder(tempFolder(env)),
    );
    if (command === "allow") return { output: list.output, code: 0, warnings: [] };
    // Matching is by entry: a removed (or absent) range inside a broader entry stays allowed. Said, and exit 5.
    const warnings = wanted.cidrs.flatMap((cidr) => {
        const covering = coveringEntries(list.allowedCidrRanges, cidr);
        return covering.length === 0
            ? []
            : [
                  `${cidr} is still allowed: ${covering.join(", ")} in allowedCidrRanges ${covering.length === 1 ? "holds" : "hold"} it (entries are removed as written, never split). Disallow ${covering.length === 1 ? "that entry" : "those entries"}, and allow again the parts that should stay, to stop calls from ${cidr}.`,
              ];
    });
    return { output: list.output, code: warnings.length > 0 ? EXIT_STILL_ALLOWED : 0, warnings };
}

/**
 * The API may refuse back entries it would not take itself (IPv4 only, as published): then say
 * which kept entries are the likely reason, and how to go on.
 */
function refusedWithOthers(error: unknown, others: readonly string[]): UltravoxError | undefined {
    if (others.length === 0 || !(error instanceof UltravoxError) || error.status !== 400) return undefined;
    return new UltravoxError(
        "http",
        `The API refused allowedCidrRanges with the entries that are not IPv4 kept (${others.map((entry) => JSON.stringify(entry)).join(", ")}); nothing was changed. Remove them first (\`pulumi-ultravox disallow ${others.join(" ")}\`), then run this command again.`,
        { status: 400, cause: error },
    );
}

async function readModifyWrite(
    command: "allow" | "disallow",
    wanted: WantedEntries,
    client: UltravoxClient,
): Promise<Allowlist & { output: string }> {
    const all = [...wanted.cidrs, ...wanted.others];
    for (let attempt = 1; attempt <= MAX_ALLOWLIST_ATTEMPTS; attempt++) {
        const started = Date.now();
        const current = await client.getSipConfig({ fresh: true, keepOtherRanges: true });
        if (holdsChange(command, current, wanted)) {
            if (attempt > 1) return { ...current, output: listed(current) };
            const already = `${all.join(", ")} ${all.length === 1 ? "was" : "were"} already ${command === "allow" ? "allowed" : "absent"}; nothing changed.`;
            return { ...current, output: `${already}\n${listed(current)}` };
        }
        // Entries this package cannot use are kept as they are: a change of IPv4 ranges never drops them.
        const next =
            command === "allow"
                ? [...canonicalCidrs([...current.allowedCidrRanges, ...wanted.cidrs]), ...current.otherCidrRanges]
                : [
                      ...current.allowedCidrRanges.filter((existing) => !wanted.cidrs.includes(existing)),
                      ...current.otherCidrRanges.filter((existing) => !wanted.others.includes(existing)),
                  ];
        await client.patchSipConfig({ allowedCidrRanges: next }, { keepOtherRanges: true }).catch((error: unknown) => {
            throw refusedWithOthers(error, current.otherCidrRanges) ?? error;
        });
        const after = await client.getSipConfig({ fresh: true, keepOtherRanges: true });
        if (!holdsChange(command, after, wanted)) continue;
        const settled = await stillHolds(client, command, wanted, Math.max(MIN_SETTLE_MS, 2 * (Date.now() - started)));
        if (settled) return { ...settled, output: listed(settled) };
    }
    throw new UltravoxError(
        "conflict",
        `Another writer kept changing allowedCidrRanges: after ${MAX_ALLOWLIST_ATTEMPTS} attempts the list still lacks this change (${command} ${all.join(" ")}). Check who else edits the account's SIP config, then run the command again.`,
    );
}
