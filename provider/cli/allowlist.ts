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
import { canonicalCidrs, formatIpv4, parseCidr } from "../core/cidr";
import { UltravoxError } from "../core/errors";
import type { WarningSink } from "../core/types";
import { withLocalLock } from "./localLock";
import { clientFrom, type Options } from "./options";
import { UsageError } from "./usageError";

/** Read-modify-write rounds before giving up with `conflict`. */
export const MAX_ALLOWLIST_ATTEMPTS = 5;
/** Shorter prefixes (more than 65 536 addresses) need `--allow-broad`. */
export const BROADEST_PREFIX_WITHOUT_FLAG = 16;
const MIN_SETTLE_MS = 250;

/** Every CIDR checked before anything is written: one bad entry refuses the whole call. */
function wantedCidrs(command: "allow" | "disallow", texts: readonly string[], options: Options): string[] {
    if (texts.length === 0) throw new UsageError(`${command} needs a CIDR, such as 203.0.113.7/32.`);
    const problems: string[] = [];
    for (const text of texts) {
        const parsed = parseCidr(text);
        if (!parsed) {
            problems.push(`${JSON.stringify(text)} is not an IPv4 CIDR such as 203.0.113.7/32.`);
            continue;
        }
        const network = `${formatIpv4(parsed.network)}/${parsed.prefix}`;
        if (parsed.hadHostBits) {
            const address = text.slice(0, text.indexOf("/"));
            problems.push(
                `${text} has host bits set: it means the network ${network} (${2 ** (32 - parsed.prefix)} addresses). Write ${address}/32 for the one address, or ${network} for the network.`,
            );
            continue;
        }
        if (command === "allow" && parsed.prefix < BROADEST_PREFIX_WITHOUT_FLAG && !options["allow-broad"]) {
            problems.push(
                `${network} would accept calls from ${2 ** (32 - parsed.prefix)} addresses; pass --allow-broad if that is what you mean.`,
            );
        }
    }
    if (problems.length > 0) throw new UsageError(`nothing was changed:\n  ${problems.join("\n  ")}`);
    return canonicalCidrs(texts);
}

function holdsChange(command: "allow" | "disallow", list: readonly string[], wanted: readonly string[]): boolean {
    return wanted.every((cidr) => list.includes(cidr) === (command === "allow"));
}

function listed(list: readonly string[]): string {
    return `allowedCidrRanges: ${list.join(", ") || "(none)"}\n`;
}

/** Whether the account still holds the change a while after it was seen there. */
async function stillHolds(
    client: UltravoxClient,
    command: "allow" | "disallow",
    wanted: readonly string[],
    settleMs: number,
): Promise<string[] | undefined> {
    await sleep(settleMs);
    const later = await client.getSipConfig({ fresh: true });
    return holdsChange(command, later.allowedCidrRanges, wanted) ? later.allowedCidrRanges : undefined;
}

export async function changeAllowlist(
    command: "allow" | "disallow",
    texts: readonly string[],
    options: Options,
    onWarning: WarningSink,
) {
    const wanted = wantedCidrs(command, texts, options);
    const client = clientFrom(options, onWarning);
    // Runs on this machine take turns; the re-reads below guard against writers elsewhere.
    return withLocalLock(client.baseUrl, client.timeoutMs * MAX_ALLOWLIST_ATTEMPTS, () =>
        readModifyWrite(command, wanted, client),
    );
}

async function readModifyWrite(
    command: "allow" | "disallow",
    wanted: readonly string[],
    client: UltravoxClient,
): Promise<string> {
    for (let attempt = 1; attempt <= MAX_ALLOWLIST_ATTEMPTS; attempt++) {
        const started = Date.now();
        const current = await client.getSipConfig({ fresh: true });
        if (holdsChange(command, current.allowedCidrRanges, wanted)) {
            if (attempt > 1) return listed(current.allowedCidrRanges);
            return `${wanted.join(", ")} ${wanted.length === 1 ? "was" : "were"} already ${command === "allow" ? "allowed" : "absent"}; nothing changed.\n${listed(current.allowedCidrRanges)}`;
        }
        const next =
            command === "allow"
                ? canonicalCidrs([...current.allowedCidrRanges, ...wanted])
                : current.allowedCidrRanges.filter((existing) => !wanted.includes(existing));
        await client.patchSipConfig({ allowedCidrRanges: next });
        const after = await client.getSipConfig({ fresh: true });
        if (!holdsChange(command, after.allowedCidrRanges, wanted)) continue;
        const settled = await stillHolds(client, command, wanted, Math.max(MIN_SETTLE_MS, 2 * (Date.now() - started)));
        if (settled) return listed(settled);
    }
    throw new UltravoxError(
        "conflict",
        `Another writer kept changing allowedCidrRanges: after ${MAX_ALLOWLIST_ATTEMPTS} attempts the list still lacks this change (${command} ${wanted.join(" ")}). Check who else edits the account's SIP config, then run the command again.`,
    );
}
