/**
 * A lock shared by the CLI runs on one machine that change the same account's allowlist: the API
 * has no conditional write, so runs that overlap there could undo each other however often they
 * re-read. Across machines the re-reads in allowlist.ts remain the only guard.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { UltravoxError } from "../core/errors";

/** A holder that is gone, or older than this, no longer holds the lock. */
const STALE_MS = 120_000;

function holderAlive(file: string): boolean {
    try {
        const pid = Number(fs.readFileSync(file, "utf8"));
        if (Date.now() - fs.statSync(file).mtimeMs > STALE_MS || !Number.isInteger(pid) || pid <= 0) return false;
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: the process exists under another user.
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Runs `fn` while holding the lock for `key` (the account's base URL), waiting up to `timeoutMs` for it. */
export async function withLocalLock<T>(key: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const name = `pulumi-ultravox-allowlist-${createHash("sha256").update(key).digest("hex").slice(0, 16)}.lock`;
    const file = path.join(os.tmpdir(), name);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            fs.writeFileSync(file, String(process.pid), { flag: "wx", mode: 0o600 });
            break;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
            if (!holderAlive(file)) {
                fs.rmSync(file, { force: true });
                continue;
            }
            if (Date.now() > deadline) {
                throw new UltravoxError(
                    "conflict",
                    `Another pulumi-ultravox allow/disallow on this machine held the allowlist for over ${timeoutMs} ms (${file}); wait for it, or remove that file if no such run is left.`,
                );
            }
            await sleep(50 + Math.random() * 50);
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(file, { force: true });
    }
}
