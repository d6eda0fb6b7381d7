/**
 * A lock shared by one user's CLI runs on one machine that change the same account's allowlist:
 * the API has no conditional write, so runs that overlap there could undo each other however often
 * they re-read. Across users and machines the re-reads in allowlist.ts remain the only guard.
 *
 * The lock is a file in a folder of the user's own (mode 0700), so another user can neither hold
 * nor break it. It names its holder (pid and the process's start time); a holder that is gone no
 * longer holds it, however young the file, and a live holder keeps it however long it runs.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { UltravoxError } from "../core/errors";

/** Where the current user's locks live; the folder is checked to be this user's own. */
export function lockFolder(base = os.tmpdir()): string {
    const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
    const user = uid ?? os.userInfo().username;
    const folder = path.join(base, `pulumi-ultravox-${user}`);
    try {
        fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw lockError(`cannot create ${folder}`, error);
    }
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
        throw new UltravoxError(
            "conflict",
            `The CLI's lock folder ${folder} is not a folder of this user's; remove it (or set TMPDIR to a folder of your own), then run the command again.`,
        );
    }
    return folder;
}

function lockError(what: string, error: unknown): UltravoxError {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    return new UltravoxError(
        "conflict",
        `The CLI's allowlist lock could not be taken: ${what} (${code}). Check the temporary folder (TMPDIR), then run the command again.`,
        { cause: error },
    );
}

/** When a process started, from /proc on Linux: tells a holder from a later process given its pid. */
function startTimeOf(pid: number): string | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // Field 22, counted after the command name, which is in parentheses and may hold spaces.
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    } catch {
        return undefined;
    }
}

/** This process, as the lock file records its holder. */
export function holderRecord(pid = process.pid): string {
    return `${pid} ${startTimeOf(pid) ?? ""}`.trim();
}

/** Whether the holder the record names is still running: the same pid and, where known, the same start. */
export function holderAlive(record: string): boolean {
    const [pidText, started] = record.trim().split(" ");
    const pid = Number(pidText);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
        process.kill(pid, 0);
    } catch (error) {
        // EPERM: the process exists (under another user, which cannot happen in a folder of one's own).
        if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    const now = startTimeOf(pid);
    return started === undefined || now === undefined || now === started;
}

/** Removes the lock file if it still holds `record` (a dead holder's), so that a new holder's is never removed. */
function breakStale(file: string, record: string): void {
    const claimed = `${file}.${process.pid}.stale`;
    try {
        fs.renameSync(file, claimed);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw lockError(`cannot remove the stale ${file}`, error);
    }
    // Another run may have broken the same stale lock and taken the lock between our read and the
    // rename: then what was renamed is its live lock, which goes back.
    const taken = fs.readFileSync(claimed, "utf8");
    if (taken !== record) {
        try {
            fs.linkSync(claimed, file);
        } catch {
            // A third run holds it now: the live one we moved is lost, and the re-reads guard.
        }
    }
    fs.rmSync(claimed, { force: true });
}

/** Runs `fn` while holding the lock for `key` (the account's base URL), waiting up to `timeoutMs` for it. */
export async function withLocalLock<T>(
    key: string,
    timeoutMs: number,
    fn: () => Promise<T>,
    folder = lockFolder(),
): Promise<T> {
    const name = `allowlist-${createHash("sha256").update(key).digest("hex").slice(0, 16)}.lock`;
    const file = path.join(folder, name);
    const record = holderRecord();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            fs.writeFileSync(file, record, { flag: "wx", mode: 0o600 });
            break;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw lockError(`cannot create ${file}`, error);
        }
        let holder: string;
        try {
            holder = fs.readFileSync(file, "utf8");
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
            throw lockError(`cannot read ${file}`, error);
        }
        if (!holderAlive(holder)) {
            breakStale(file, holder);
            continue;
        }
        if (Date.now() > deadline) {
            throw new UltravoxError(
                "conflict",
                `Another pulumi-ultravox allow/disallow of yours on this machine (pid ${holder.split(" ")[0]}) held the allowlist for over ${timeoutMs} ms; wait for it to finish, then run the command again.`,
            );
        }
        await sleep(50 + Math.random() * 50);
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(file, { force: true });
    }
}
