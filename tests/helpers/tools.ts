/**
 * Helpers for the proof tests, which run real software (nft, xmllint, kamailio, sipp): finding
 * the tools, skipping without them, ports and folders. Processes are run with ./process.ts.
 */
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** sbin too: nft, ip and kamailio live there and a non-root PATH often lacks it. */
const EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** The absolute path of an executable, or undefined when it is not installed. */
export function which(tool: string): string | undefined {
    const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...EXTRA_DIRS].filter((dir) => dir !== "");
    for (const dir of dirs) {
        const candidate = path.join(dir, tool);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
            // not here: try the next directory
        }
    }
    return undefined;
}

/**
 * Skips the current test or hook, saying why on the console (mocha's own report shows only
 * "pending"), when any of `tools` is missing. Returns their paths otherwise.
 */
export function requireTools(context: Mocha.Context, tools: readonly string[]): Record<string, string> {
    const found: Record<string, string> = {};
    const missing: string[] = [];
    for (const tool of tools) {
        const location = which(tool);
        if (location === undefined) missing.push(tool);
        else found[tool] = location;
    }
    if (missing.length > 0) {
        console.log(`      skipped: ${missing.join(", ")} not installed (run .ci/run, which installs them)`);
        context.skip();
    }
    return found;
}

/** Prints why and skips. */
export function skipBecause(context: Mocha.Context, reason: string): never {
    console.log(`      skipped: ${reason}`);
    return context.skip();
}

/**
 * For a part of the real engine (what `npm run pulumi-cli` builds) that is missing: a failure
 * where it should be there (CI=true, or PULUMI_ULTRAVOX_ENGINE_REQUIRED=1, which `npm test` sets
 * when Go is on PATH and so the engine could be built), a skip that says why elsewhere.
 */
export function engineMissing(context: Mocha.Context, reason: string): never {
    if (process.env.CI === "true") throw new Error(`CI=true and ${reason}.`);
    if (process.env.PULUMI_ULTRAVOX_ENGINE_REQUIRED === "1")
        throw new Error(`Go is on PATH, so npm test builds the engine, and ${reason}: see the engine build's output.`);
    return skipBecause(context, reason);
}

/**
 * Waits until `condition` holds: for something observable (a request recorded, a line printed, a
 * timer scheduled), never for a stretch of time. Polls on each turn of the event loop at first,
 * then every 5 ms so as not to take a core from a child process; fails after `limitMs`, naming `what`.
 */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
    const started = Date.now();
    for (let turn = 0; !condition(); turn++) {
        if (Date.now() - started > limitMs) throw new Error(`still waiting, after ${limitMs} ms, for ${what}`);
        await new Promise((resolve) => (turn < 100 ? setImmediate(resolve) : setTimeout(resolve, 5)));
    }
}

/** Polls `check` every 50 ms until it returns true; false after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check()) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return check();
}

/** Whether a UDP socket can bind `address:port` right now. */
export function canBindUdp(address: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = dgram.createSocket("udp4");
        socket.once("error", () => {
            socket.close();
            resolve(false);
        });
        socket.bind(port, address, () => socket.close(() => resolve(true)));
    });
}

/** A UDP port the kernel considers free on `address` (it could be taken again before use; unlikely). */
export function freeUdpPort(address = "127.0.0.1"): Promise<number> {
    return new Promise((resolve, reject) => {
        const socket = dgram.createSocket("udp4");
        socket.once("error", reject);
        socket.bind(0, address, () => {
            const { port } = socket.address();
            socket.close(() => resolve(port));
        });
    });
}

/** A fresh directory under the OS temp dir; remove it with `removeDir`. */
export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
}
